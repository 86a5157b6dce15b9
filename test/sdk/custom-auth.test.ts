import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/interop/langgraph.auth.json');

describe('langgraph.json auth.path handlers and http.app, through the SDK', () => {
  let server: TestServer;
  const as = (user: string) => new Client({ apiUrl: server.url, defaultHeaders: { authorization: `Bearer token-${user}` } });
  beforeAll(async () => {
    server = await startTestServer({ LANGGRAPH_CONFIG: fixtures });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asks the authenticate handler who calls, with its words when it refuses; public paths stay open', async () => {
    expect((await fetch(`${server.url}/threads/search`, { method: 'POST' })).status).toBe(401);
    const refused = await fetch(`${server.url}/threads/search`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: 'Unknown or missing token' } });
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    expect(await as('alice').threads.search()).toEqual(expect.any(Array));
  });

  it('stamps a new thread with its owner (and what the handler added), and hides it from everyone else', async () => {
    const alice = as('alice');
    const bob = as('bob');
    const thread = await alice.threads.create({ metadata: { topic: 'refunds' } });
    expect(thread.metadata).toMatchObject({ topic: 'refunds', owner: 'alice', created_through: 'auth handler' });
    await alice.runs.wait(thread.thread_id, 'echo', { input: { question: 'hi' } });

    await expect(bob.threads.get(thread.thread_id)).rejects.toMatchObject({ status: 404 });
    await expect(bob.threads.getState(thread.thread_id)).rejects.toMatchObject({ status: 404 });
    await expect(bob.runs.wait(thread.thread_id, 'echo', { input: { question: 'mine now' } })).rejects.toMatchObject({ status: 404 });
    await expect(bob.threads.update(thread.thread_id, { metadata: { owner: 'bob' } })).rejects.toMatchObject({ status: 404 });
    await expect(bob.threads.delete(thread.thread_id)).rejects.toMatchObject({ status: 404 });
    expect(await bob.threads.prune([thread.thread_id])).toEqual({ pruned_count: 0 });
    expect((await bob.threads.search({ limit: 100 })).map((found) => found.thread_id)).not.toContain(thread.thread_id);
    // Asking for alice's threads by name finds none of them either.
    expect(await bob.threads.search({ metadata: { owner: 'alice' } })).toEqual([]);
    expect(await bob.threads.count({ metadata: { topic: 'refunds' } })).toBe(0);

    expect((await alice.threads.search({ metadata: { topic: 'refunds' } })).map((found) => found.thread_id)).toEqual([thread.thread_id]);
    expect(await alice.threads.count({ metadata: { topic: 'refunds' } })).toBe(1);
    expect((await alice.threads.get(thread.thread_id)).status).toBe('idle');
  });

  it('stamps the thread a run creates, so its creator keeps it', async () => {
    const alice = as('alice');
    const threadId = crypto.randomUUID();
    await alice.runs.wait(threadId, 'echo', { input: { question: 'hi' }, ifNotExists: 'create' });
    expect((await alice.threads.get(threadId)).metadata).toMatchObject({ owner: 'alice' });
    await expect(as('bob').threads.get(threadId)).rejects.toMatchObject({ status: 404 });

    const stream = alice.threads.stream({ assistantId: 'echo' });
    try {
      await stream.run.start({ input: { question: 'over the thread protocol' } });
      await stream.output;
      expect((await alice.threads.get(stream.threadId!)).metadata).toMatchObject({ owner: 'alice' });
    } finally {
      await stream.close();
    }
  });

  it('gives each user their own assistants, stamped and filtered the same way', async () => {
    const alice = as('alice');
    const bob = as('bob');
    const mine = await alice.assistants.create({ graphId: 'echo', name: 'Alice\'s desk' });
    expect(mine.metadata).toMatchObject({ owner: 'alice' });
    await expect(bob.assistants.get(mine.assistant_id)).rejects.toMatchObject({ status: 404 });
    await expect(bob.assistants.update(mine.assistant_id, { name: 'Bob\'s now' })).rejects.toMatchObject({ status: 404 });
    const bobs = await bob.assistants.create({ graphId: 'echo', name: 'Bob\'s desk' });
    expect((await bob.assistants.search({ limit: 100 })).map((found) => found.assistant_id)).toEqual([bobs.assistant_id]);
    expect(await bob.assistants.count()).toBe(1);
    expect((await alice.assistants.search({ limit: 100 })).map((found) => found.assistant_id)).toEqual([mine.assistant_id]);
  });

  it('keeps the tenant and the scopes the handler gives', async () => {
    const thread = await as('alice').threads.create();
    // dave is another tenant's: not even the owner filter is needed to keep him out.
    await expect(as('dave').threads.get(thread.thread_id)).rejects.toMatchObject({ status: 404 });
    // carol may only read.
    await expect(as('carol').threads.create()).rejects.toMatchObject({ status: 403 });
    await expect(as('carol').threads.search()).resolves.toEqual([]);
  });

  it('refuses what a handler returns false for', async () => {
    await as('alice').store.putItem(['notes'], 'first', { text: 'hello' });
    await expect(as('bob').store.putItem(['notes'], 'second', { text: 'hi' })).rejects.toMatchObject({ status: 403 });
    await expect(as('bob').store.getItem(['notes'], 'first')).rejects.toMatchObject({ status: 403 });
  });

  it('serves the http.app routes beside the API, behind the same authentication', async () => {
    expect((await fetch(`${server.url}/custom/hello`)).status).toBe(401);
    const response = await fetch(`${server.url}/custom/hello`, { headers: { authorization: 'Bearer token-alice' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: 'world', caller: 'alice' });
  });
});
