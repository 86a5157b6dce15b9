import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../../../test/support/test-services.ts';
import type { AppEnv } from '../app-env.ts';
import { errorResponse } from '../error-response.ts';
import { jsonBodyLimits } from './json-body-limits.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  request_id: string | null;
}

const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const wideObject = (keys: number) => JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, index) => [`k${index}`, index])));

describe('JSON request bodies', () => {
  let harness: TestHarness;
  const send = (route: string, init: RequestInit) => harness.app.request(route, init);
  const postJson = (route: string, body: string, contentType = 'application/json') =>
    send(route, { method: 'POST', headers: { 'content-type': contentType }, body });
  const threadCount = async () => (await (await harness.post('/threads/count', {})).json()) as number;

  beforeAll(async () => {
    harness = await createTestHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('answers form data with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await postJson('/threads', '{}', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Request bodies must be JSON: send Content-Type: application/json',
    });
  });

  it('answers a body without a content type with 415', async () => {
    const response = await send('/runs', { method: 'POST', body: '{"assistant_id":"supervisor","input":{}}' });
    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts application/json with a charset', async () => {
    const response = await postJson('/threads', '{"metadata":{"topic":"charset"}}', 'application/json; charset=utf-8');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { metadata: unknown }).metadata).toEqual({ topic: 'charset' });
  });

  it('refuses JSON nested deeper than JSON_MAX_DEPTH with 400 naming the limit, and stores nothing', async () => {
    const before = await threadCount();
    const response = await postJson('/threads', `{"metadata":{"x":${deepObject(5_000)}}}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: 'BAD_REQUEST', message: 'The request body nests deeper than 64 levels (JSON_MAX_DEPTH)' });
    expect(await threadCount()).toBe(before);
  });

  it('refuses an object with more than JSON_MAX_KEYS keys with 400 naming the limit', async () => {
    const response = await postJson('/threads', `{"metadata":${wideObject(10_000)}}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toBe('An object in the request body has more than 1000 keys (JSON_MAX_KEYS)');
  });

  it('refuses an array with more than JSON_MAX_ARRAY_LENGTH elements with 400 naming the limit', async () => {
    const ids = JSON.stringify(Array.from({ length: 10_001 }, (_, index) => `t${index}`));
    const response = await postJson('/threads/search', `{"ids":${ids}}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toBe('An array in the request body has more than 10000 elements (JSON_MAX_ARRAY_LENGTH)');
  });

  it('answers invalid JSON with 400 saying where it breaks, in its own words', async () => {
    const response = await postJson('/threads', '{\n  "metadata": {"a": 1,}\n}');
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^The request body is not valid JSON \(line 2, column \d+\)$/);
    const truncated = (await (await postJson('/threads', '{"metadata":')).json()) as ErrorBody;
    expect(truncated.error.message).toBe('The request body is not valid JSON: it ends too early');
  });

  it('lets bodyless POSTs through without a content type, as the SDK sends copy and cancel', async () => {
    const thread = (await (await harness.post('/threads', {})).json()) as { thread_id: string };
    const copy = await send(`/threads/${thread.thread_id}/copy`, { method: 'POST' });
    expect(copy.status).toBe(200);
    const cancel = await send(`/threads/${thread.thread_id}/runs/no-such-run/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(404);
  });

  it('reads a bodyless POST to a route whose body is optional as {} with its defaults', async () => {
    const bodyless = (await (await send('/threads/search', { method: 'POST' })).json()) as unknown[];
    const empty = (await (await postJson('/threads/search', '{}')).json()) as unknown[];
    expect(bodyless.length).toBeGreaterThan(0);
    expect(bodyless).toEqual(empty);
  });
});

describe('JSON limits from the configuration', () => {
  let harness: TestHarness;
  beforeAll(async () => {
    harness = await createTestHarness({ JSON_MAX_DEPTH: '4', JSON_MAX_KEYS: '3', JSON_MAX_ARRAY_LENGTH: '2' });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('applies JSON_MAX_DEPTH, JSON_MAX_KEYS and JSON_MAX_ARRAY_LENGTH as set', async () => {
    // The body itself is level 1, metadata level 2.
    expect((await harness.post('/threads', `{"metadata":{"a":{"b":{}}}}`)).status).toBe(200);
    const deep = await harness.post('/threads', `{"metadata":{"a":{"b":{"c":{}}}}}`);
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as ErrorBody).error.message).toContain('deeper than 4 levels (JSON_MAX_DEPTH)');
    expect((await harness.post('/threads', `{"metadata":{"a":1,"b":2,"c":3,"d":4}}`)).status).toBe(400);
    expect((await harness.post('/threads/search', `{"ids":["a","b","c"]}`)).status).toBe(400);
    expect((await harness.post('/threads/search', `{"ids":["a","b"]}`)).status).toBe(200);
  });
});

describe('jsonBodyLimits', () => {
  it('hands the route the value it parsed, so the body is parsed once', async () => {
    const app = new Hono<AppEnv>();
    app.use('*', jsonBodyLimits({ maxDepth: 8, maxKeys: 8, maxArrayLength: 8 }));
    app.post('/echo', async (c) => {
      const first: unknown = await c.req.json();
      const second: unknown = await c.req.json();
      return c.json({ same: first === second, value: first });
    });
    app.onError((error, c) => errorResponse(c, error));
    const response = await app.request('/echo', { method: 'POST', headers: { 'content-type': 'application/vnd.api+json' }, body: '{"a":[1,2]}' });
    expect(await response.json()).toEqual({ same: true, value: { a: [1, 2] } });
  });
});
