import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../../../test/support/test-services.ts';

const keys = { admin: 'challenge-admin-key-0123456789abcdef', reader: 'challenge-reader-key-0123456789abcdef' };

describe('authentication challenges (RFC 6750)', () => {
  let harness: TestHarness;
  beforeAll(async () => {
    harness = await createTestHarness({
      API_KEYS: JSON.stringify([
        { key: keys.admin, tenant: 'acme', scopes: ['*'] },
        { key: keys.reader, tenant: 'acme', scopes: ['threads:read', 'runs:read'] },
      ]),
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const createRun = (key: string, threadId: string) =>
    harness.app.request(`/threads/${threadId}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ assistant_id: 'supervisor', input: { messages: [{ role: 'user', content: 'hi' }] } }),
    });

  it('answers a missing credential with 401 and a Bearer challenge, and a wrong one with invalid_token', async () => {
    const missing = await harness.app.request('/threads/search', { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="overseer"');
    const wrong = await harness.app.request('/threads/search', { method: 'POST', headers: { 'x-api-key': 'not-a-key-0123456789abcdef' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer realm="overseer", error="invalid_token"/);
  });

  it('answers a missing scope with 403, the JSON error and an insufficient_scope challenge naming the scope', async () => {
    const thread = (await (await harness.app.request('/threads', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys.admin }, body: '{}' })).json()) as { thread_id: string };
    const refused = await createRun(keys.reader, thread.thread_id);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="overseer", error="insufficient_scope", scope="runs:write"');
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: 'This API key lacks the "runs:write" scope' } });
  });

  it('sends no challenge with a request it allows', async () => {
    const allowed = await harness.app.request('/threads/search', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys.reader }, body: '{}' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('www-authenticate')).toBeNull();
  });
});

describe('authentication challenges with langgraph.json auth.path handlers', () => {
  let harness: TestHarness;
  const as = (user: string) => ({ 'content-type': 'application/json', authorization: `Bearer token-${user}` });
  beforeAll(async () => {
    harness = await createTestHarness({ LANGGRAPH_CONFIG: path.resolve(import.meta.dirname, '../../../test/fixtures/interop/langgraph.auth.json') });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('adds the Bearer challenge to the bare 401 the authenticate handler throws', async () => {
    const refused = await harness.app.request('/threads/search', { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="overseer"');
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: 'Unknown or missing token' } });
  });

  it('names the scope a handler\'s user lacks, and sends no challenge when a handler refuses for its own reasons', async () => {
    const threadId = crypto.randomUUID();
    const noScope = await harness.app.request(`/threads/${threadId}/runs`, { method: 'POST', headers: as('carol'), body: JSON.stringify({ assistant_id: 'echo', input: { question: 'hi' }, if_not_exists: 'create' }) });
    expect(noScope.status).toBe(403);
    expect(noScope.headers.get('www-authenticate')).toBe('Bearer realm="overseer", error="insufficient_scope", scope="runs:write"');
    expect(await noScope.json()).toMatchObject({ error: { message: 'This user lacks the "runs:write" scope' } });
    // The store handler lets only alice in: a 403 about who bob is, not about a scope he could get.
    const handlerSaysNo = await harness.app.request('/store/items/search', { method: 'POST', headers: as('bob'), body: JSON.stringify({ namespace_prefix: ['notes'] }) });
    expect(handlerSaysNo.status).toBe(403);
    expect(handlerSaysNo.headers.get('www-authenticate')).toBeNull();
  });
});
