import { serve } from '@hono/node-server';
import { loadConfig } from './config.ts';
import { createApp } from './http/index.ts';
import { createServices } from './services.ts';

/** Entry point: configuration → services → app → listen, and a graceful shutdown. */
async function main() {
  const config = loadConfig();
  const services = await createServices(config);
  const app = createApp(services);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (address) => {
    const { added, updated, unchanged } = services.knowledgeBase;
    console.log(`Overseer listening on http://${config.host}:${address.port}`);
    console.log(
      `  models: ${config.models.provider}${config.models.provider === 'offline' ? ' (deterministic, no LLM; set OPENAI_API_KEY for a real model)' : ''}` +
        ` · checkpoints: ${config.redis ? 'redis' : `sqlite (${config.sqlitePath})`}` +
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
  console.error('Overseer failed to start:', error);
  process.exit(1);
});
