import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const keys = {
  acmeOne: 'acme-first-key-0123456789',
  acmeTwo: 'acme-second-key-0123456789',
  globex: 'globex-only-key-0123456789',
  initech: 'initech-only-key-0123456789',
};
const apiKeys = JSON.stringify([
  { key: keys.acmeOne, tenant: 'acme', scopes: ['*'], name: 'acme-one' },
  { key: keys.acmeTwo, tenant: 'acme', scopes: ['*'], name: 'acme-two' },
  { key: keys.globex, tenant: 'globex', scopes: ['*'], name: 'globex' },
  { key: keys.initech, tenant: 'initech', scopes: ['*'], name: 'initech' },
]);

interface ErrorBody {
  error: { code: string; message: string };
}

function caller(server: () => TestServer, key: string) {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server().url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    call,
    search: () => call('POST', '/threads/search', {}),
    async thread(): Promise<string> {
      const response = await call('POST', '/threads', {});
      expect(response.status).toBe(200);
      return ((await response.json()) as { thread_id: string }).thread_id;
    },
    /** A run of the slow fixture graph: `steps` steps of `delayMs` each. */
    run: (threadId: string, input: { delayMs: number; count: number }, multitaskStrategy?: string) =>
      call('POST', `/threads/${threadId}/runs`, { assistant_id: 'slow', input, ...(multitaskStrategy ? { multitask_strategy: multitaskStrategy } : {}) }),
  };
}

async function runIdOf(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return ((await response.json()) as { run_id: string }).run_id;
}

describe('requests per minute, per key and per tenant, in memory', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: apiKeys, RATE_LIMIT_REQUESTS_PER_MINUTE_PER_KEY: '3', RATE_LIMIT_REQUESTS_PER_MINUTE_PER_TENANT: '5' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lets a key make its limit of requests, with RateLimit headers, then answers 429 with Retry-After', async () => {
    const globex = caller(() => server, keys.globex);
    const remaining: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await globex.search();
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(response.headers.get('ratelimit-remaining') ?? '');
      expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await globex.search();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('holds a tenant to its own limit across its keys, and leaves other tenants alone', async () => {
    const one = caller(() => server, keys.acmeOne);
    const two = caller(() => server, keys.acmeTwo);
    const statuses = [];
    for (const key of [one, one, one, two, two, two]) statuses.push((await key.search()).status);
    // acme-one uses its 3, acme-two gets the tenant's remaining 2 though its own limit is 3.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await caller(() => server, keys.initech).search()).status).toBe(200);
  });

  it('does not count health and documentation paths', async () => {
    for (let index = 0; index < 5; index += 1) {
      const response = await fetch(`${server.url}/ok`);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});

describe('runs pending or running at once, in memory', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      API_KEYS: apiKeys,
      LANGGRAPH_CONFIG: 'test/fixtures/langgraph.json',
      RATE_LIMIT_CONCURRENT_RUNS_PER_TENANT: '2',
      RATE_LIMIT_CONCURRENT_RUNS_PER_KEY: '1',
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  const long = { delayMs: 60_000, count: 1 };

  it('refuses a key its second run at once with 429 TOO_MANY_RUNS, and admits one again when the first is cancelled', async () => {
    const globex = caller(() => server, keys.globex);
    const [first, second] = [await globex.thread(), await globex.thread()];
    const running = await runIdOf(await globex.run(first, long));
    const refused = await globex.run(second, long);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({ code: 'TOO_MANY_RUNS', message: expect.stringMatching(/key already has 1 run/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await globex.call('POST', `/threads/${first}/runs/${running}/cancel?wait=true`)).status).toBe(204);
    const admitted = await runIdOf(await globex.run(second, long));
    expect((await globex.call('POST', `/threads/${second}/runs/${admitted}/cancel?wait=true`)).status).toBe(204);
  });

  it('counts a run enqueued behind another on its thread, and holds the tenant to its limit across keys', async () => {
    const one = caller(() => server, keys.acmeOne);
    const two = caller(() => server, keys.acmeTwo);
    const busy = await one.thread();
    const running = await runIdOf(await one.run(busy, long));
    const queued = await runIdOf(await two.run(busy, long, 'enqueue'));
    // Both acme keys are within their own limit of 1, but the tenant has its 2.
    const other = await one.thread();
    const refused = await two.run(other, long);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.message).toMatch(/tenant already has 2 runs/);
    expect((await one.call('POST', `/threads/${busy}/runs/${queued}/cancel?wait=true`)).status).toBe(204);
    const admitted = await runIdOf(await two.run(other, long));
    for (const [threadId, runId] of [[busy, running], [other, admitted]]) {
      expect((await one.call('POST', `/threads/${threadId}/runs/${runId}/cancel?wait=true`)).status).toBe(204);
    }
  });

  it('gives the slot back when a run finishes by itself, and when its creation is refused', async () => {
    const initech = caller(() => server, keys.initech);
    const threadId = await initech.thread();
    const quick = await runIdOf(await initech.run(threadId, { delayMs: 1, count: 1 }));
    expect((await initech.call('GET', `/threads/${threadId}/runs/${quick}/join`)).status).toBe(200);
    // A run on a thread that does not exist is refused (404) after admission: it must not keep the slot.
    expect((await initech.run('00000000-0000-4000-8000-000000000000', { delayMs: 1, count: 1 })).status).toBe(404);
    const next = await runIdOf(await initech.run(threadId, { delayMs: 1, count: 1 }));
    expect((await initech.call('GET', `/threads/${threadId}/runs/${next}/join`)).status).toBe(200);
  });
});
