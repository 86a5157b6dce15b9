import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors.ts';
import { toUsageTotals } from '../../observability/index.ts';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses, jsonResponse, usageSchema } from '../schemas/resources.ts';

const usageReportSchema = z
  .object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    group_by: z.enum(['agent', 'model', 'tier', 'day', 'thread']).nullable(),
    totals: usageSchema,
    groups: z.array(usageSchema.extend({ key: z.string() })),
  })
  .openapi('UsageReport');

/** The caller's tenant's model usage and its estimated cost, summed and grouped. */
export function createUsageRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/usage',
      tags: ['observability'],
      summary: 'Model tokens and estimated cost of the tenant, from `from` to `to` (UTC days, both included), by agent role, model, routing tier, day or thread',
      request: {
        query: z.object({
          from: z.iso.date().optional().openapi({ description: 'First UTC day (YYYY-MM-DD)' }),
          to: z.iso.date().optional().openapi({ description: 'Last UTC day (YYYY-MM-DD)' }),
          group_by: z.enum(['agent', 'model', 'tier', 'day', 'thread']).optional(),
        }),
      },
      responses: { 200: jsonResponse(usageReportSchema, 'Totals, and one entry per group (sorted by key)'), ...errorResponses },
    }),
    async (c) => {
      requireScope(c.var.caller, 'usage:read');
      const { from, to, group_by: groupBy } = c.req.valid('query');
      if (from && to && from > to) throw new AppError('VALIDATION_FAILED', '`from` is after `to`', { details: [{ path: 'from', message: 'must not be after to' }] });
      const summary = await c.var.services.usage.summarize({ tenantId: c.var.caller.tenantId, from, to, groupBy });
      return c.json({
        from: from ?? null,
        to: to ?? null,
        group_by: groupBy ?? null,
        totals: toUsageTotals(summary.totals),
        groups: summary.groups.map((group) => ({ key: group.key, ...toUsageTotals(group.counters) })),
      }, 200);
    },
  );
  return app;
}
