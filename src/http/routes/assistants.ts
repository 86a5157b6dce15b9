import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { v7 as uuid7 } from '@langchain/core/utils/uuid';
import type { Context } from 'hono';
import type { AssistantConfig } from '../../assistants/index.ts';
import { AppError } from '../../errors.ts';
import { describeGraphSchemas, type GraphEntry, type GraphSchemas } from '../../graphs/index.ts';
import { metadataMatches } from '../../runs/index.ts';
import type { AppEnv } from '../app-env.ts';
import { orphanThreadApprovals } from '../approval-lifecycle.ts';
import { builtInAssistant, findAssistant, publicAssistant, servedGraphOf, type PublicAssistant } from '../assistant-lookup.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { assistantSchema, errorResponses, jsonResponse } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';

// Keys the server owns in a run's configurable: an assistant cannot preset them.
const serverOwnedKeys = ['tenant_id', 'scopes', 'graph_id', 'thread_id', 'run_id', 'assistant_id', 'actor'];

function ownConfig(config: AssistantConfig | undefined): AssistantConfig {
  if (!config?.configurable) return config ?? {};
  const configurable = Object.fromEntries(Object.entries(config.configurable).filter(([key]) => !serverOwnedKeys.includes(key)));
  return { ...config, configurable };
}

const assistantParams = z.object({ assistant_id: resourceId.openapi({ example: 'supervisor' }) });

const assistantFilter = z.object({
  graph_id: z.string().optional(),
  name: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const sortFields = {
  sort_by: z.enum(['assistant_id', 'graph_id', 'name', 'created_at', 'updated_at']).optional(),
  sort_order: z.enum(['asc', 'desc']).optional(),
};

const configSchema = z
  .object({
    configurable: z.record(z.string(), z.unknown()).optional(),
    tags: z.array(z.string().max(200)).max(100).optional(),
    recursion_limit: z.number().int().min(1).max(1_000).optional(),
  })
  .passthrough();

const assistantFields = {
  config: configSchema.optional(),
  context: z.unknown().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  name: z.string().min(1).max(500).optional(),
  description: z.string().max(5_000).nullable().optional(),
};

const createBody = z
  .object({
    assistant_id: resourceId.optional(),
    graph_id: z.string().min(1).max(200).openapi({ example: 'supervisor' }),
    if_exists: z.enum(['raise', 'do_nothing']).default('raise'),
    ...assistantFields,
  })
  .openapi('AssistantCreate');

const patchBody = z.object({ graph_id: z.string().min(1).max(200).optional(), ...assistantFields }).openapi('AssistantPatch');

const pageFields = {
  limit: z.number().int().min(1).max(1_000).default(10),
  offset: z.number().int().min(0).default(0),
};

const searchRoute = createRoute({
  method: 'post',
  path: '/assistants/search',
  tags: ['assistants'],
  summary: 'Search assistants: one per served graph, and the ones this tenant created',
  request: {
    body: {
      required: false,
      content: {
        'application/json': {
          schema: assistantFilter.extend(pageFields).extend(sortFields),
        },
      },
    },
  },
  responses: { 200: jsonResponse(z.array(assistantSchema), 'Matching assistants'), ...errorResponses },
});

const countRoute = createRoute({
  method: 'post',
  path: '/assistants/count',
  tags: ['assistants'],
  summary: 'Count assistants matching a filter',
  request: { body: { required: false, content: { 'application/json': { schema: assistantFilter } } } },
  responses: { 200: jsonResponse(z.number().int(), 'How many assistants match'), ...errorResponses },
});

const getRoute = createRoute({
  method: 'get',
  path: '/assistants/{assistant_id}',
  tags: ['assistants'],
  request: { params: assistantParams },
  responses: { 200: jsonResponse(assistantSchema, 'The assistant'), ...errorResponses },
});

const graphRoute = createRoute({
  method: 'get',
  path: '/assistants/{assistant_id}/graph',
  tags: ['assistants'],
  summary: 'Drawable graph (nodes and edges); `xray` expands subgraphs',
  request: { params: assistantParams, query: z.object({ xray: z.union([z.enum(['true', 'false']), z.coerce.number().int().min(0)]).optional() }) },
  responses: { 200: jsonResponse(z.object({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) }), 'Graph JSON'), ...errorResponses },
});

const schemasRoute = createRoute({
  method: 'get',
  path: '/assistants/{assistant_id}/schemas',
  tags: ['assistants'],
  request: { params: assistantParams },
  responses: { 200: jsonResponse(z.record(z.string(), z.unknown()), 'Input, output, state, config and context JSON schemas'), ...errorResponses },
});

const subgraphsQuery = z.object({ recurse: z.enum(['true', 'false']).optional() });
const subgraphsResponses = { 200: jsonResponse(z.record(z.string(), z.unknown()), 'Schemas of each subgraph by namespace'), ...errorResponses };

const subgraphsRoute = createRoute({
  method: 'get',
  path: '/assistants/{assistant_id}/subgraphs',
  tags: ['assistants'],
  request: { params: assistantParams, query: subgraphsQuery },
  responses: subgraphsResponses,
});

const namespaceSubgraphsRoute = createRoute({
  method: 'get',
  path: '/assistants/{assistant_id}/subgraphs/{namespace}',
  tags: ['assistants'],
  summary: 'Schemas of the subgraphs under one namespace',
  request: { params: assistantParams.extend({ namespace: z.string().min(1).max(500) }), query: subgraphsQuery },
  responses: subgraphsResponses,
});

const versionsRoute = createRoute({
  method: 'post',
  path: '/assistants/{assistant_id}/versions',
  tags: ['assistants'],
  summary: 'Versions of an assistant, newest first (a built-in one has one)',
  request: {
    params: assistantParams,
    body: {
      required: false,
      content: {
        'application/json': {
          schema: assistantFilter.pick({ metadata: true }).extend(pageFields),
        },
      },
    },
  },
  responses: { 200: jsonResponse(z.array(assistantSchema), 'Versions, newest first'), ...errorResponses },
});

const latestRoute = createRoute({
  method: 'post',
  path: '/assistants/{assistant_id}/latest',
  tags: ['assistants'],
  summary: 'Choose the version an assistant runs (a built-in one has only version 1)',
  request: { params: assistantParams, body: { required: true, content: { 'application/json': { schema: z.object({ version: z.number().int() }) } } } },
  responses: { 200: jsonResponse(assistantSchema, 'The assistant'), ...errorResponses },
});

const notAllowed = { 405: jsonResponse(z.unknown(), 'A built-in assistant comes from the served langgraph.json'), ...errorResponses };
const builtInRefusal = 'Built-in assistants are the graphs named in langgraph.json; they are not changed or deleted through the API (create your own with POST /assistants)';

/** Assistants: one per served graph (built in), and the ones each tenant creates, versioned. */
export function createAssistantRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  const schemaCache = new Map<string, GraphSchemas>();

  function schemasOf(entry: GraphEntry): GraphSchemas {
    let schemas = schemaCache.get(entry.graphId);
    if (!schemas) {
      schemas = describeGraphSchemas(entry.graphId, entry.graph);
      schemaCache.set(entry.graphId, schemas);
    }
    return schemas;
  }

  const found = (c: Context<AppEnv>, assistantId: string) => findAssistant(c.var.services, c.var.caller.tenantId, assistantId);

  /** The graph a new or changed assistant names: a served one, by graph name (or its assistant's id). */
  function graphIdFor(c: Context<AppEnv>, graphId: string): string {
    const entry = c.var.services.catalog.get(graphId);
    if (!entry) throw new AppError('NOT_FOUND', `Graph "${graphId}" is not served here (it serves ${c.var.services.catalog.list().map((served) => served.graphId).join(', ')})`);
    return entry.graphId;
  }

  function builtInsMatching(c: Context<AppEnv>, filter: z.infer<typeof assistantFilter>): PublicAssistant[] {
    return c.var.services.catalog
      .list()
      .filter((entry) => (!filter.graph_id || entry.graphId === filter.graph_id) && (!filter.name || entry.graphId.toLowerCase().includes(filter.name.toLowerCase())))
      .map(builtInAssistant)
      .filter((assistant) => metadataMatches(assistant.metadata, filter.metadata));
  }

  function storedSearch(filter: z.infer<typeof assistantFilter>) {
    return { graphId: filter.graph_id, name: filter.name, metadata: filter.metadata ? [(metadata: Record<string, unknown>) => metadataMatches(metadata, filter.metadata)] : [] };
  }

  async function subgraphSchemas(entry: GraphEntry, namespace: string | undefined, recurse: boolean) {
    const result: Record<string, unknown> = {};
    for await (const [name, subgraph] of entry.graph.getSubgraphsAsync(namespace, recurse)) {
      result[name] = describeGraphSchemas(name, subgraph);
    }
    return result;
  }

  app.openapi(searchRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const query = c.req.valid('json') ?? { limit: 10, offset: 0 };
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 10;
    const sortBy = query.sort_by ?? 'created_at';
    const direction = query.sort_order === 'asc' ? 1 : -1;
    // Enough of the tenant's own to fill the page wherever the built-in ones fall among them.
    const stored = await c.var.services.assistants.search(c.var.caller.tenantId, { ...storedSearch(query), limit: offset + limit, offset: 0, sortBy, sortOrder: query.sort_order });
    const merged = [...stored.map(publicAssistant), ...builtInsMatching(c, query)].sort(
      (left, right) => (left[sortBy] < right[sortBy] ? -1 : left[sortBy] > right[sortBy] ? 1 : 0) * direction || (left.assistant_id < right.assistant_id ? -1 : 1),
    );
    return c.json(merged.slice(offset, offset + limit) as never, 200);
  });

  app.openapi(versionsRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const assistant = await found(c, c.req.valid('param').assistant_id);
    const query = c.req.valid('json') ?? { limit: 10, offset: 0 };
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 10;
    if (assistant.builtIn) {
      return c.json((metadataMatches(assistant.assistant.metadata, query.metadata) ? [assistant.assistant] : []).slice(offset, offset + limit) as never, 200);
    }
    const versions = await c.var.services.assistants.versions(c.var.caller.tenantId, assistant.record.assistant_id, { ...storedSearch({ metadata: query.metadata }), limit, offset });
    return c.json(versions.map(publicAssistant) as never, 200);
  });

  app.openapi(latestRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const assistant = await found(c, c.req.valid('param').assistant_id);
    const { version } = c.req.valid('json');
    if (assistant.builtIn) {
      if (version !== assistant.assistant.version) throw new AppError('NOT_FOUND', `Assistant "${assistant.assistant.assistant_id}" has no version ${version}`);
      return c.json(assistant.assistant as never, 200);
    }
    requireScope(c.var.caller, 'assistants:write');
    const latest = await c.var.services.assistants.setLatest(c.var.caller.tenantId, assistant.record.assistant_id, version);
    if (!latest) throw new AppError('NOT_FOUND', `Assistant "${assistant.record.assistant_id}" not found`);
    return c.json(publicAssistant(latest) as never, 200);
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/assistants',
      tags: ['assistants'],
      summary: 'Create an assistant: a served graph with its own config, context and metadata',
      request: { body: { required: true, content: { 'application/json': { schema: createBody } } } },
      responses: { 200: jsonResponse(assistantSchema, 'The assistant (the existing one with if_exists "do_nothing")'), 409: jsonResponse(z.unknown(), 'The id is taken'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'assistants:write');
      const body = c.req.valid('json');
      const { services, caller } = c.var;
      const graphId = graphIdFor(c, body.graph_id);
      const assistantId = body.assistant_id ?? uuid7();
      if (services.catalog.get(assistantId)) throw new AppError('CONFLICT', `Assistant id "${assistantId}" is a built-in assistant's`);
      const existing = await services.assistants.get(caller.tenantId, assistantId);
      if (existing) {
        if (body.if_exists === 'do_nothing') return c.json(publicAssistant(existing) as never, 200);
        throw new AppError('CONFLICT', `Assistant ${assistantId} already exists`);
      }
      const now = new Date().toISOString();
      const created = await services.assistants.create({
        assistant_id: assistantId,
        tenant_id: caller.tenantId,
        graph_id: graphId,
        name: body.name ?? 'Untitled',
        description: body.description ?? null,
        config: ownConfig(body.config),
        context: body.context ?? {},
        metadata: body.metadata ?? {},
        version: 1,
        created_at: now,
        updated_at: now,
      });
      return c.json(publicAssistant(created) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/assistants/{assistant_id}',
      tags: ['assistants'],
      summary: 'Change an assistant: a new version with the given fields (metadata merges)',
      request: { params: assistantParams, body: { required: true, content: { 'application/json': { schema: patchBody } } } },
      responses: { 200: jsonResponse(assistantSchema, 'The new version'), ...notAllowed },
    }),
    async (c) => {
      requireScope(c.var.caller, 'assistants:write');
      const assistant = await found(c, c.req.valid('param').assistant_id);
      if (assistant.builtIn) throw new AppError('METHOD_NOT_ALLOWED', builtInRefusal);
      const body = c.req.valid('json');
      const updated = await c.var.services.assistants.update(c.var.caller.tenantId, assistant.record.assistant_id, {
        ...(body.graph_id === undefined ? {} : { graph_id: graphIdFor(c, body.graph_id) }),
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.config === undefined ? {} : { config: ownConfig(body.config) }),
        ...(body.context === undefined ? {} : { context: body.context }),
        ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
      });
      if (!updated) throw new AppError('NOT_FOUND', `Assistant "${assistant.record.assistant_id}" not found`);
      return c.json(publicAssistant(updated) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/assistants/{assistant_id}',
      tags: ['assistants'],
      summary: 'Delete an assistant with its versions (`delete_threads=true`: and the threads it created)',
      request: { params: assistantParams, query: z.object({ delete_threads: z.enum(['true', 'false', '1', '0']).optional() }) },
      responses: { 204: { description: 'Deleted' }, ...notAllowed },
    }),
    async (c) => {
      requireScope(c.var.caller, 'assistants:write');
      const assistant = await found(c, c.req.valid('param').assistant_id);
      if (assistant.builtIn) throw new AppError('METHOD_NOT_ALLOWED', builtInRefusal);
      const { services, caller } = c.var;
      const assistantId = assistant.record.assistant_id;
      if (['true', '1'].includes(c.req.valid('query').delete_threads ?? '')) {
        requireScope(caller, 'threads:write');
        for (;;) {
          const threads = await services.repository.searchThreads(caller.tenantId, { metadata: { assistant_id: assistantId }, limit: 100, offset: 0, sortBy: 'created_at', sortOrder: 'asc' });
          if (threads.length === 0) break;
          for (const thread of threads) {
            await services.runs.deleteThread(caller.tenantId, thread.thread_id);
            await orphanThreadApprovals(services, caller.tenantId, thread.thread_id, caller.name);
          }
        }
      }
      await services.assistants.delete(caller.tenantId, assistantId);
      return c.body(null, 204);
    },
  );

  app.openapi(countRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const filter = c.req.valid('json') ?? {};
    const stored = await c.var.services.assistants.count(c.var.caller.tenantId, storedSearch(filter));
    return c.json(builtInsMatching(c, filter).length + stored, 200);
  });

  app.openapi(getRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    return c.json((await found(c, c.req.valid('param').assistant_id)).assistant as never, 200);
  });

  app.openapi(graphRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const entry = servedGraphOf(await found(c, c.req.valid('param').assistant_id));
    const { xray } = c.req.valid('query');
    const depth = xray === 'true' ? true : xray === 'false' || xray === undefined ? false : Number(xray);
    const drawable = await entry.graph.getGraphAsync({ xray: depth });
    return c.json(drawable.toJSON(), 200);
  });

  app.openapi(schemasRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    return c.json(schemasOf(servedGraphOf(await found(c, c.req.valid('param').assistant_id))) as unknown as Record<string, unknown>, 200);
  });

  app.openapi(subgraphsRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const entry = servedGraphOf(await found(c, c.req.valid('param').assistant_id));
    return c.json(await subgraphSchemas(entry, undefined, c.req.valid('query').recurse === 'true'), 200);
  });

  app.openapi(namespaceSubgraphsRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const { assistant_id: assistantId, namespace } = c.req.valid('param');
    return c.json(await subgraphSchemas(servedGraphOf(await found(c, assistantId)), namespace, c.req.valid('query').recurse === 'true'), 200);
  });

  return app;
}
