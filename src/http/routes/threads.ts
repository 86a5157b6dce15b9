import { randomUUID } from 'node:crypto';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { checkpointOf, emptyThreadState, readThreadHistory, readThreadState, type ThreadRecord } from '../../runs/index.ts';
import type { AppEnv } from '../app-env.ts';
import { orphanThreadApprovals, supersedeDroppedApprovals } from '../approval-lifecycle.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, jsonResponse, threadSchema, threadStateSchema } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';

const threadParams = z.object({ thread_id: resourceId });
const metadata = z.record(z.string(), z.unknown());
const statusEnum = z.enum(['idle', 'busy', 'interrupted', 'error']);
const checkpointBody = z.object({ checkpoint_id: z.string().max(200).optional(), checkpoint_ns: z.string().max(500).optional() }).passthrough();

/** A thread as the API shows it. */
export function publicThread(thread: ThreadRecord) {
  const { tenant_id: _tenant, ...shown } = thread;
  return shown;
}

const historyBody = z.object({
  limit: z.number().int().min(1).max(1_000).default(10),
  before: z.union([z.string(), checkpointBody]).optional(),
  metadata: metadata.optional(),
  checkpoint: checkpointBody.optional(),
});

/** Threads: create, read, patch, delete, search; state (read, update, fork) and history. */
export function createThreadRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  async function threadOf(c: Context<AppEnv>, threadId: string): Promise<ThreadRecord> {
    const thread = await c.var.services.repository.getThread(c.var.caller.tenantId, threadId);
    if (!thread) throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
    return thread;
  }

  /** The graph that owns the thread's checkpoints (recorded when its first run was created). */
  function graphOf(c: Context<AppEnv>, thread: ThreadRecord, graphId?: string) {
    const key = graphId ?? (thread.metadata.graph_id as string | undefined);
    return key ? c.var.services.catalog.get(key)?.graph : undefined;
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads',
      tags: ['threads'],
      request: {
        body: {
          required: false,
          content: {
            'application/json': {
              schema: z.object({
                thread_id: resourceId.optional(),
                metadata: metadata.optional(),
                if_exists: z.enum(['raise', 'do_nothing']).default('raise'),
                graph_id: z.string().optional(),
              }),
            },
          },
        },
      },
      responses: { 200: jsonResponse(threadSchema, 'The thread'), 409: jsonResponse(z.unknown(), 'Thread exists'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'threads:write');
      const body = c.req.valid('json') ?? { if_exists: 'raise' as const };
      const { repository } = c.var.services;
      const threadId = body.thread_id ?? randomUUID();
      const existing = await repository.getThread(c.var.caller.tenantId, threadId);
      if (existing) {
        if (body.if_exists === 'do_nothing') return c.json(publicThread(existing) as never, 200);
        throw new AppError('CONFLICT', `Thread ${threadId} already exists`);
      }
      const now = new Date().toISOString();
      const thread = await repository.createThread({
        thread_id: threadId,
        tenant_id: c.var.caller.tenantId,
        created_at: now,
        updated_at: now,
        metadata: { ...body.metadata, ...(body.graph_id ? { graph_id: body.graph_id } : {}) },
        status: 'idle',
        values: null,
        interrupts: {},
      });
      return c.json(publicThread(thread) as never, 200);
    },
  );

  const searchBody = z.object({
    ids: z.array(z.string()).max(1_000).optional(),
    metadata: metadata.optional(),
    status: statusEnum.optional(),
    limit: z.number().int().min(1).max(1_000).default(10),
    offset: z.number().int().min(0).default(0),
    sort_by: z.enum(['thread_id', 'status', 'created_at', 'updated_at']).default('created_at'),
    sort_order: z.enum(['asc', 'desc']).default('desc'),
  });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/search',
      tags: ['threads'],
      request: { body: { required: false, content: { 'application/json': { schema: searchBody } } } },
      responses: { 200: jsonResponse(z.array(threadSchema), 'Matching threads'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'threads:read');
      // Parsed again for the defaults: a bodyless POST arrives as `{}` without the schema applied.
      const body = searchBody.parse(c.req.valid('json') ?? {});
      const threads = await c.var.services.repository.searchThreads(c.var.caller.tenantId, {
        ids: body.ids,
        metadata: body.metadata,
        status: body.status,
        limit: body.limit,
        offset: body.offset,
        sortBy: body.sort_by,
        sortOrder: body.sort_order,
      });
      return c.json(threads.map(publicThread) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/count',
      tags: ['threads'],
      request: { body: { required: false, content: { 'application/json': { schema: z.object({ metadata: metadata.optional(), status: statusEnum.optional() }) } } } },
      responses: { 200: jsonResponse(z.number(), 'How many threads match'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'threads:read');
      const body = c.req.valid('json') ?? {};
      return c.json(await c.var.services.repository.countThreads(c.var.caller.tenantId, body), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/threads/{thread_id}', tags: ['threads'], request: { params: threadParams }, responses: { 200: jsonResponse(threadSchema, 'The thread'), ...errorResponses } }),
    async (c) => {
      requireScope(c.var.caller, 'threads:read');
      return c.json(publicThread(await threadOf(c, c.req.valid('param').thread_id)) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/threads/{thread_id}',
      tags: ['threads'],
      request: { params: threadParams, body: { required: true, content: { 'application/json': { schema: z.object({ metadata }) } } } },
      responses: { 200: jsonResponse(threadSchema, 'The updated thread'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'threads:write');
      const { thread_id } = c.req.valid('param');
      const updated = await c.var.services.repository.updateThread(c.var.caller.tenantId, thread_id, { metadata: c.req.valid('json').metadata });
      if (!updated) throw new AppError('NOT_FOUND', `Thread ${thread_id} not found`);
      return c.json(publicThread(updated) as never, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/threads/{thread_id}', tags: ['threads'], request: { params: threadParams }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      requireScope(c.var.caller, 'threads:write');
      const { thread_id } = c.req.valid('param');
      if (!(await c.var.services.runs.deleteThread(c.var.caller.tenantId, thread_id))) throw new AppError('NOT_FOUND', `Thread ${thread_id} not found`);
      await c.var.services.crons.deleteThreadCrons(c.var.caller.tenantId, thread_id);
      await orphanThreadApprovals(c.var.services, c.var.caller.tenantId, thread_id, c.var.caller.name);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/{thread_id}/copy',
      tags: ['threads'],
      summary: 'Copy a thread: a new thread with all its checkpoints, values and metadata',
      request: { params: threadParams },
      responses: { 200: jsonResponse(threadSchema, 'The new thread'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'threads:write');
      const copy = await c.var.services.runs.copyThread(c.var.caller.tenantId, c.req.valid('param').thread_id, randomUUID());
      return c.json(publicThread(copy) as never, 200);
    },
  );

  async function stateResponse(c: Context<AppEnv>, threadId: string, options: { checkpointId?: string; checkpointNs?: string; subgraphs?: boolean }) {
    requireScope(c.var.caller, 'threads:read');
    const thread = await threadOf(c, threadId);
    const graph = graphOf(c, thread);
    if (!graph) return c.json(emptyThreadState, 200);
    return c.json(await readThreadState(graph, c.var.caller.tenantId, threadId, options), 200);
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/threads/{thread_id}/state',
      tags: ['threads'],
      request: { params: threadParams, query: z.object({ subgraphs: z.enum(['true', 'false']).optional() }) },
      responses: { 200: jsonResponse(threadStateSchema, 'The latest state'), ...errorResponses },
    }),
    (async (c: Context<AppEnv>) => stateResponse(c, c.req.param('thread_id')!, { subgraphs: c.req.query('subgraphs') === 'true' })) as never,
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/threads/{thread_id}/state/{checkpoint_id}',
      tags: ['threads'],
      request: { params: threadParams.extend({ checkpoint_id: resourceId }), query: z.object({ subgraphs: z.enum(['true', 'false']).optional() }) },
      responses: { 200: jsonResponse(threadStateSchema, 'The state at a checkpoint'), ...errorResponses },
    }),
    (async (c: Context<AppEnv>) =>
      stateResponse(c, c.req.param('thread_id')!, { checkpointId: c.req.param('checkpoint_id'), subgraphs: c.req.query('subgraphs') === 'true' })) as never,
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/{thread_id}/state/checkpoint',
      tags: ['threads'],
      request: { params: threadParams, body: { required: true, content: { 'application/json': { schema: z.object({ checkpoint: checkpointBody, subgraphs: z.boolean().optional() }) } } } },
      responses: { 200: jsonResponse(threadStateSchema, 'The state at a checkpoint'), ...errorResponses },
    }),
    (async (c: Context<AppEnv>) => {
      const body = (c.req as unknown as { valid(target: 'json'): { checkpoint: { checkpoint_id?: string; checkpoint_ns?: string }; subgraphs?: boolean } }).valid('json');
      return stateResponse(c, c.req.param('thread_id')!, { checkpointId: body.checkpoint.checkpoint_id, checkpointNs: body.checkpoint.checkpoint_ns, subgraphs: body.subgraphs });
    }) as never,
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/{thread_id}/state',
      tags: ['threads'],
      summary: 'Update the state as if a node wrote it (`as_node`), or fork from `checkpoint_id`',
      request: {
        params: threadParams,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                values: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullable().optional(),
                as_node: z.string().max(200).optional(),
                checkpoint_id: z.string().max(200).optional(),
                checkpoint: checkpointBody.optional(),
                graph_id: z.string().optional(),
              }),
            },
          },
        },
      },
      responses: { 200: jsonResponse(z.object({ checkpoint: z.unknown() }), 'The new checkpoint'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'threads:write');
      const { thread_id } = c.req.valid('param');
      const body = c.req.valid('json');
      const thread = await threadOf(c, thread_id);
      const graph = graphOf(c, thread, body.graph_id);
      if (!graph) throw new AppError('CONFLICT', 'The thread has no graph yet: run it once, or pass graph_id');
      const active = await c.var.services.repository.activeRuns(c.var.caller.tenantId, thread_id);
      if (active.length > 0) throw new AppError('CONFLICT', 'Thread is busy; wait for its run to finish');
      const configurable: Record<string, unknown> = { thread_id, tenant_id: c.var.caller.tenantId, checkpoint_ns: body.checkpoint?.checkpoint_ns ?? '' };
      const checkpointId = body.checkpoint_id ?? body.checkpoint?.checkpoint_id;
      if (checkpointId) configurable.checkpoint_id = checkpointId;
      // Besides its nodes, LangGraph takes `__end__`, `__copy__` and `__input__` as as_node.
      const nodes = [...Object.keys((graph as { nodes?: Record<string, unknown> }).nodes ?? {}), '__end__', '__copy__', '__input__'];
      if (body.as_node !== undefined && !nodes.includes(body.as_node)) {
        throw new AppError('UNPROCESSABLE', `as_node names a node the graph does not have: ${JSON.stringify(body.as_node.slice(0, 100))} (it has ${nodes.join(', ')})`);
      }
      let next;
      try {
        next = await graph.updateState({ configurable }, body.values ?? undefined, body.as_node);
      } catch (error) {
        // LangGraph's own words name its internals; ours say what to change.
        const ambiguous = error instanceof Error && /ambiguous/i.test(error.message);
        throw new AppError('VALIDATION_FAILED', ambiguous ? 'More than one node could have written this update: name one with as_node' : 'The graph rejected the state update: check values against its state and as_node', { cause: error });
      }
      const state = await readThreadState(graph, c.var.caller.tenantId, thread_id);
      // The record follows the state's interrupts too, so approvals it no longer waits at are not decidable.
      const tasks = state.tasks as Array<{ id: string; interrupts: unknown[] }>;
      const interrupts = Object.fromEntries(tasks.filter((task) => task.interrupts.length > 0).map((task) => [task.id, task.interrupts]));
      const waiting = Object.values(interrupts).flat();
      await c.var.services.repository.updateThread(c.var.caller.tenantId, thread_id, {
        values: state.values,
        interrupts,
        ...(waiting.length > 0 ? { status: 'interrupted' as const } : thread.status === 'interrupted' ? { status: 'idle' as const } : {}),
        metadata: thread.metadata.graph_id ? undefined : { graph_id: body.graph_id },
      });
      await supersedeDroppedApprovals(c.var.services, thread, waiting, c.var.caller.name);
      return c.json({ checkpoint: checkpointOf(next) }, 200);
    },
  );

  async function history(c: Context<AppEnv>, threadId: string, options: z.infer<typeof historyBody>) {
    requireScope(c.var.caller, 'threads:read');
    const thread = await threadOf(c, threadId);
    const graph = graphOf(c, thread);
    if (!graph) return c.json([], 200);
    // The SDK sends `before` as a config ({ configurable: { checkpoint_id } }); accept both forms.
    const before =
      typeof options.before === 'string'
        ? options.before
        : (options.before?.checkpoint_id ?? (options.before?.configurable as { checkpoint_id?: string } | undefined)?.checkpoint_id);
    return c.json(
      await readThreadHistory(graph, c.var.caller.tenantId, threadId, {
        limit: options.limit,
        before,
        metadata: options.metadata,
        checkpointNs: options.checkpoint?.checkpoint_ns,
      }),
      200,
    );
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/threads/{thread_id}/history',
      tags: ['threads'],
      request: { params: threadParams, query: z.object({ limit: z.coerce.number().int().min(1).max(1_000).default(10), before: z.string().max(200).optional() }) },
      responses: { 200: jsonResponse(z.array(threadStateSchema), 'States, newest first'), ...errorResponses },
    }),
    (async (c: Context<AppEnv>) => {
      const query = historyBody.parse({ limit: c.req.query('limit') ? Number(c.req.query('limit')) : undefined, before: c.req.query('before') });
      return history(c, c.req.param('thread_id')!, query);
    }) as never,
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/threads/{thread_id}/history',
      tags: ['threads'],
      request: { params: threadParams, body: { required: false, content: { 'application/json': { schema: historyBody } } } },
      responses: { 200: jsonResponse(z.array(threadStateSchema), 'States, newest first'), ...errorResponses },
    }),
    (async (c: Context<AppEnv>) => {
      const body = historyBody.parse((c.req as unknown as { valid(target: 'json'): z.infer<typeof historyBody> | undefined }).valid('json') ?? {});
      return history(c, c.req.param('thread_id')!, body);
    }) as never,
  );

  return app;
}
