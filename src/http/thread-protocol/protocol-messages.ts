/*
 * The thread protocol's messages (`@langchain/protocol`, as `client.threads.stream()` of
 * `@langchain/langgraph-sdk` speaks it): commands in, replies and events out.
 */

export type Namespace = string[];

/** An event as it goes on the wire: `seq` orders a thread's events, `event_id` is the SSE id. */
export interface ProtocolEvent {
  type: 'event';
  event_id: string;
  seq: number;
  method: string;
  params: { namespace: Namespace; timestamp: number; node?: string; data: unknown };
}

/** What a run contributes before the thread numbers it. */
export type ProtocolEventBody = Pick<ProtocolEvent, 'method' | 'params'>;

export interface ProtocolCommand {
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

export type ProtocolErrorCode =
  | 'invalid_argument'
  | 'unknown_command'
  | 'unknown_error'
  | 'no_such_run'
  | 'no_such_subscription'
  | 'no_such_interrupt'
  | 'permission_denied'
  | 'not_supported';

export type ProtocolReply =
  | { type: 'success'; id: number; result: Record<string, unknown>; meta?: ReplyMeta }
  | { type: 'error'; id: number | null; error: ProtocolErrorCode; message: string; meta?: ReplyMeta };

export interface ReplyMeta {
  thread_id: string;
  /** The thread's last event when the command was applied. */
  applied_through_seq: number;
}

export function success(id: number, result: Record<string, unknown>, meta?: ReplyMeta): ProtocolReply {
  return { type: 'success', id, result, ...(meta ? { meta } : {}) };
}

export function failure(id: number | null, error: ProtocolErrorCode, message: string, meta?: ReplyMeta): ProtocolReply {
  return { type: 'error', id, error, message, ...(meta ? { meta } : {}) };
}

/** Which events a connection (an SSE request, a WebSocket subscription) wants. */
export interface EventFilter {
  channels: string[];
  namespaces?: Namespace[];
  depth?: number;
}

/**
 * The protocol's error code for an HTTP status, for a command the HTTP layer refused (a scope
 * missing, a body too large, a limit reached): the protocol has no status of its own.
 */
export function protocolErrorCodeOf(status: number): ProtocolErrorCode {
  if (status === 401 || status === 403) return 'permission_denied';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'invalid_argument';
  return 'unknown_error';
}
