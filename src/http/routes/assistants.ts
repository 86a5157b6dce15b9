import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors.ts';
import { describeGraphSchemas, type GraphEntry, type GraphSchemas } from '../../graphs/index.ts';
import { metadataMatches } from '../../runs/index.ts';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { assistantSchema, errorResponses, jsonResponse } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';

const startedAt = new Date().toISOString();

function toAssistant(entry: GraphEntry) {
  return {
    assistant_id: entry.assistantId,
    graph_id: entry.graphId,
    name: entry.graphId,
    description: entry.description ?? null,
    config: {},
    context: {},
    metadata: { created_by: 'system' },
    version: 1,
    created_at: startedAt,
    updated_at: startedAt,
  };
}

const assistantParams = z.object({ assistant_id: resourceId.openapi({ example: 'supervisor' }) });

const assistantFilter = z.object({
  graph_id: z.string().optional(),
  name: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const pageFields = {
  limit: z.number().int().min(1).max(1_000).default(10),
  offset: z.number().int().min(0).default(0),
};

const searchRoute = createRoute({
  method: 'post',
  path: '/assistants/search',
  tags: ['assistants'],
  summary: 'Search assistants (one per graph)',
  request: {
    body: {
      required: false,
      content: {
        'application/json': {
          schema: assistantFilter.extend(pageFields),
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
  summary: 'Versions of an assistant (one: assistants are the served graphs)',
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
  summary: 'Choose the version an assistant runs (only version 1 exists)',
  request: { params: assistantParams, body: { required: true, content: { 'application/json': { schema: z.object({ version: z.number().int() }) } } } },
  responses: { 200: jsonResponse(assistantSchema, 'The assistant'), ...errorResponses },
});

const notAllowed = { 405: jsonResponse(z.unknown(), 'Assistants come from the served langgraph.json'), ...errorResponses };
const definedByConfig = 'Assistants are the graphs named in langgraph.json (one each); they are not created, changed or deleted through the API';

/** Assistants: one per served graph, with its drawing and schemas. */
export function createAssistantRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  const schemaCache = new Map<string, GraphSchemas>();

  function entryOf(services: AppEnv['Variables']['services'], assistantId: string): GraphEntry {
    const entry = services.catalog.get(assistantId);
    if (!entry) throw new AppError('NOT_FOUND', `Assistant "${assistantId}" not found`);
    return entry;
  }
  function schemasOf(entry: GraphEntry): GraphSchemas {
    let schemas = schemaCache.get(entry.graphId);
    if (!schemas) {
      schemas = describeGraphSchemas(entry.graphId, entry.graph);
      schemaCache.set(entry.graphId, schemas);
    }
    return schemas;
  }

  function matchingAssistants(services: AppEnv['Variables']['services'], filter: z.infer<typeof assistantFilter>) {
    return services.catalog
      .list()
      .filter((entry) => (!filter.graph_id || entry.graphId === filter.graph_id) && (!filter.name || entry.graphId.includes(filter.name)))
      .map(toAssistant)
      .filter((assistant) => metadataMatches(assistant.metadata, filter.metadata));
  }

  async function subgraphSchemas(entry: GraphEntry, namespace: string | undefined, recurse: boolean) {
    const result: Record<string, unknown> = {};
    for await (const [name, subgraph] of entry.graph.getSubgraphsAsync(namespace, recurse)) {
      result[name] = describeGraphSchemas(name, subgraph);
    }
    return result;
  }

  app.openapi(searchRoute, (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const query = c.req.valid('json') ?? { limit: 10, offset: 0 };
    const matches = matchingAssistants(c.var.services, query);
    return c.json(matches.slice(query.offset ?? 0, (query.offset ?? 0) + (query.limit ?? 10)), 200);
  });

  app.openapi(versionsRoute, (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const assistant = toAssistant(entryOf(c.var.services, c.req.valid('param').assistant_id));
    const query = c.req.valid('json') ?? { limit: 10, offset: 0 };
    return c.json((metadataMatches(assistant.metadata, query.metadata) ? [assistant] : []).slice(query.offset ?? 0, (query.offset ?? 0) + (query.limit ?? 10)), 200);
  });

  app.openapi(latestRoute, (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const assistant = toAssistant(entryOf(c.var.services, c.req.valid('param').assistant_id));
    const { version } = c.req.valid('json');
    if (version !== assistant.version) throw new AppError('NOT_FOUND', `Assistant "${assistant.assistant_id}" has no version ${version}`);
    return c.json(assistant, 200);
  });

  const refuse = () => {
    throw new AppError('METHOD_NOT_ALLOWED', definedByConfig);
  };
  app.openapi(createRoute({ method: 'post', path: '/assistants', tags: ['assistants'], summary: 'Not served: assistants come from langgraph.json', responses: notAllowed }), refuse);
  app.openapi(createRoute({ method: 'patch', path: '/assistants/{assistant_id}', tags: ['assistants'], summary: 'Not served: assistants come from langgraph.json', request: { params: assistantParams }, responses: notAllowed }), refuse);
  app.openapi(createRoute({ method: 'delete', path: '/assistants/{assistant_id}', tags: ['assistants'], summary: 'Not served: assistants come from langgraph.json', request: { params: assistantParams }, responses: notAllowed }), refuse);

  app.openapi(countRoute, (c) => {
    requireScope(c.var.caller, 'assistants:read');
    return c.json(matchingAssistants(c.var.services, c.req.valid('json') ?? {}).length, 200);
  });

  app.openapi(getRoute, (c) => {
    requireScope(c.var.caller, 'assistants:read');
    return c.json(toAssistant(entryOf(c.var.services, c.req.valid('param').assistant_id)), 200);
  });

  app.openapi(graphRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const entry = entryOf(c.var.services, c.req.valid('param').assistant_id);
    const { xray } = c.req.valid('query');
    const depth = xray === 'true' ? true : xray === 'false' || xray === undefined ? false : Number(xray);
    const drawable = await entry.graph.getGraphAsync({ xray: depth });
    return c.json(drawable.toJSON(), 200);
  });

  app.openapi(schemasRoute, (c) => {
    requireScope(c.var.caller, 'assistants:read');
    return c.json(schemasOf(entryOf(c.var.services, c.req.valid('param').assistant_id)) as unknown as Record<string, unknown>, 200);
  });

  app.openapi(subgraphsRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const entry = entryOf(c.var.services, c.req.valid('param').assistant_id);
    return c.json(await subgraphSchemas(entry, undefined, c.req.valid('query').recurse === 'true'), 200);
  });

  app.openapi(namespaceSubgraphsRoute, async (c) => {
    requireScope(c.var.caller, 'assistants:read');
    const { assistant_id: assistantId, namespace } = c.req.valid('param');
    return c.json(await subgraphSchemas(entryOf(c.var.services, assistantId), namespace, c.req.valid('query').recurse === 'true'), 200);
  });

  return app;
}
