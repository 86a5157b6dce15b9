import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { loadConfig, type Config } from './config.ts';
import { AppError } from './errors.ts';
import { createApp } from './http/index.ts';
import { createServices } from './services.ts';

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

/** Without API keys or JWT verification anyone who can connect may act: allow that only on loopback. */
function checkOpenMode(config: Config): void {
  if (config.apiKeys.length > 0 || config.jwt) return;
  if (!loopbackHosts.has(config.host)) {
    throw new AppError('BAD_REQUEST', `No API_KEYS or JWT_* are configured, so Overseer only listens on loopback; HOST=${config.host} needs API keys or JWT verification`);
  }
  console.log('  open mode: no API_KEYS or JWT configured; every caller is tenant "default" with every scope (loopback only)');
}

/** Entry point: configuration → services → app → listen, and a graceful shutdown. */
async function main() {
  // `--config path/to/langgraph.json` serves that project's graphs (as LANGGRAPH_CONFIG does).
  const { values: flags } = parseArgs({ options: { config: { type: 'string' } }, allowPositionals: true });
  const config = loadConfig({ ...process.env, ...(flags.config ? { LANGGRAPH_CONFIG: flags.config } : {}) });
  checkOpenMode(config);
  const services = await createServices(config);
  const app = createApp(services);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (address) => {
    const { added, updated, unchanged } = services.knowledgeBase;
    console.log(`Overseer listening on http://${config.host}:${address.port} (API docs at /docs)`);
    console.log(
      `  models: ${config.models.provider}${config.models.provider === 'offline' ? ' (deterministic, no LLM; set OPENAI_API_KEY for a real model)' : ''}` +
        ` · checkpoints: ${config.redis ? 'redis' : `sqlite (${config.sqlitePath})`}` +
        ` · graphs: ${services.catalog.list().map((entry) => entry.graphId).join(', ')}` +
        ` · knowledge base: ${added} added, ${updated} updated, ${unchanged} unchanged`,
    );
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    server.close(async () => {
      await services.close();
      process.exit(0);
    });
    // Streams that never end must not hold the process hostage.
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error('Overseer failed to start:', error instanceof Error ? error.message : error);
  if (error instanceof AppError && error.details) console.error(error.details);
  process.exit(1);
});
