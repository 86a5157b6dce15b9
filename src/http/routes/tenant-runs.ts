import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, jsonResponse, runSchema } from '../schemas/resources.ts';
import { resourceId } from '../schemas/resource-id.ts';
import { publicRun } from './runs.ts';

/**
 * The caller's tenant's runs of every thread, newest first: what the console's Runs screen
 * lists. An Overseer addition under `/console-api`, outside the `/runs` paths the LangGraph
 * API owns. Temporary stateless runs have no stored record, so they are not listed.
 */
export function createTenantRunRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/console-api/runs',
      tags: ['runs'],
      summary: "The tenant's runs across all its threads, newest first (created_at, then run id), paged by `before` (a run id) or `offset`",
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(1_000).default(50),
          offset: z.coerce.number().int().min(0).default(0),
          status: z.enum(['pending', 'running', 'success', 'error', 'timeout', 'interrupted']).optional(),
          before: resourceId.optional().openapi({ description: 'Only runs after this run (the last run id of the previous page); an unknown id gives an empty page' }),
        }),
      },
      responses: { 200: jsonResponse(z.array(runSchema), 'Runs, newest first'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'runs:read');
      const runs = await c.var.services.runs.listTenant(c.var.caller.tenantId, c.req.valid('query'));
      return c.json(runs.map(publicRun) as never, 200);
    },
  );
  return app;
}
