import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeysMatching } from '../support/redis-keys.ts';
import { startRedisTestServer, type RedisTestServer } from '../support/redis-test-server.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process-on-free-port.ts';
import { createTestHarness, type TestHarness } from '../support/test-services.ts';

const redisUrl = 'redis://127.0.0.1:6379';
const keys = {
  requests: 'alpha-requests-key-0123456789',
  runsOnFirst: 'beta-first-key-0123456789',
  runsOnSecond: 'beta-second-key-0123456789',
};
const apiKeys = JSON.stringify([
  { key: keys.requests, tenant: 'alpha', scopes: ['*'] },
  { key: keys.runsOnFirst, tenant: 'beta', scopes: ['*'] },
  { key: keys.runsOnSecond, tenant: 'beta', scopes: ['*'] },
]);

function call(server: ServerProcess, key: string, method: string, route: string, body?: unknown) {
  return fetch(`${server.url}${route}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function idOf(response: Response, field: 'thread_id' | 'run_id'): Promise<string> {
  expect(response.status).toBe(200);
  return ((await response.json()) as Record<string, string>)[field]!;
}

describe('two server processes sharing one Redis limit', () => {
  const prefix = `overseer-test:limits-${randomUUID()}:`;
  let servers: ServerProcess[] = [];
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl);
    const environment = {
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      API_KEYS: apiKeys,
      LANGGRAPH_CONFIG: 'test/fixtures/langgraph.json',
      RATE_LIMIT_REQUESTS_PER_MINUTE_PER_KEY: '8',
      RATE_LIMIT_CONCURRENT_RUNS_PER_TENANT: '2',
    };
    servers = await Promise.all([startServerProcess(environment), startServerProcess(environment)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await deleteKeysMatching(redis, `${prefix}*`);
    redis.disconnect();
  });

  it('lets exactly the limit of requests through, whichever process they reach, and refuses the rest with Retry-After', async () => {
    const outcomes: Array<{ server: number; status: number; retryAfter: string | null }> = [];
    for (let index = 0; index < 20; index += 1) {
      const response = await call(servers[index % 2]!, keys.requests, 'POST', '/threads/search', {});
      outcomes.push({ server: index % 2, status: response.status, retryAfter: response.headers.get('retry-after') });
    }
    expect(outcomes.filter((outcome) => outcome.status === 200)).toHaveLength(8);
    const refused = outcomes.filter((outcome) => outcome.status === 429);
    expect(refused).toHaveLength(12);
    for (const outcome of refused) expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
    // Both processes refused: each counted the other's requests.
    expect(new Set(refused.map((outcome) => outcome.server))).toEqual(new Set([0, 1]));
  });

  it('holds a tenant to its runs at once across processes, and frees a slot when its run is cancelled', async () => {
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const long = { assistant_id: 'slow', input: { delayMs: 60_000, count: 1 } };
    const threadOnFirst = await idOf(await call(first, keys.runsOnFirst, 'POST', '/threads', {}), 'thread_id');
    const runOnFirst = await idOf(await call(first, keys.runsOnFirst, 'POST', `/threads/${threadOnFirst}/runs`, long), 'run_id');
    const threadOnSecond = await idOf(await call(second, keys.runsOnSecond, 'POST', '/threads', {}), 'thread_id');
    const runOnSecond = await idOf(await call(second, keys.runsOnSecond, 'POST', `/threads/${threadOnSecond}/runs`, long), 'run_id');

    const third = await idOf(await call(first, keys.runsOnFirst, 'POST', '/threads', {}), 'thread_id');
    const refused = await call(first, keys.runsOnFirst, 'POST', `/threads/${third}/runs`, long);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_RUNS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // Cancelled on the process that runs it; the slot it frees is taken on the other process.
    expect((await call(first, keys.runsOnFirst, 'POST', `/threads/${threadOnFirst}/runs/${runOnFirst}/cancel?wait=true`)).status).toBe(204);
    const admitted = await idOf(await call(second, keys.runsOnSecond, 'POST', `/threads/${third}/runs`, long), 'run_id');
    for (const [threadId, runId] of [[threadOnSecond, runOnSecond], [third, admitted]]) {
      expect((await call(second, keys.runsOnSecond, 'POST', `/threads/${threadId}/runs/${runId}/cancel?wait=true`)).status).toBe(204);
    }
  });
});

describe('request limits while Redis is down', () => {
  let privateRedis: RedisTestServer;
  let harness: TestHarness;

  beforeAll(async () => {
    privateRedis = await startRedisTestServer();
    harness = await createTestHarness({
      REDIS_URL: privateRedis.url,
      REDIS_KEY_PREFIX: `overseer-test:limits-${randomUUID()}:`,
      API_KEYS: apiKeys,
      RATE_LIMIT_REQUESTS_PER_MINUTE_PER_KEY: '3',
    });
  });

  afterAll(async () => {
    // Back up before closing: BullMQ's close (the cron queue) waits for a connection that never comes.
    await privateRedis?.restart();
    await harness?.close();
    await privateRedis?.dispose();
  });

  it('counts in this process instead: still limited, never a 500', async () => {
    await privateRedis.kill();
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      // A built-in assistant is read from the graph catalog in memory (user assistants live in
      // Redis), so only the limiter would need Redis here.
      const response = await harness.app.request('/assistants/supervisor', { headers: { 'x-api-key': keys.requests } });
      statuses.push(response.status);
      if (response.status === 200) {
        expect(response.headers.get('ratelimit-limit')).toBe('3');
        expect(await response.json()).toMatchObject({ graph_id: 'supervisor' });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
