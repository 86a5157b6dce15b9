import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import type { AppEnv } from '../../src/http/app-env.ts';
import { errorResponse } from '../../src/http/error-response.ts';
import { createTestHarness, type TestHarness } from '../support/test-services.ts';

/** The reported ways hostile input reached a store or a 5xx, one by one. */
interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

describe('hostile input', () => {
  let harness: TestHarness;
  let threadId: string;
  const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;

  beforeAll(async () => {
    harness = await createTestHarness();
    threadId = ((await (await harness.post('/threads', {})).json()) as { thread_id: string }).thread_id;
  });
  afterAll(async () => {
    await harness.close();
  });

  describe('commands', () => {
    it('refuses an empty command with 400 saying what a command needs', async () => {
      for (const route of ['/runs/wait', `/threads/${threadId}/runs/wait`]) {
        const response = await harness.post(route, { assistant_id: 'supervisor', command: {} });
        expect(response.status).toBe(400);
        const error = await errorOf(response);
        expect(error.code).toBe('VALIDATION_FAILED');
        expect(error.details).toEqual([{ path: 'command', message: 'A command needs at least one of resume (not null), goto or update (not empty)' }]);
      }
      expect((await harness.post(`/threads/${threadId}/runs`, { assistant_id: 'supervisor', command: { resume: null, update: {} } })).status).toBe(400);
    });

    it('refuses a command on a stateless run with 400 saying it needs a thread', async () => {
      for (const command of [{ resume: 'yes' }, { update: { messages: [] } }, { goto: 'route' }]) {
        const response = await harness.post('/runs', { assistant_id: 'supervisor', command });
        expect(response.status).toBe(400);
        expect(await errorOf(response)).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('needs a thread') });
      }
      const batch = await harness.post('/runs/batch', [{ assistant_id: 'supervisor', input: {} }, { assistant_id: 'supervisor', command: { resume: 1 } }]);
      expect(batch.status).toBe(400);
    });

    it('answers a goto to a node the graph lacks with 422 naming the nodes it has', async () => {
      const response = await harness.post(`/threads/${threadId}/runs/wait`, { assistant_id: 'supervisor', command: { goto: ['route', 'nowhere'] } });
      expect(response.status).toBe(422);
      const error = await errorOf(response);
      expect(error.code).toBe('UNPROCESSABLE');
      expect(error.message).toContain('"nowhere"');
      expect(error.message).toContain('route, retriever, executor, reviewer, finish');
      expect(error.message).not.toContain('"route"');
    });

    it('answers an update as a node the graph lacks with 422, and hides LangGraph\'s words for other refusals', async () => {
      const unknown = await harness.post(`/threads/${threadId}/state`, { graph_id: 'supervisor', values: {}, as_node: 'nowhere' });
      expect(unknown.status).toBe(422);
      expect((await errorOf(unknown)).message).toContain('as_node names a node the graph does not have');
      const rejected = await harness.post(`/threads/${threadId}/state`, { graph_id: 'supervisor', values: { messages: 5 } });
      expect(rejected.status).toBe(400);
      expect(await errorOf(rejected)).toEqual({ code: 'VALIDATION_FAILED', message: 'The graph rejected the state update: check values against its state and as_node' });
    });
  });

  describe('ids', () => {
    it('refuses ids with control characters in paths and bodies', async () => {
      const inPath = await harness.app.request('/threads/a%00b');
      expect(inPath.status).toBe(400);
      expect((await errorOf(inPath)).details).toEqual([{ path: 'thread_id', message: 'Ids cannot contain control characters' }]);
      expect((await harness.post('/threads', { thread_id: 'a\u0000b' })).status).toBe(400);
      expect((await harness.post('/threads', { thread_id: 'line\r\nbreak' })).status).toBe(400);
      expect((await harness.app.request(`/threads/${'x'.repeat(257)}`)).status).toBe(400);
    });

    it('serves a thread whose id a header cannot carry raw, with Content-Location encoded', async () => {
      const id = 'café-☕';
      expect((await harness.post('/threads', { thread_id: id })).status).toBe(200);
      const response = await harness.post(`/threads/${encodeURIComponent(id)}/runs`, { assistant_id: 'supervisor', input: { messages: [] } });
      expect(response.status).toBe(200);
      const run = (await response.json()) as { run_id: string };
      expect(response.headers.get('content-location')).toBe(`/threads/${encodeURIComponent(id)}/runs/${run.run_id}`);
      await harness.app.request(`/threads/${encodeURIComponent(id)}/runs/${run.run_id}/join`);
    });
  });

  describe('validation messages', () => {
    it('names the first issues of a body with thousands, not all of them', async () => {
      const response = await harness.post('/threads/search', { ids: Array.from({ length: 1_000 }, (_, index) => index) });
      expect(response.status).toBe(400);
      const { details } = await errorOf(response);
      expect(details).toHaveLength(21);
      expect(details?.at(-1)).toEqual({ path: '(root)', message: 'and 980 more issues' });
    });
  });

  describe('stores', () => {
    it('treats a value too deep to serialize as the caller\'s 400, not a storage outage', async () => {
      const now = new Date().toISOString();
      const writing = harness.services.repository.createThread({
        thread_id: 'too-deep',
        tenant_id: 'default',
        created_at: now,
        updated_at: now,
        metadata: { deep: nested(20_000) },
        status: 'idle',
        values: null,
        interrupts: {},
      });
      await expect(writing).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'The value is nested too deeply to store' });
      expect(await harness.services.repository.getThread('default', 'too-deep')).toBeUndefined();
    });
  });
});

describe('error responses', () => {
  const appThrowing = (thrown: () => unknown) => {
    const app = new Hono<AppEnv>();
    app.get('/', () => {
      throw thrown();
    });
    app.onError((error, c) => errorResponse(c, error));
    return app;
  };

  it('answers a stack overflow with 400 and none of the engine\'s words', async () => {
    const response = await appThrowing(() => {
      try {
        JSON.stringify(nested(100_000));
      } catch (error) {
        return error;
      }
      return new Error('JSON.stringify did not overflow');
    }).request('/');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'BAD_REQUEST', message: 'The request is nested too deeply to process' } });
    expect(text).not.toMatch(/Maximum call stack|RangeError/);
  });

  it('answers Hono\'s own exceptions in our words, never the library\'s', async () => {
    const form = await appThrowing(() => new HTTPException(400, { message: 'Malformed FormData request. TypeError: boundary missing' })).request('/');
    expect(form.status).toBe(400);
    expect(await form.text()).not.toContain('TypeError');
    const media = await appThrowing(() => new HTTPException(415, { message: 'Unsupported Media Type' })).request('/');
    expect(media.status).toBe(415);
    expect(((await media.json()) as ErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const unknown = await appThrowing(() => new HTTPException(418, { message: 'internal detail' })).request('/');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).not.toContain('internal detail');
  });

  it('keeps an AppError\'s own message and status', async () => {
    const response = await appThrowing(() => new AppError('CONFLICT', 'Thread is busy')).request('/');
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error).toEqual({ code: 'CONFLICT', message: 'Thread is busy' });
  });
});
