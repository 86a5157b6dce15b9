import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { isSupportedChannel } from '@langchain/langgraph/stream';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../app-env.ts';
import { errorResponses, eventStreamResponse, jsonResponse } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';
import { sseResponse } from '../sse.ts';
import { createThreadProtocol, protocolWebSocket, type Dispatch, type ThreadProtocol } from '../thread-protocol/index.ts';

const threadParams = z.object({ thread_id: resourceId });
const segment = z.string().max(500);

const eventFilter = z
  .object({
    channels: z
      .array(z.string().max(200).refine(isSupportedChannel, { message: 'Unknown channel (values, updates, messages, tools, lifecycle, input, checkpoints, tasks, custom, custom:<name>)' }))
      .min(1)
      .max(20),
    namespaces: z.array(z.array(segment).max(50)).max(100).optional(),
    depth: z.number().int().min(0).max(100).optional(),
    since: z.number().int().min(0).optional(),
  })
  .strict()
  .openapi('ProtocolEventFilter');

const protocolCommand = z
  .object({
    id: z.number().int().min(0),
    method: z.string().min(1).max(100),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('ProtocolCommand');

const replySchema = z.object({ type: z.enum(['success', 'error']), id: z.number().nullable() }).passthrough().openapi('ProtocolReply');

/** `Last-Event-ID` on a protocol stream is an event's `seq`, the same as `since`. */
function sinceOf(c: Context, since: number | undefined): number | undefined {
  if (since !== undefined) return since;
  const header = c.req.header('last-event-id');
  if (!header) return undefined;
  const id = Number(header);
  if (!Number.isInteger(id) || id < -1) throw new AppError('BAD_REQUEST', 'Last-Event-ID must be an event id (an integer, or -1 for "from the first event")');
  return id === -1 ? undefined : id;
}

// A WebSocket's `subscription.subscribe` params: the SSE filter's fields, others ignored (the protocol's params are extensible).
const subscribeParams = z.object(eventFilter.shape);

function parseFilter(params: unknown) {
  const parsed = subscribeParams.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `subscription.subscribe ${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}` };
  }
  const { channels, namespaces, depth, since } = parsed.data;
  return { filter: { channels, namespaces, depth }, since };
}

export interface ThreadProtocolRouteOptions {
  protocol?: ThreadProtocol;
  /** The whole app's `fetch`: a WebSocket's commands go through it as `POST /threads/{id}/commands`. */
  dispatch: Dispatch;
  /** Whether a browser page of this origin may open the WebSocket (the CORS policy's answer). */
  allowsOrigin: (origin: string) => boolean;
}

/**
 * The thread-centric protocol `client.threads.stream()` speaks: over HTTP, commands as JSON
 * request/response and one filtered SSE stream per subscription, replayed from `since`; over a
 * WebSocket (`GET /threads/{id}/stream/events`), both on one connection, with the same core.
 */
export function createThreadProtocolRoutes({ protocol = createThreadProtocol(), dispatch, allowsOrigin }: ThreadProtocolRouteOptions) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/{thread_id}/commands',
      tags: ['thread protocol'],
      summary: 'A thread protocol command: run.start, input.respond, state.get, agent.getTree',
      request: { params: threadParams, body: { required: true, content: { 'application/json': { schema: protocolCommand } } } },
      responses: { 200: jsonResponse(replySchema, 'The command\'s success or error reply'), ...errorResponses },
    }),
    async (c) => c.json((await protocol.command(c, c.req.valid('param').thread_id, c.req.valid('json'))) as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/{thread_id}/stream/events',
      tags: ['thread protocol'],
      summary: 'The thread\'s protocol events matching a filter (replayed from `since` or Last-Event-ID, then live)',
      request: { params: threadParams, body: { required: true, content: { 'application/json': { schema: eventFilter } } } },
      responses: { 200: eventStreamResponse, 409: jsonResponse(z.unknown(), 'EVENTS_EXPIRED: the events after `since` are no longer kept'), ...errorResponses },
    }),
    (async (c: Context<AppEnv>) => {
      const { channels, namespaces, depth, since } = (c.req as unknown as { valid(target: 'json'): z.infer<typeof eventFilter> }).valid('json');
      const disconnect = new AbortController();
      const events = await protocol.events(c, c.req.param('thread_id')!, {
        filter: { channels, namespaces, depth },
        since: sinceOf(c, since),
        signal: disconnect.signal,
      });
      async function* onTheWire() {
        for await (const event of events) yield { id: event.seq, event: event.method, data: event };
      }
      return sseResponse(c, onTheWire(), { onDisconnect: () => disconnect.abort() });
    }) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/threads/{thread_id}/stream/events',
      tags: ['thread protocol'],
      summary: 'The thread protocol over a WebSocket (Upgrade: websocket): commands, subscription.subscribe/unsubscribe, and the subscriptions\' events',
      request: { params: threadParams },
      responses: { 101: { description: 'Switching to the WebSocket' }, ...errorResponses },
    }),
    (async (c: Context<AppEnv>) => protocolWebSocket(c, c.req.param('thread_id')!, { protocol, dispatch, parseFilter, allowsOrigin })) as never,
  );

  return app;
}
