import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** Liveness and what this server is. */
export const metaRoutes = new Hono<AppEnv>()
  .get('/ok', (c) => c.json({ ok: true }))
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
      flags: { assistants: true, crons: false, langsmith: false },
    });
  });
