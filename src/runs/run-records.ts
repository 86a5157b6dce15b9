import type { StreamMode } from './run-event.ts';
import type { TraceCarrier } from '../observability/index.ts';

/*
 * Threads and runs as the LangGraph API serves them. They keep the API's snake_case field
 * names because they are the wire contract and the stored record at once; mapping them
 * twice would only add places to get wrong.
 */

export type RunStatus = 'pending' | 'running' | 'success' | 'error' | 'timeout' | 'interrupted';
export type MultitaskStrategy = 'reject' | 'rollback' | 'interrupt' | 'enqueue';
export type ThreadStatus = 'idle' | 'busy' | 'interrupted' | 'error';

export interface RunKwargs {
  input?: unknown;
  command?: { resume?: unknown; goto?: unknown; update?: unknown } | null;
  config: { configurable?: Record<string, unknown>; tags?: string[]; recursion_limit?: number };
  context?: unknown;
  stream_mode: StreamMode[];
  subgraphs: boolean;
  interrupt_before?: string[] | '*';
  interrupt_after?: string[] | '*';
  webhook?: string;
  /** A stateless run's thread, deleted when the run ends. */
  temporary: boolean;
  on_disconnect: 'cancel' | 'continue';
  durability?: 'exit' | 'async' | 'sync';
  /** Who created the run (the API key's name), for the audit trail. */
  actor?: string;
  /** Whose authority the run acts with when that is not `actor`'s: the requester of the approval that resumed it. */
  on_behalf_of?: string;
  /** Started through the thread protocol: its events are the protocol's (LangGraph's `streamEvents` v3). */
  protocol?: boolean;
  /** The W3C trace context of the request that created the run: its spans, on any worker, join that trace. */
  trace_context?: TraceCarrier;
}

export interface RunRecord {
  run_id: string;
  thread_id: string;
  assistant_id: string;
  tenant_id: string;
  created_at: string;
  updated_at: string;
  status: RunStatus;
  metadata: Record<string, unknown>;
  multitask_strategy: MultitaskStrategy;
  kwargs: RunKwargs;
  /** Checkpoint the thread was at when the run started: where a rollback returns to. */
  checkpoint_before?: string | null;
  error?: { code: string; message: string } | null;
  /** How many times a worker has claimed this run (1 on its first execution); a crash-resumed run counts up to RUN_MAX_ATTEMPTS. */
  attempt?: number;
  /** Set when the run resumes from its thread's last checkpoint rather than starting from its input (a worker died mid-run). */
  resume_from?: 'checkpoint' | null;
  /** The thread's newest checkpoint (any namespace) when the current attempt started: the next attempt tells by it whether this one got anywhere. */
  attempt_checkpoint?: string | null;
  /** Attempts in a row whose worker stopped before the run saved a checkpoint; RUN_MAX_ATTEMPTS of them end it `error`. */
  stalled_attempts?: number;
  /** The process executing (or that last executed) the run: `<host>:<pid>`. */
  worker?: string;
}

export interface ThreadRecord {
  thread_id: string;
  tenant_id: string;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  status: ThreadStatus;
  /** The state after the last run, as served by `GET /threads/{id}`. */
  values: unknown;
  interrupts: Record<string, unknown[]>;
}

export const activeRunStatuses: RunStatus[] = ['pending', 'running'];

/** The graph a run executes: recorded in its config (an assistant tenants created names one), else its assistant's. */
export function graphIdOf(run: Pick<RunRecord, 'assistant_id' | 'kwargs'>): string {
  const graphId = run.kwargs.config.configurable?.graph_id;
  return typeof graphId === 'string' ? graphId : run.assistant_id;
}

export function isActive(run: Pick<RunRecord, 'status'>): boolean {
  return activeRunStatuses.includes(run.status);
}
