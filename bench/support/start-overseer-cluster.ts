import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/support/free-port.ts';
import { startRedisTestServer, type RedisTestServer } from '../../test/support/redis-test-server.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../../test/support/server-process.ts';

const configPath = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');

export interface OverseerCluster {
  /** The API process's base URL (the embedded server's, without Redis). */
  url: string;
  api: ServerProcess;
  workers: ServerProcess[];
  redis?: RedisTestServer;
  stop(): Promise<void>;
}

export interface OverseerClusterOptions {
  /** Worker processes beside one API process on a private redis-server; 0: one embedded server (ROLE=all, SQLite). */
  workers: number;
  /** Added to every process's environment (RUN_CONCURRENCY, NODE_OPTIONS for --cpu-prof, …). */
  environment?: Record<string, string>;
}

/**
 * Overseer as it is deployed: `src/server.ts` processes serving bench/fixtures/langgraph.json,
 * one API process and `workers` worker processes sharing a private redis-server (AOF with
 * fsync every second, as docker-compose.yml runs it), each with its own data directory.
 */
export async function startOverseerCluster(options: OverseerClusterOptions): Promise<OverseerCluster> {
  const redis = options.workers > 0 ? await startRedisTestServer(['--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction']) : undefined;
  const directories: string[] = [];
  async function start(role: 'api' | 'worker' | 'all'): Promise<{ server: ServerProcess; port: number }> {
    const dataDir = mkdtempSync(path.join(tmpdir(), `overseer-bench-${role}-`));
    directories.push(dataDir);
    const port = await freePort();
    const server = startServer({
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LANGGRAPH_CONFIG: configPath, NODE_ENV: 'production', LOG_LEVEL: 'error',
      OPENAI_API_KEY: '', ROLE: role,
      ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'bench:' } : {}),
      ...options.environment,
    });
    await printed(server);
    return { server, port };
  }
  const api = await start(redis ? 'api' : 'all');
  const workers = await Promise.all(Array.from({ length: options.workers }, () => start('worker')));
  return {
    url: `http://127.0.0.1:${api.port}`,
    api: api.server,
    workers: workers.map((worker) => worker.server),
    redis,
    async stop() {
      await Promise.all([api, ...workers].map((node) => stopServer(node.server)));
      await redis?.dispose();
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    },
  };
}
