// Usage as the API shows it: the server's own wire type (type-only, so nothing of the server is bundled).
import type { UsageTotals as Usage } from '../../../observability/model-usage.ts';

/** A run as `GET /threads/{id}/runs` and `GET …/runs/{id}` answer it. */
export interface Run {
  run_id: string;
  thread_id: string;
  assistant_id: string;
  created_at: string;
  updated_at: string;
  status: string;
  metadata: Record<string, unknown>;
  kwargs: Record<string, unknown>;
  error?: { code: string; message: string } | null;
  usage?: Usage;
}

export type { Usage };

export interface Thread {
  thread_id: string;
  status: string;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
}

export interface ThreadState {
  values: { messages?: Message[] } & Record<string, unknown>;
  next: string[];
  tasks: Array<{ id: string; name: string; interrupts?: Array<{ value: unknown }> }>;
  checkpoint: { checkpoint_id?: string } | null;
  metadata: { step?: number; source?: string; writes?: unknown } | null;
  created_at: string | null;
  interrupts?: Array<{ value: unknown }>;
}

export interface Message {
  type?: string;
  role?: string;
  content: unknown;
  name?: string;
  tool_calls?: Array<{ name: string; args: unknown }>;
}

export const finished = (status: string) => !['pending', 'running'].includes(status);

/** How long it ran: until its last update when it ended, until now while it runs. */
export function runDuration(run: Run, now = Date.now()): number {
  return (finished(run.status) ? Date.parse(run.updated_at) : now) - Date.parse(run.created_at);
}

/** A message's text, whatever shape its content has. */
export function messageText(message: Message): string {
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) return message.content.map((part) => (typeof part === 'string' ? part : (part as { text?: string }).text ?? '')).join('');
  return JSON.stringify(message.content);
}

export const roleOf = (message: Message) => message.type ?? message.role ?? 'message';
