import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createReadiness } from '../../src/observability/index.ts';
import { deleteKeysMatching } from '../support/redis-keys.ts';
import { startRedisTestServer } from '../support/redis-test-server.ts';
import { createTestHarness, type TestHarness } from '../support/test-services.ts';

// GET /ready is what a load balancer or Kubernetes asks before sending traffic; GET /ok only says
// the process is alive. Not ready: storage or Redis does not answer, or the process is draining.
describe('GET /ready', () => {
  const apiKeys = JSON.stringify([{ key: 'acme-key-0123456789abcdef', tenant: 'acme', scopes: ['*'] }]);
  const keyPrefix = `test:readiness:${randomUUID()}:`;
  const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const harnesses: TestHarness[] = [];
  const harness = async (environment: Record<string, string> = {}) => {
    const created = await createTestHarness({ API_KEYS: apiKeys, ...environment });
    harnesses.push(created);
    return created;
  };
  const ready = async (subject: TestHarness) => {
    const response = await subject.app.request('/ready');
    return { status: response.status, body: await response.json() };
  };

  afterAll(async () => {
    for (const subject of harnesses) await subject.close();
    await deleteKeysMatching(client, `${keyPrefix}*`);
    await client.quit();
  });

  it('answers 200 without a key on the embedded defaults, Redis not configured', async () => {
    const embedded = await harness();
    expect(await ready(embedded)).toEqual({ status: 200, body: { ready: true, checks: { storage: 'ok', redis: 'not configured' } } });
    expect((await embedded.app.request('/threads/search', { method: 'POST' })).status).toBe(401);
  });

  it('sees Redis: 200 while it answers PING', async () => {
    const onRedis = await harness({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: keyPrefix });
    expect(await ready(onRedis)).toEqual({ status: 200, body: { ready: true, checks: { storage: 'ok', redis: 'ok' } } });
  });

  it('answers 503 naming Redis when it is down or hangs, 200 again when it is back; /ok stays 200', async () => {
    const redis = await startRedisTestServer();
    const subject = await createTestHarness({ API_KEYS: apiKeys, REDIS_URL: redis.url });
    try {
      expect((await ready(subject)).status).toBe(200);

      await redis.kill();
      expect(await ready(subject)).toEqual({ status: 503, body: { ready: false, checks: { storage: 'ok', redis: 'down' } } });
      expect((await subject.app.request('/ok')).status).toBe(200);

      await redis.restart();
      await expect.poll(async () => (await ready(subject)).status, { timeout: 10_000 }).toBe(200);

      // A hung server (no reply at all) counts as down within the check's own timeout.
      redis.pause();
      expect(await ready(subject)).toEqual({ status: 503, body: { ready: false, checks: { storage: 'ok', redis: 'down' } } });
      redis.resume();
      await expect.poll(async () => (await ready(subject)).status, { timeout: 10_000 }).toBe(200);
    } finally {
      await subject.close();
      await redis.dispose();
    }
  }, 60_000);

  it('answers 503 draining once shutdown began, whatever the checks say', async () => {
    const subject = await harness();
    subject.services.readiness.beginDrain();
    expect(await ready(subject)).toEqual({ status: 503, body: { ready: false, draining: true } });
    expect((await subject.app.request('/ok')).status).toBe(200);
  });

  it('reports storage down when the embedded database does not answer', async () => {
    const readiness = createReadiness({
      storage: () => {
        throw new Error('database is locked');
      },
    });
    expect(await readiness.check()).toEqual({ ready: false, checks: { storage: 'down', redis: 'not configured' } });
  });
});

describe('a run manager that drains', () => {
  it('refuses new runs with 503 SERVER_DRAINING and Retry-After, and reports when its runs are done', async () => {
    const subject = await createTestHarness({ LANGGRAPH_CONFIG: 'test/fixtures/langgraph.json' });
    try {
      const thread = (await (await subject.post('/threads', {})).json()) as { thread_id: string };
      const created = await subject.post(`/threads/${thread.thread_id}/runs`, { assistant_id: 'slow', input: { delayMs: 100, count: 5 } });
      expect(created.status).toBe(200);
      subject.services.runs.beginDrain();
      expect(await subject.services.runs.drained(0)).toBe(false);

      const refused = await subject.post('/runs', { assistant_id: 'slow', input: { delayMs: 1, count: 1 } });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ error: { code: 'SERVER_DRAINING' } });

      expect(await subject.services.runs.drained(30_000)).toBe(true);
      const { run_id: runId } = (await created.json()) as { run_id: string };
      expect(await subject.services.runs.get('default', runId)).toMatchObject({ status: 'success' });
    } finally {
      await subject.close();
    }
  });
});
