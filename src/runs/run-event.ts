/** One event of a run as producers emit it; only `http/sse.ts` knows the wire format. */
export interface RunEvent {
  /** LangGraph API event name: metadata, values, updates, messages, messages/partial, error, ... */
  event: string;
  data: unknown;
  /** The node that produced it, on the thread protocol's events (`messages`, `updates`). */
  node?: string;
}

export const streamModes = [
  'values',
  'updates',
  'messages',
  'messages-tuple',
  'custom',
  'events',
  'debug',
  'tasks',
  'checkpoints',
] as const;
export type StreamMode = (typeof streamModes)[number];
