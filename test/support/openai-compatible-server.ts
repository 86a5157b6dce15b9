import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A local stand-in for an OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, LiteLLM, Azure
 * OpenAI): Chat Completions streamed (SSE `data:` chunks, tool-call deltas split across
 * chunks, the usage chunk when `stream_options.include_usage`) and not streamed, and
 * Embeddings. Each test scripts what the "model" does, reply by reply, including the ways
 * real models and providers misbehave; every request body is recorded.
 */

export interface ScriptedToolCall {
  name: string;
  /** An object is sent as JSON; a string is sent as is (to send malformed JSON). */
  arguments: Record<string, unknown> | string;
  id?: string;
}

/** Parts of the counts a provider breaks out: prompt tokens read from its cache, completion tokens spent reasoning. */
export interface UsageDetails {
  cachedTokens?: number;
  reasoningTokens?: number;
}

export type ChatBehaviour =
  | { kind: 'text'; content: string; tokenDelayMs?: number; usageDetails?: UsageDetails }
  | { kind: 'tool_calls'; calls: ScriptedToolCall[]; content?: string }
  | { kind: 'empty' }
  | { kind: 'error'; status: number; message?: string; retryAfter?: string }
  /** Streams the first `chunks` pieces of `content`, then sends nothing more and never ends. */
  | { kind: 'stall'; content: string; chunks?: number }
  /** Accepts the request and never sends a response (not even headers). */
  | { kind: 'hang' };

export interface ChatCompletionRequest {
  model: string;
  messages: Array<{ role: string; content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: Record<string, unknown> } }>;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

/** A behaviour, or a function of the request that returns one (to cite a passage it was sent, say). */
export type ScriptedBehaviour = ChatBehaviour | ((request: ChatCompletionRequest) => ChatBehaviour);

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  /** The behaviour the server chose (undefined when nothing was scripted). */
  behaviour?: ChatBehaviour['kind'];
  /** True when the client closed the connection before the response was complete. */
  abortedByClient: boolean;
  /** The token counts the reply reported (in its body, or its stream's usage chunk). */
  usage?: ReturnType<typeof usageOf>;
}

/** Behaviour builders, so scripts read like what the model does. */
export const reply = {
  text: (content: string, options: { tokenDelayMs?: number; usageDetails?: UsageDetails } = {}): ChatBehaviour => ({ kind: 'text', content, ...options }),
  toolCall: (name: string, args: Record<string, unknown> | string, id?: string): ChatBehaviour => ({
    kind: 'tool_calls',
    calls: [{ name, arguments: args, ...(id ? { id } : {}) }],
  }),
  toolCalls: (calls: ScriptedToolCall[], content?: string): ChatBehaviour => ({ kind: 'tool_calls', calls, ...(content ? { content } : {}) }),
  empty: (): ChatBehaviour => ({ kind: 'empty' }),
  error: (status: number, options: { message?: string; retryAfter?: string } = {}): ChatBehaviour => ({ kind: 'error', status, ...options }),
  stall: (content: string, chunks = 2): ChatBehaviour => ({ kind: 'stall', content, chunks }),
  hang: (): ChatBehaviour => ({ kind: 'hang' }),
};

export interface OpenAICompatibleServer {
  /** Base URL to use as `OPENAI_BASE_URL`, ending in `/v1`. */
  baseUrl: string;
  /** Append behaviours to the queue of `model` (`*` serves any model without a queue of its own). */
  script(model: string, ...behaviours: ScriptedBehaviour[]): void;
  /** What `model` does once its queue is empty (default: answer 400 "nothing scripted"). */
  otherwise(model: string, behaviour: ScriptedBehaviour): void;
  /** Embedding requests answer with this status instead of vectors while set. */
  failEmbeddings(status: number | undefined): void;
  readonly requests: RecordedRequest[];
  /** Chat requests, optionally only those for one model. */
  chatRequests(model?: string): ChatCompletionRequest[];
  /** Models that were asked for a reply nobody scripted. */
  readonly unscripted: string[];
  close(): Promise<void>;
}

/**
 * Start the stand-in on an ephemeral loopback port.
 * @example
 * const model = await startOpenAICompatibleServer();
 * model.script('router', reply.toolCall('handoff_to_retriever', { task: 'Find the refund policy' }), reply.text('Done.'));
 * // OPENAI_BASE_URL = model.baseUrl, MODEL_SUPERVISOR = 'router'
 */
export async function startOpenAICompatibleServer(): Promise<OpenAICompatibleServer> {
  const queues = new Map<string, ScriptedBehaviour[]>();
  const defaults = new Map<string, ScriptedBehaviour>();
  const requests: RecordedRequest[] = [];
  const unscripted: string[] = [];
  const sockets = new Set<Socket>();
  let embeddingFailure: number | undefined;
  let completions = 0;

  function nextBehaviour(request: ChatCompletionRequest): ChatBehaviour | undefined {
    const queue = queues.get(request.model)?.length ? queues.get(request.model)! : queues.get('*');
    const scripted = queue?.shift() ?? defaults.get(request.model) ?? defaults.get('*');
    if (!scripted) return undefined;
    return typeof scripted === 'function' ? scripted(request) : scripted;
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const text = await readBody(request);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return sendJson(response, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const path = (request.url ?? '').split('?')[0]!;
    const record: RecordedRequest = { path, body, abortedByClient: false };
    requests.push(record);
    response.on('close', () => {
      if (!response.writableFinished) record.abortedByClient = true;
    });
    if (request.method === 'POST' && path === '/v1/embeddings') return embed(body, response);
    if (request.method !== 'POST' || path !== '/v1/chat/completions') {
      return sendJson(response, 404, { error: { message: `no route ${request.method} ${path}`, type: 'invalid_request_error' } });
    }
    const chat = body as ChatCompletionRequest;
    const problem = unansweredToolCall(chat.messages ?? []);
    if (problem) return sendJson(response, 400, { error: { message: problem, type: 'invalid_request_error', param: 'messages' } });
    const behaviour = nextBehaviour(chat);
    record.behaviour = behaviour?.kind;
    if (!behaviour) {
      unscripted.push(chat.model);
      return sendJson(response, 400, { error: { message: `fake server: nothing scripted for model ${chat.model}`, type: 'invalid_request_error' } });
    }
    completions += 1;
    const id = `chatcmpl-${completions}`;
    switch (behaviour.kind) {
      case 'error':
        return sendJson(
          response,
          behaviour.status,
          { error: { message: behaviour.message ?? `scripted HTTP ${behaviour.status}`, type: behaviour.status === 429 ? 'rate_limit_error' : 'server_error' } },
          behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {},
        );
      case 'hang':
        return; // Headers never come; the client has to give up.
      case 'stall':
        if (!chat.stream) {
          // The start of a JSON body, then nothing: the client has to give up.
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write(JSON.stringify(completionOf(id, chat, { kind: 'text', content: behaviour.content })).slice(0, 40));
          return;
        }
        return streamCompletion(response, id, chat, behaviour);
      default: {
        if (chat.stream) {
          record.usage = await streamCompletion(response, id, chat, behaviour);
          return;
        }
        const completion = completionOf(id, chat, behaviour);
        record.usage = completion.usage;
        return sendJson(response, 200, completion);
      }
    }
  }

  function embed(body: Record<string, unknown>, response: ServerResponse) {
    if (embeddingFailure) return sendJson(response, embeddingFailure, { error: { message: `scripted HTTP ${embeddingFailure}`, type: 'server_error' } });
    const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input ?? '')];
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((input, index) => {
      const vector = embeddingOf(input);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
    });
    const tokens = inputs.reduce((sum, input) => sum + wordsOf(input), 0);
    return sendJson(response, 200, { object: 'list', model: body.model, data, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { message: String(error), type: 'server_error' } });
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    script(model, ...behaviours) {
      queues.set(model, [...(queues.get(model) ?? []), ...behaviours]);
    },
    otherwise(model, behaviour) {
      defaults.set(model, behaviour);
    },
    failEmbeddings(status) {
      embeddingFailure = status;
    },
    requests,
    chatRequests: (model) =>
      requests
        .filter((request) => request.path === '/v1/chat/completions')
        .map((request) => request.body as ChatCompletionRequest)
        .filter((request) => model === undefined || request.model === model),
    unscripted,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Providers refuse a conversation whose assistant tool calls are not each answered by a tool message. */
function unansweredToolCall(messages: ChatCompletionRequest['messages']): string | undefined {
  for (const [index, message] of messages.entries()) {
    if (message.role !== 'assistant' || !message.tool_calls?.length) continue;
    const answered = new Set<string>();
    for (const later of messages.slice(index + 1)) {
      if (later.role !== 'tool') break;
      if (later.tool_call_id) answered.add(later.tool_call_id);
    }
    const missing = message.tool_calls.filter((call) => !answered.has(call.id)).map((call) => call.id);
    if (missing.length > 0) {
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(', ')}`;
    }
  }
  return undefined;
}

function toolCallsOf(id: string, calls: ScriptedToolCall[]) {
  return calls.map((call, index) => ({
    id: call.id ?? `call_${id.slice('chatcmpl-'.length)}_${index}`,
    type: 'function' as const,
    function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
  }));
}

function usageOf(request: ChatCompletionRequest, output: string, details: UsageDetails = {}) {
  const prompt = wordsOf(JSON.stringify(request.messages ?? [])) + wordsOf(JSON.stringify(request.tools ?? []));
  // Reasoning tokens are part of the completion count, as OpenAI reports them.
  const completion = wordsOf(output) + (details.reasoningTokens ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(details.cachedTokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: Math.min(details.cachedTokens, prompt) } }),
    ...(details.reasoningTokens === undefined ? {} : { completion_tokens_details: { reasoning_tokens: details.reasoningTokens } }),
  };
}

const detailsOf = (behaviour: ChatBehaviour): UsageDetails | undefined => (behaviour.kind === 'text' ? behaviour.usageDetails : undefined);

function completionOf(id: string, request: ChatCompletionRequest, behaviour: Exclude<ChatBehaviour, { kind: 'error' | 'hang' }>) {
  const calls = behaviour.kind === 'tool_calls' ? toolCallsOf(id, behaviour.calls) : [];
  const content = behaviour.kind === 'empty' ? '' : behaviour.kind === 'tool_calls' ? (behaviour.content ?? null) : behaviour.content;
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
        finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: usageOf(request, `${content ?? ''}${calls.map((call) => call.function.arguments).join('')}`, detailsOf(behaviour)),
  };
}

async function streamCompletion(
  response: ServerResponse,
  id: string,
  request: ChatCompletionRequest,
  behaviour: Exclude<ChatBehaviour, { kind: 'error' | 'hang' }>,
): Promise<ReturnType<typeof usageOf> | undefined> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const includeUsage = request.stream_options?.include_usage === true;
  const created = Math.floor(Date.now() / 1000);
  const send = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    response.write(
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: request.model,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
        ...(includeUsage ? { usage: null } : {}),
      })}\n\n`,
    );
  send({ role: 'assistant', content: '' });
  let output = '';
  if (behaviour.kind === 'text' || behaviour.kind === 'stall') {
    const pieces = behaviour.content.match(/\S+\s*|\s+/g) ?? [];
    const limit = behaviour.kind === 'stall' ? (behaviour.chunks ?? 2) : pieces.length;
    for (const piece of pieces.slice(0, limit)) {
      if (response.destroyed) return undefined;
      send({ content: piece });
      output += piece;
      if (behaviour.kind === 'text' && behaviour.tokenDelayMs) await sleep(behaviour.tokenDelayMs);
    }
    if (behaviour.kind === 'stall') return undefined; // Nothing more, ever: the client must cut it.
  }
  if (behaviour.kind === 'tool_calls') {
    if (behaviour.content) send({ content: behaviour.content });
    for (const [index, call] of toolCallsOf(id, behaviour.calls).entries()) {
      // As providers do: the id and name first, then the arguments in small pieces.
      send({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
      for (const piece of call.function.arguments.match(/[\s\S]{1,7}/g) ?? []) {
        send({ tool_calls: [{ index, function: { arguments: piece } }] });
      }
      output += call.function.arguments;
    }
  }
  send({}, behaviour.kind === 'tool_calls' ? 'tool_calls' : 'stop');
  const usage = includeUsage ? usageOf(request, output, detailsOf(behaviour)) : undefined;
  if (usage) {
    response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage })}\n\n`);
  }
  response.end('data: [DONE]\n\n');
  return usage;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wordsOf = (text: string) => (text.match(/\S+/g) ?? []).length;

/** A deterministic bag-of-words vector: texts sharing words point the same way. */
function embeddingOf(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (const character of word) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619) >>> 0;
    vector[hash % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}
