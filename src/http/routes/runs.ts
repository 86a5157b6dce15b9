import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { toUsageTotals } from '../../observability/index.ts';
import { toWireJson, type CreateRunRequest, type RunRecord } from '../../runs/index.ts';
import type { AppEnv } from '../app-env.ts';
import { applyApprovalResume } from '../apply-approval-resume.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, eventStreamResponse, jsonResponse, runSchema } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';
import { assertCommandFits, requestedStreamModes, runCreateSchema, type RunCreate } from '../schemas/run-create.ts';
import { sseResponse } from '../sse.ts';

const threadParams = z.object({ thread_id: resourceId });
const runParams = z.object({ thread_id: resourceId, run_id: resourceId });
const statelessRunParams = z.object({ run_id: resourceId });
const runBody = { body: { required: true, content: { 'application/json': { schema: runCreateSchema } } } };
const valuesResponse = jsonResponse(z.record(z.string(), z.unknown()).nullable(), 'Final values (with `__interrupt__` when interrupted)');

/** A run as the API shows it: the stored record without internal fields. */
export function publicRun(run: RunRecord) {
  const { tenant_id: _tenant, checkpoint_before: _before, ...shown } = run;
  const { scopes: _scopes, ...configurable } = shown.kwargs.config.configurable ?? {};
  return { ...shown, kwargs: { ...shown.kwargs, config: { ...shown.kwargs.config, configurable } } };
}

function nodeNamesOf(c: Context<AppEnv>, assistantId: string): string[] | undefined {
  const graph = c.var.services.catalog.get(assistantId)?.graph as { nodes?: Record<string, unknown> } | undefined;
  return graph?.nodes ? Object.keys(graph.nodes) : undefined;
}

/**
 * Scopes beyond `runs:write` that a run asks for by what it does to threads: creating one
 * (`if_not_exists: "create"`, a stateless run kept with `on_completion: "keep"`) or writing a
 * thread's state and control flow (`command.update`, `command.goto`) needs `threads:write`.
 * Checked on what the request asks, not on what exists, so the answer does not depend on it.
 */
function requireRunScopes(c: Context<AppEnv>, body: RunCreate, threadId?: string): void {
  const { caller } = c.var;
  if (threadId !== undefined && body.if_not_exists === 'create') requireScope(caller, 'threads:write');
  if (threadId === undefined && body.on_completion === 'keep') requireScope(caller, 'threads:write');
  const { command } = body;
  if (command != null && (command.goto != null || Object.keys(command.update ?? {}).length > 0)) requireScope(caller, 'threads:write');
}

/** The run manager's request for a validated body, with the caller's tenant, scopes and identity. */
export function toCreateRequest(c: Context<AppEnv>, body: RunCreate, threadId?: string): CreateRunRequest {
  requireRunScopes(c, body, threadId);
  if (body.input == null && body.command == null && threadId === undefined) {
    throw new AppError('VALIDATION_FAILED', 'A run needs "input" or "command"', {
      details: [{ path: 'input', message: 'Required when no command is given' }],
    });
  }
  assertCommandFits(body, { stateless: threadId === undefined, nodes: nodeNamesOf(c, body.assistant_id) });
  const { caller } = c.var;
  // Server-owned keys win over the body: a request cannot choose its tenant or scopes.
  const { tenant_id: _tenant, scopes: _scopes, ...configurable } = body.config?.configurable ?? {};
  return {
    tenantId: caller.tenantId,
    scopes: caller.scopes.includes('*') ? undefined : caller.scopes,
    threadId,
    assistantId: body.assistant_id,
    input: body.input ?? undefined,
    command: body.command ?? undefined,
    config: { ...body.config, configurable },
    context: body.context,
    metadata: body.metadata ?? undefined,
    streamMode: requestedStreamModes(body),
    subgraphs: body.stream_subgraphs,
    interruptBefore: body.interrupt_before,
    interruptAfter: body.interrupt_after,
    webhook: body.webhook,
    multitaskStrategy: body.multitask_strategy,
    ifNotExists: body.if_not_exists,
    onCompletion: body.on_completion,
    onDisconnect: body.on_disconnect,
    checkpointId: body.checkpoint_id ?? body.checkpoint?.checkpoint_id,
    durability: body.durability,
    afterSeconds: body.after_seconds,
    actor: caller.name,
    callerId: caller.id,
  };
}

// Encoded: a thread id may hold characters a header cannot (`é` would make the response throw).
function location(run: RunRecord, stateless: boolean) {
  const runPath = `runs/${encodeURIComponent(run.run_id)}`;
  return stateless ? `/${runPath}` : `/threads/${encodeURIComponent(run.thread_id)}/${runPath}`;
}

function lastEventIdOf(c: Context): number | undefined {
  const header = c.req.header('last-event-id');
  if (!header) return undefined;
  const id = Number(header);
  // -1 is "from the first event", the convention of the official server and the SDK's default.
  if (!Number.isInteger(id) || id < -1) throw new AppError('BAD_REQUEST', 'Last-Event-ID must be an event id (an integer, or -1 for "from the first event")');
  return id;
}

/** Runs, stateless and on threads: create, stream, wait, join, rejoin, cancel, list, delete. */
export function createRunRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  async function create(c: Context<AppEnv>, body: RunCreate, threadId?: string) {
    requireScope(c.var.caller, 'runs:write');
    const { services, caller } = c.var;
    // A resume with decisions on a thread paused at approvals decides them as POST /approvals/{id}
    // does; new input (no command) supersedes them. Either under the thread's lock, as the run is accepted.
    const { request, options } = await applyApprovalResume(services, caller, toCreateRequest(c, body, threadId));
    const run = await services.runs.create(request, options);
    c.header('Content-Location', location(run, threadId === undefined));
    return run;
  }

  async function streamCreated(c: Context<AppEnv>, body: RunCreate, threadId?: string) {
    const run = await create(c, body, threadId);
    // Where to rejoin this stream: the SDK reconnects there (with Last-Event-ID) when it drops.
    c.header('Location', `${location(run, threadId === undefined)}/stream`);
    const { runs } = c.var.services;
    const disconnect = new AbortController();
    const events = await runs.stream(run.tenant_id, run.run_id, { signal: disconnect.signal });
    // Stateless streams belong to their client; thread runs follow `on_disconnect` (default continue).
    const cancelOnDisconnect = (body.on_disconnect ?? (threadId === undefined ? 'cancel' : 'continue')) === 'cancel';
    return sseResponse(c, events, {
      onDisconnect: () => {
        disconnect.abort();
        if (cancelOnDisconnect) void runs.cancel(run.tenant_id, run.run_id).catch(() => undefined);
      },
    });
  }

  async function waitCreated(c: Context<AppEnv>, body: RunCreate, threadId?: string) {
    const run = await create(c, body, threadId);
    if (threadId !== undefined) c.header('Location', `${location(run, false)}/join`);
    const values = await c.var.services.runs.join(run.tenant_id, run.run_id);
    return c.body(toWireJson(values), 200, { 'content-type': 'application/json' });
  }

  async function rejoin(c: Context<AppEnv>, runId: string, threadId?: string) {
    requireScope(c.var.caller, 'runs:read');
    const { runs } = c.var.services;
    const run = await runs.get(c.var.caller.tenantId, runId);
    if (!run || (threadId !== undefined && run.thread_id !== threadId)) throw new AppError('NOT_FOUND', `Run ${runId} not found`);
    const disconnect = new AbortController();
    const events = await runs.stream(run.tenant_id, runId, { after: lastEventIdOf(c), signal: disconnect.signal });
    const cancelOnDisconnect = ['1', 'true'].includes(c.req.query('cancel_on_disconnect') ?? '');
    return sseResponse(c, events, {
      onDisconnect: () => {
        disconnect.abort();
        if (cancelOnDisconnect) void runs.cancel(run.tenant_id, runId).catch(() => undefined);
      },
    });
  }

  async function threadRun(c: Context<AppEnv>, threadId: string, runId: string) {
    const run = await c.var.services.runs.get(c.var.caller.tenantId, runId);
    if (!run || run.thread_id !== threadId) throw new AppError('NOT_FOUND', `Run ${runId} not found`);
    return run;
  }

  // Stateless runs.
  app.openapi(createRoute({ method: 'post', path: '/runs', tags: ['runs'], summary: 'Create a stateless run', request: runBody, responses: { 200: jsonResponse(runSchema, 'The run'), ...errorResponses } }), async (c) =>
    c.json(publicRun(await create(c, c.req.valid('json'))) as never, 200),
  );
  app.openapi(createRoute({ method: 'post', path: '/runs/stream', tags: ['runs'], summary: 'Create a stateless run and stream it', request: runBody, responses: { 200: eventStreamResponse, ...errorResponses } }), (async (c: Context<AppEnv>) =>
    streamCreated(c, (c.req as unknown as { valid(target: 'json'): RunCreate }).valid('json'))) as never,
  );
  app.openapi(createRoute({ method: 'post', path: '/runs/wait', tags: ['runs'], summary: 'Create a stateless run and wait for its final values', request: runBody, responses: { 200: valuesResponse, ...errorResponses } }), (async (c: Context<AppEnv>) =>
    waitCreated(c, (c.req as unknown as { valid(target: 'json'): RunCreate }).valid('json'))) as never,
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/runs/batch',
      tags: ['runs'],
      summary: 'Create several stateless runs (in the background)',
      request: { body: { required: true, content: { 'application/json': { schema: z.array(runCreateSchema).min(1).max(100) } } } },
      responses: { 200: jsonResponse(z.array(runSchema), 'The runs, in request order'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'runs:write');
      // Every entry is checked before any run is created, so a bad entry creates nothing.
      const requests = c.req.valid('json').map((body) => toCreateRequest(c, body));
      for (const [index, request] of requests.entries()) {
        if (!c.var.services.catalog.get(request.assistantId) && !(await c.var.services.assistants.get(request.tenantId, request.assistantId))) {
          throw new AppError('NOT_FOUND', `Assistant "${request.assistantId}" not found (batch entry ${index})`);
        }
      }
      const created: RunRecord[] = [];
      for (const request of requests) created.push(await c.var.services.runs.create(request));
      return c.json(created.map(publicRun) as never, 200);
    },
  );
  app.openapi(createRoute({ method: 'get', path: '/runs/{run_id}/stream', tags: ['runs'], summary: 'Join a stateless run\'s stream (Last-Event-ID resumes)', request: { params: statelessRunParams }, responses: { 200: eventStreamResponse, ...errorResponses } }), (async (c: Context<AppEnv>) =>
    rejoin(c, c.req.param('run_id')!)) as never,
  );

  // Runs on a thread.
  app.openapi(createRoute({ method: 'post', path: '/threads/{thread_id}/runs', tags: ['runs'], summary: 'Create a run on a thread', request: { params: threadParams, ...runBody }, responses: { 200: jsonResponse(runSchema, 'The run'), ...errorResponses } }), async (c) =>
    c.json(publicRun(await create(c, c.req.valid('json'), c.req.valid('param').thread_id)) as never, 200),
  );
  app.openapi(createRoute({ method: 'post', path: '/threads/{thread_id}/runs/stream', tags: ['runs'], summary: 'Create a run on a thread and stream it', request: { params: threadParams, ...runBody }, responses: { 200: eventStreamResponse, ...errorResponses } }), (async (c: Context<AppEnv>) =>
    streamCreated(c, (c.req as unknown as { valid(target: 'json'): RunCreate }).valid('json'), c.req.param('thread_id'))) as never,
  );
  app.openapi(createRoute({ method: 'post', path: '/threads/{thread_id}/runs/wait', tags: ['runs'], summary: 'Create a run on a thread and wait for its final values', request: { params: threadParams, ...runBody }, responses: { 200: valuesResponse, ...errorResponses } }), (async (c: Context<AppEnv>) =>
    waitCreated(c, (c.req as unknown as { valid(target: 'json'): RunCreate }).valid('json'), c.req.param('thread_id'))) as never,
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/threads/{thread_id}/runs',
      tags: ['runs'],
      request: {
        params: threadParams,
        query: z.object({
          limit: z.coerce.number().int().min(1).max(1_000).default(10),
          offset: z.coerce.number().int().min(0).default(0),
          status: z.enum(['pending', 'running', 'success', 'error', 'timeout', 'interrupted']).optional(),
        }),
      },
      responses: { 200: jsonResponse(z.array(runSchema), 'Runs, newest first'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'runs:read');
      const { thread_id } = c.req.valid('param');
      const thread = await c.var.services.repository.getThread(c.var.caller.tenantId, thread_id);
      if (!thread) throw new AppError('NOT_FOUND', `Thread ${thread_id} not found`);
      const runs = await c.var.services.runs.list(c.var.caller.tenantId, thread_id, c.req.valid('query'));
      return c.json(runs.map(publicRun) as never, 200);
    },
  );
  app.openapi(createRoute({ method: 'get', path: '/threads/{thread_id}/runs/{run_id}', tags: ['runs'], request: { params: runParams }, responses: { 200: jsonResponse(runSchema, 'The run'), ...errorResponses } }), async (c) => {
    requireScope(c.var.caller, 'runs:read');
    const { thread_id, run_id } = c.req.valid('param');
    const run = await threadRun(c, thread_id, run_id);
    // The run's model usage so far, from the usage store (live while it runs).
    const usage = toUsageTotals(await c.var.services.usage.forRun(run.tenant_id, run.run_id));
    return c.json({ ...publicRun(run), usage } as never, 200);
  });
  app.openapi(createRoute({ method: 'delete', path: '/threads/{thread_id}/runs/{run_id}', tags: ['runs'], request: { params: runParams }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }), async (c) => {
    requireScope(c.var.caller, 'runs:write');
    const { thread_id, run_id } = c.req.valid('param');
    await threadRun(c, thread_id, run_id);
    await c.var.services.runs.delete(c.var.caller.tenantId, run_id);
    return c.body(null, 204);
  });
  app.openapi(createRoute({ method: 'get', path: '/threads/{thread_id}/runs/{run_id}/join', tags: ['runs'], summary: 'Wait for a run to end and return its final values', request: { params: runParams }, responses: { 200: valuesResponse, ...errorResponses } }), (async (c: Context<AppEnv>) => {
    requireScope(c.var.caller, 'runs:read');
    const run = await threadRun(c, c.req.param('thread_id')!, c.req.param('run_id')!);
    const values = await c.var.services.runs.join(run.tenant_id, run.run_id);
    return c.body(toWireJson(values), 200, { 'content-type': 'application/json' });
  }) as never);
  app.openapi(createRoute({ method: 'get', path: '/threads/{thread_id}/runs/{run_id}/stream', tags: ['runs'], summary: 'Join a run\'s stream; Last-Event-ID replays exactly what was missed', request: { params: runParams }, responses: { 200: eventStreamResponse, ...errorResponses } }), (async (c: Context<AppEnv>) =>
    rejoin(c, c.req.param('run_id')!, c.req.param('thread_id'))) as never,
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/{thread_id}/runs/{run_id}/cancel',
      tags: ['runs'],
      request: {
        params: runParams,
        query: z.object({
          wait: z.enum(['true', 'false', '1', '0']).optional(),
          action: z.enum(['interrupt', 'rollback']).default('interrupt'),
        }),
      },
      responses: { 202: { description: 'Cancelling' }, 204: { description: 'Cancelled' }, ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'runs:write');
      const { thread_id, run_id } = c.req.valid('param');
      const { wait, action } = c.req.valid('query');
      await threadRun(c, thread_id, run_id);
      const waitForIt = wait === 'true' || wait === '1';
      await c.var.services.runs.cancel(c.var.caller.tenantId, run_id, { action, wait: waitForIt });
      return c.body(null, waitForIt ? 204 : 202);
    },
  );

  return app;
}
