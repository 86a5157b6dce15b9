import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { serveScalarBundle } from './docs-assets.ts';

const links = { console: '/console', docs: '/docs', info: '/info', openapi: '/openapi.json', health: '/ok', ready: '/ready' };

/** Liveness, readiness, what this server is, and where to start reading. */
export const metaRoutes = new Hono<AppEnv>()
  .get('/', (c) => {
    if (c.req.header('accept')?.includes('text/html')) {
      const items = Object.entries(links).map(([name, href]) => `<li><a href="${href}">${name}</a></li>`).join('');
      return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Overseer</title></head><body><h1>Overseer</h1><p>LangGraph API-compatible multi-agent supervisor service.</p><ul>${items}</ul></body></html>`);
    }
    return c.json({ name: 'overseer', ...links });
  })
  .get('/docs/scalar.js', serveScalarBundle)
  .get('/ok', (c) => c.json({ ok: true }))
  // Readiness, apart from liveness: not ready while storage or Redis does not answer, or once draining.
  .get('/ready', async (c) => {
    const report = await c.var.services.readiness.check();
    return c.json(report, report.ready ? 200 : 503);
  })
  .get('/info', (c) => {
    const { config } = c.var.services;
    return c.json({
      name: 'overseer',
      version: '0.1.0',
      graphs: c.var.services.catalog.list().map((entry) => entry.graphId),
      mode: {
        checkpointer: config.redis ? 'redis' : 'sqlite',
        retrieval: config.qdrant ? 'qdrant' : 'sqlite',
        models: config.models.provider,
      },
      // LangSmith is on when this process traces its runs there (LANGSMITH_TRACING=true).
      flags: { assistants: true, crons: true, langsmith: c.var.services.langsmith !== undefined },
    });
  });
