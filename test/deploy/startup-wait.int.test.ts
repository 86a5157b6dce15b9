import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { printed, startServer, stopServer, type ServerProcess } from '../support/server-process.ts';

// Containers start in any order: a server whose Redis is not up yet waits for it (bounded by
// STARTUP_WAIT_SECONDS) instead of exiting into a crash loop.
describe('waiting for Redis at start-up', () => {
  const started: ServerProcess[] = [];
  const redisServers: RedisTestServer[] = [];
  const directories: string[] = [];
  const dataDir = () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'overseer-startup-wait-'));
    directories.push(directory);
    return directory;
  };

  afterAll(async () => {
    for (const server of started) await stopServer(server);
    for (const redis of redisServers) await redis.dispose();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  it('retries until a Redis started 2 s later answers, then serves and is ready', async () => {
    const redisPort = await freePort();
    const port = await freePort();
    const server = startServer({ DATA_DIR: dataDir(), PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    started.push(server);
    await printed(server, `waiting for Redis at redis://127.0.0.1:${redisPort} (attempt 1`);
    await sleep(2_000);
    expect(server.child.exitCode).toBeNull();
    redisServers.push(await startRedisTestServer([], { port: redisPort }));

    await printed(server);
    expect(server.stdout()).toMatch(new RegExp(`Redis at redis://127\\.0\\.0\\.1:${redisPort} answered \\(attempt \\d+\\)`));
    expect(server.stdout()).toContain('(attempt 2');
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { storage: 'ok', redis: 'ok' } });
  }, 120_000);

  it('gives up after STARTUP_WAIT_SECONDS with exit 1 and one line saying why', async () => {
    const redisPort = await freePort();
    const server = startServer({
      DATA_DIR: dataDir(),
      PORT: String(await freePort()),
      REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${redisPort}`,
      STARTUP_WAIT_SECONDS: '2',
    });
    started.push(server);
    expect(await server.exited).toBe(1);
    const lines = server.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Overseer could not start: Redis at redis://127\\.0\\.0\\.1:${redisPort} did not answer within 2 s .*ECONNREFUSED`));
    // One line per attempt while it waited, and never the password.
    expect(server.stdout().match(/waiting for Redis at/g)?.length).toBeGreaterThanOrEqual(2);
    expect(server.stdout() + server.stderr()).not.toContain('hunter2-secret');
    expect(server.stdout()).not.toContain('Overseer listening');
  }, 120_000);
});
