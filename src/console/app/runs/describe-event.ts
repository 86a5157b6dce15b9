import type { StreamEvent } from '../api-client.ts';
import { messageText, roleOf, type Message } from './run.ts';

const excerpt = (text: string, length = 160) => (text.length > length ? `${text.slice(0, length)}…` : text);

/** What a node's update did, in a line: the messages it added and the tool calls they make. */
function describeUpdate(node: string, update: unknown): string {
  const messages = ((update as { messages?: Message[] } | null)?.messages ?? []) as Message[];
  const parts = messages.map((message) => {
    const calls = (message.tool_calls ?? []).map((call) => `calls ${call.name} ${JSON.stringify(call.args)}`);
    const text = messageText(message);
    return [roleOf(message) === 'tool' ? `tool ${message.name ?? ''} answered: ${excerpt(text)}` : text && excerpt(text), ...calls].filter(Boolean).join('; ');
  }).filter(Boolean);
  return `${node}${parts.length ? `: ${parts.join(' | ')}` : ''}`;
}

/** One streamed event as one line a person can follow: hops, tool calls, the answer as written. */
export function describeEvent(event: StreamEvent): string {
  const data = event.data as Record<string, unknown> | unknown[] | null;
  const kind = event.event.split('|')[0]!;
  if (kind === 'metadata') return `run ${String((data as { run_id?: string })?.run_id ?? '')}`;
  if (kind === 'updates' && data && typeof data === 'object' && !Array.isArray(data)) {
    return Object.entries(data).map(([node, update]) => describeUpdate(node, update)).join(' · ');
  }
  if (kind === 'values' && data && typeof data === 'object' && !Array.isArray(data)) {
    const messages = (data as { messages?: Message[] }).messages ?? [];
    const last = messages.at(-1);
    return `${messages.length} messages${last ? `; last (${roleOf(last)}): ${excerpt(messageText(last))}` : ''}`;
  }
  if (kind.startsWith('messages') && Array.isArray(data)) {
    const [chunk] = data as [Message | undefined];
    return chunk ? messageText(chunk) : '';
  }
  if (kind === 'error') return `error: ${String((data as { message?: string })?.message ?? JSON.stringify(data))}`;
  return excerpt(JSON.stringify(data) ?? '', 240);
}
