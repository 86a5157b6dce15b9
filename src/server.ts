import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { loadConfig, type Config } from './config.ts';
import { AppError } from './errors.ts';
import { createApp, createWebSocketServer, isOpenMode } from './http/index.ts';
import { consoleBundle } from './console/index.ts';
import { createServices } from './services.ts';
import { drainAndClose } from './graceful-shutdown.ts';
import { waitForServices } from './wait-for-services.ts';

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Without API keys, JWT verification or langgraph.json's `authenticate` handler anyone who can
 * connect may act: allow that only on loopback.
 */
function checkOpenMode(config: Config, open: boolean): void {
  if (!open) return;
  if (!loopbackHosts.has(config.host)) {
    throw new AppError('BAD_REQUEST', `No API_KEYS, JWT_* or langgraph.json auth.path authenticate handler is configured, so Overseer only listens on loopback; HOST=${config.host} needs one of them`);
  }
  console.log('  open mode: no API_KEYS, JWT or auth.path authenticate handler configured; every caller is tenant "default" with every scope (loopback only)');
}

/** Why a listen failed, in one line an operator can act on. */
function listenError(error: NodeJS.ErrnoException, config: Config): AppError {
  const where = `port ${config.port} on ${config.host}`;
  const reasons: Record<string, string> = {
    EADDRINUSE: `${where} is in use (another Overseer?)`,
    EACCES: `${where} needs privileges this process lacks (use a port above 1023)`,
    EADDRNOTAVAIL: `${config.host} is not an address of this machine`,
    ENOTFOUND: `the host name ${config.host} does not resolve`,
  };
  return new AppError('CONFLICT', reasons[error.code ?? ''] ?? `cannot listen on ${where} (${error.code ?? error.message})`, { cause: error });
}

/**
 * Connections the kernel may queue before they are accepted. Node's default, 511, overflowed when
 * 1,000 clients connected at once (bench:streaming); the kernel caps it at `net.core.somaxconn`.
 */
const listenBacklog = 4_096;

/** Bind the socket; resolves once listening, rejects with a one-line reason. */
function listen(fetch: (request: Request) => Response | Promise<Response>, config: Config): Promise<{ server: ServerType; port: number }> {
  // The thread protocol's WebSocket upgrades go through `fetch` (the app) too.
  const server = createAdaptorServer({ fetch, websocket: { server: createWebSocketServer() } });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, config)));
    server.listen(config.port, config.host, listenBacklog, () => {
      const address = (server as Server).address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : config.port });
    });
  });
}

/**
 * Entry point: configuration → wait for Redis and Qdrant → services → app → listen → own the run store (settle what a
 * stopped process left), and a graceful drain on SIGTERM. Runs in storage are touched only after the
 * socket is bound and the store's process lease is ours, so a second process that cannot
 * start (port taken, database served by another process) never settles a live server's runs.
 */
async function main() {
  // `--config path/to/langgraph.json` serves that project's graphs (as LANGGRAPH_CONFIG does).
  const { values: flags } = parseArgs({ options: { config: { type: 'string' } }, allowPositionals: true });
  const config = loadConfig({ ...process.env, ...(flags.config ? { LANGGRAPH_CONFIG: flags.config } : {}) });
  // Redis and Qdrant may still be starting (compose, Kubernetes): wait for them, bounded.
  await waitForServices(config);
  const services = await createServices(config);
  const app = createApp(services);
  let listening: { server: ServerType; port: number } | undefined;
  try {
    // After the services: whether langgraph.json's auth.path authenticates is known once its module is loaded.
    checkOpenMode(config, isOpenMode(services));
    listening = await listen(app.fetch, config);
    // From the moment it listens a SIGTERM drains it, also while the console is still being bundled.
    const { server } = listening;
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) {
        // A second Ctrl-C does not wait for the drain.
        console.log(`${signal} received again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      const { shutdownGraceSeconds } = config.lifecycle;
      drainAndClose({ services, server: server as Server, graceSeconds: shutdownGraceSeconds, signal }).then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
      // Whatever hangs in closing must not hold the process past the grace period.
      setTimeout(() => process.exit(1), (shutdownGraceSeconds + 10) * 1_000).unref();
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    const recovery = await services.recoverRuns();
    const { added, updated, unchanged } = services.knowledgeBase;
    console.log(`Overseer listening on http://${config.host}:${listening.port} (API docs at /docs)`);
    console.log(
      `  models: ${config.models.provider}${config.models.provider === 'offline' ? ' (deterministic, no LLM; set OPENAI_API_KEY for a real model)' : ''}` +
        ` · checkpoints: ${config.redis ? 'redis' : `sqlite (${config.sqlitePath})`}` +
        ` · graphs: ${services.catalog.list().map((entry) => entry.graphId).join(', ')}` +
        ` · knowledge base: ${added} added, ${updated} updated, ${unchanged} unchanged`,
    );
    if (recovery.recovered > 0) console.log(`  runs: ${recovery.recovered} left pending or running by a stopped process, resumed from their last checkpoint`);
    if (recovery.approvalsResumed) console.log(`  approvals: ${recovery.approvalsResumed} decided but never resumed, resumed now`);
    if (recovery.sharedWith.length > 0) {
      console.log(`  runs: ${recovery.sharedWith.length} other Overseer process(es) share this Redis; runs left by stopped processes are resumed when a process starts alone`);
    }
    // Bundled at start rather than on the first visit, so a console that cannot be built says so now.
    const address = `http://${config.host}:${listening.port}/console`;
    await consoleBundle().then(
      () => console.log(`  operator console: ${address}`),
      (error: unknown) => console.error(`  operator console: could not be built (${error instanceof Error ? error.message : String(error)})`),
    );
  } catch (error) {
    listening?.server.close();
    await services.close();
    throw error;
  }
}

main().catch((error) => {
  console.error(`Overseer could not start: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof AppError && error.details) console.error(error.details);
  process.exit(1);
});
