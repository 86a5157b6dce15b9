import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { requireScope } from '../middleware/authenticate.ts';
import { errorResponses } from '../schemas/resources.ts';

/** Prometheus metrics of this process: `metrics:read`, or anyone with `METRICS_PUBLIC=true`. */
export function createMetricsRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['observability'],
      summary: 'Prometheus metrics (text exposition format): runs, queue, models, tools, approvals, breakers, retrieval, process',
      responses: { 200: { content: { 'text/plain': { schema: z.string() } }, description: 'Prometheus text format 0.0.4' }, ...errorResponses },
    }),
    // A text body: the typed JSON responses do not describe it.
    (async (c: Context<AppEnv>) => {
      const { metrics, config } = c.var.services;
      if (!config.observability.metricsPublic) requireScope(c.var.caller, 'metrics:read');
      return c.body(await metrics.render(), 200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
    }) as never,
  );
  return app;
}
