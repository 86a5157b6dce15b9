import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { InvalidNamespaceError, type Item, type SearchItem } from '@langchain/langgraph-checkpoint';
import type { Context } from 'hono';
import { AppError, isStackOverflow } from '../../errors.ts';
import { createTenantStore } from '../../store/index.ts';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, jsonResponse } from '../schemas/resources.ts';

const maxLabelLength = 256;
const maxNamespaceDepth = 16;

// The store joins labels with '.' and keys Redis with ':', so neither may appear inside a label.
const label = z
  .string()
  .min(1, 'Namespace labels cannot be empty')
  .max(maxLabelLength)
  .regex(/^[^.:\u0000]+$/, "Namespace labels cannot contain '.', ':' or NUL");
const namespace = z.array(label).min(1).max(maxNamespaceDepth);
const namespacePrefix = z.array(label).max(maxNamespaceDepth);
const key = z.string().min(1).max(1_024);

const itemSchema = z
  .object({
    namespace: z.array(z.string()),
    key: z.string(),
    value: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
    score: z.number().optional(),
  })
  .openapi('StoreItem');

const putBody = z.object({
  namespace,
  key,
  value: z.record(z.string(), z.unknown()),
  index: z.union([z.literal(false), z.array(z.string().max(1_024)).max(100)]).nullish(),
  ttl: z.number().positive().nullish().describe('Minutes until the item expires; null never'),
});
const deleteBody = z.object({ namespace, key });
const getQuery = z.object({
  namespace: z.string().max(maxNamespaceDepth * (maxLabelLength + 1)).describe("Labels joined by '.'"),
  key,
  refresh_ttl: z.enum(['true', 'false']).optional(),
});
const searchBody = z.object({
  namespace_prefix: namespacePrefix.default([]),
  filter: z.record(z.string(), z.unknown()).nullish(),
  limit: z.number().int().min(1).max(1_000).default(10),
  offset: z.number().int().min(0).default(0),
  query: z.string().max(10_000).nullish(),
  refresh_ttl: z.boolean().nullish(),
});
const namespacesBody = z.object({
  prefix: namespacePrefix.nullish(),
  suffix: namespacePrefix.nullish(),
  max_depth: z.number().int().min(1).max(maxNamespaceDepth).nullish(),
  limit: z.number().int().min(1).max(1_000).default(100),
  offset: z.number().int().min(0).default(0),
});

/** An item as the LangGraph API shows it: snake_case timestamps, `score` only when ranked. */
function publicItem(item: Item | SearchItem) {
  const score = (item as SearchItem).score;
  return {
    namespace: item.namespace,
    key: item.key,
    value: item.value,
    created_at: new Date(item.createdAt).toISOString(),
    updated_at: new Date(item.updatedAt).toISOString(),
    ...(score === undefined ? {} : { score }),
  };
}

/**
 * Runs `work` on the caller's tenant view of the store. Bad namespaces and ttls are the
 * caller's mistake, so they become 400 rather than the store's own error types.
 */
async function withTenantStore<T>(c: Context<AppEnv>, work: (store: ReturnType<typeof createTenantStore>) => Promise<T>): Promise<T> {
  try {
    return await work(createTenantStore(c.var.services.store, c.var.caller.tenantId));
  } catch (error) {
    // A RangeError here is the ttl check's; the engine's stack overflow is no message for a client.
    if (error instanceof InvalidNamespaceError || (error instanceof RangeError && !isStackOverflow(error))) {
      throw new AppError('VALIDATION_FAILED', error.message, { cause: error });
    }
    throw error;
  }
}

/** The namespace of `GET /store/items`, which the SDK sends as its labels joined by '.'. */
function namespaceOfQuery(joined: string): string[] {
  const parsed = namespace.safeParse(joined === '' ? [] : joined.split('.'));
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION_FAILED', 'Invalid request query', {
    details: parsed.error.issues.map((issue) => ({ path: ['namespace', ...issue.path.map(String)].join('.'), message: issue.message })),
  });
}

const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

/** Long-term memory (the LangGraph API's `/store` endpoints), each caller confined to its tenant. */
export function createStoreRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'put',
      path: '/store/items',
      tags: ['store'],
      summary: 'Store or replace an item',
      request: jsonBody(putBody),
      responses: { 204: { description: 'Stored' }, ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'store:write');
      const body = c.req.valid('json');
      await withTenantStore(c, (store) =>
        store.put(body.namespace, body.key, body.value, body.index ?? undefined, body.ttl === undefined ? {} : { ttl: body.ttl }),
      );
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/store/items',
      tags: ['store'],
      summary: 'Read one item',
      request: { query: getQuery },
      responses: { 200: jsonResponse(itemSchema.nullable(), 'The item, or null when there is none'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'store:read');
      const query = c.req.valid('query');
      const itemNamespace = namespaceOfQuery(query.namespace);
      const refreshTtl = query.refresh_ttl === undefined ? undefined : query.refresh_ttl === 'true';
      const item = await withTenantStore(c, (store) => store.get(itemNamespace, query.key, { refreshTtl }));
      // As the LangGraph API does: a missing item is `null`, which the SDK's getItem returns.
      return c.json((item ? publicItem(item) : null) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/store/items',
      tags: ['store'],
      summary: 'Delete an item (no error if it does not exist)',
      request: jsonBody(deleteBody),
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'store:write');
      const body = c.req.valid('json');
      await withTenantStore(c, (store) => store.delete(body.namespace, body.key));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/store/items/search',
      tags: ['store'],
      summary: 'Search items under a namespace prefix, by filter and ranked by query',
      request: jsonBody(searchBody),
      responses: { 200: jsonResponse(z.object({ items: z.array(itemSchema) }), 'Matching items'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'store:read');
      const body = c.req.valid('json');
      const items = await withTenantStore(c, (store) =>
        store.search(body.namespace_prefix, {
          filter: body.filter ?? undefined,
          limit: body.limit,
          offset: body.offset,
          query: body.query ?? undefined,
          refreshTtl: body.refresh_ttl ?? undefined,
        }),
      );
      return c.json({ items: items.map(publicItem) } as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/store/namespaces',
      tags: ['store'],
      summary: 'List namespaces by prefix, suffix and depth',
      request: jsonBody(namespacesBody),
      responses: { 200: jsonResponse(z.object({ namespaces: z.array(z.array(z.string())) }), 'Namespaces'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'store:read');
      const body = c.req.valid('json');
      const namespaces = await withTenantStore(c, (store) =>
        store.listNamespaces({
          prefix: body.prefix ?? undefined,
          suffix: body.suffix ?? undefined,
          maxDepth: body.max_depth ?? undefined,
          limit: body.limit,
          offset: body.offset,
        }),
      );
      return c.json({ namespaces } as never, 200);
    },
  );

  return app;
}
