import type { Callbacks } from '@langchain/core/callbacks/manager';
import type { BaseMessage } from '@langchain/core/messages';
import { Command, type CompiledStateGraph } from '@langchain/langgraph';
import type { RunEvent, StreamMode } from './run-event.ts';

export interface GraphRunRequest {
  runId: string;
  input?: unknown;
  command?: { resume?: unknown; goto?: string | string[]; update?: Record<string, unknown> };
  configurable: Record<string, unknown>;
  streamModes: StreamMode[];
  subgraphs?: boolean;
  recursionLimit?: number;
  signal?: AbortSignal;
  metadata?: Record<string, unknown>;
  context?: unknown;
  interruptBefore?: string[] | '*';
  interruptAfter?: string[] | '*';
  tags?: string[];
  durability?: 'exit' | 'async' | 'sync';
  /** Receives each root `values` chunk, whether or not the client asked for values. */
  onValues?: (values: unknown) => void;
  /** Stream the thread protocol's events (`streamEvents` v3) instead of the requested modes. */
  protocol?: boolean;
  /** LangChain callbacks for the whole run (usage accounting, metrics). */
  callbacks?: Callbacks;
  /**
   * Yield the `metadata` event first (default true). The run manager sends it itself when it
   * creates the run, so a queued run's stream starts at once; a worker sends it again only for
   * a later attempt.
   */
  metadataEvent?: boolean;
  /** The attempt `metadata` names (1 unless a worker took the run over). */
  attempt?: number;
}

// The library's own modes behind each API mode: `messages` (partial/complete events) is
// built from the library's message tuples plus values, as the LangGraph API does.
const libraryModes: Record<StreamMode, string[]> = {
  values: ['values'],
  updates: ['updates'],
  'messages-tuple': ['messages'],
  messages: ['messages', 'values'],
  custom: ['custom'],
  debug: ['debug'],
  tasks: ['tasks'],
  checkpoints: ['checkpoints'],
  // Events come from streamEvents itself; no library mode is needed for them.
  events: [],
};

/**
 * Run a compiled graph and yield LangGraph API run events: `metadata` first, then one event
 * per requested stream mode chunk (`mode|namespace` for subgraph events). Errors propagate
 * to the caller, which decides how to report them.
 */
export async function* streamGraphRun(
  graph: CompiledStateGraph<any, any, any, any, any, any, any, any>,
  request: GraphRunRequest,
): AsyncGenerator<RunEvent> {
  if (request.metadataEvent !== false) yield { event: 'metadata', data: { run_id: request.runId, attempt: request.attempt ?? 1 } };
  const requested = new Set(request.streamModes);
  const modes = [...new Set([...requested].flatMap((mode) => libraryModes[mode]).concat(request.onValues ? ['values'] : []))];
  const input = request.command
    ? new Command({ resume: request.command.resume, goto: request.command.goto as never, update: request.command.update })
    : (request.input ?? null);
  const options = {
    configurable: { ...request.configurable, run_id: request.runId },
    streamMode: modes as never,
    subgraphs: request.subgraphs ?? false,
    signal: request.signal,
    runId: request.runId,
    metadata: request.metadata,
    context: request.context as never,
    interruptBefore: request.interruptBefore as never,
    interruptAfter: request.interruptAfter as never,
    tags: request.tags,
    durability: request.durability,
    callbacks: request.callbacks,
    ...(request.recursionLimit ? { recursionLimit: request.recursionLimit } : {}),
  };
  const partials = new Map<string, BaseMessage>();
  const completed = new Set<string>();

  function* fromChunk(chunk: unknown[]): Generator<RunEvent> {
    const [namespace, mode, data] = (request.subgraphs ? chunk : [[], ...chunk]) as [string[], string, unknown];
    const suffix = namespace.length > 0 ? `|${namespace.join('|')}` : '';
    if (mode === 'messages') {
      if (requested.has('messages-tuple')) yield { event: `messages${suffix}`, data };
      if (requested.has('messages')) yield* legacyMessageEvents(data as [BaseMessage, Record<string, unknown>], partials);
      return;
    }
    if (mode === 'values' && namespace.length === 0) request.onValues?.(data);
    if (mode === 'values' && requested.has('messages')) {
      const fresh = newMessages(data, completed);
      if (fresh.length > 0) yield { event: 'messages/complete', data: fresh };
    }
    if (requested.has(mode as StreamMode)) yield { event: `${mode}${suffix}`, data };
  }

  if (request.protocol) {
    yield* protocolEvents(graph, input, options, request.onValues);
    return;
  }
  if (!requested.has('events')) {
    for await (const chunk of (await graph.stream(input as never, options)) as AsyncIterable<unknown[]>) yield* fromChunk(chunk);
    return;
  }
  // `events` needs LangChain's event stream; the graph's own chunks arrive in it as the root
  // run's `on_chain_stream` events (as the LangGraph API server reads them).
  for await (const event of graph.streamEvents(input as never, { ...options, version: 'v2' }) as AsyncIterable<StreamEvent>) {
    if (event.event === 'on_chain_stream' && event.run_id === request.runId) {
      yield* fromChunk(event.data.chunk as unknown[]);
    } else if (!event.tags?.includes('langsmith:hidden')) {
      yield { event: 'events', data: event };
    }
  }
}

interface ProtocolStreamEvent {
  method: string;
  params: { namespace: string[]; node?: string; data: unknown };
}

/**
 * The thread protocol's events as LangGraph's `streamEvents(..., { version: "v3" })` makes them
 * (messages as content-block events, tool lifecycles, subgraph lifecycles), named
 * `method|namespace` like the other run events so a plain join of such a run still reads them.
 */
async function* protocolEvents(
  graph: CompiledStateGraph<any, any, any, any, any, any, any, any>,
  input: unknown,
  options: Record<string, unknown>,
  onValues: GraphRunRequest['onValues'],
): AsyncGenerator<RunEvent> {
  const { streamMode: _modes, subgraphs: _subgraphs, ...rest } = options;
  const run = (await (graph as any).streamEvents(input, { ...rest, version: 'v3' })) as AsyncIterable<ProtocolStreamEvent>;
  for await (const event of run) {
    const { namespace, node, data } = event.params;
    if (event.method === 'values' && namespace.length === 0) onValues?.(data);
    const suffix = namespace.length > 0 ? `|${namespace.join('|')}` : '';
    yield { event: `${event.method}${suffix}`, data, ...(node === undefined ? {} : { node }) };
  }
}

interface StreamEvent {
  event: string;
  run_id: string;
  tags?: string[];
  data: { chunk?: unknown };
}

function* legacyMessageEvents(
  [chunk, metadata]: [BaseMessage, Record<string, unknown>],
  partials: Map<string, BaseMessage>,
): Generator<RunEvent> {
  const id = chunk.id;
  if (!id) return;
  const previous = partials.get(id);
  if (!previous) yield { event: 'messages/metadata', data: { [id]: { metadata } } };
  const merged = previous && 'concat' in previous ? (previous as any).concat(chunk) : chunk;
  partials.set(id, merged);
  yield { event: 'messages/partial', data: [merged] };
}

function newMessages(values: unknown, completed: Set<string>): BaseMessage[] {
  const messages = (values as { messages?: BaseMessage[] } | null)?.messages;
  if (!Array.isArray(messages)) return [];
  const fresh = messages.filter((message) => message.id && !completed.has(message.id));
  for (const message of fresh) completed.add(message.id!);
  return fresh;
}
