import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

type Message = { type: string; content: string };
const ask = (content: string) => ({ messages: [{ role: 'user', content }] });

describe('the official SDK against Overseer\'s own graphs', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer();
    client = new Client({ apiUrl: server.url });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('finds one assistant per graph, by id and by graph name', async () => {
    const assistants = await client.assistants.search({ limit: 10 });
    expect(assistants.map((assistant) => assistant.graph_id).sort()).toEqual(['executor', 'retriever', 'reviewer', 'supervisor']);
    const supervisor = assistants.find((assistant) => assistant.graph_id === 'supervisor')!;
    expect((await client.assistants.get(supervisor.assistant_id)).graph_id).toBe('supervisor');
    expect((await client.assistants.get('supervisor')).assistant_id).toBe(supervisor.assistant_id);
    expect(await client.assistants.search({ graphId: 'retriever' })).toHaveLength(1);
  });

  it('draws the supervisor graph, with subgraph nodes under xray', async () => {
    const flat = await client.assistants.getGraph('supervisor');
    const flatIds = flat.nodes.map((node) => String(node.id));
    expect(flatIds).toEqual(expect.arrayContaining(['route', 'retriever', 'executor', 'reviewer', 'finish']));
    const xray = await client.assistants.getGraph('supervisor', { xray: true });
    expect(xray.nodes.map((node) => String(node.id))).toEqual(expect.arrayContaining(['executor:plan', 'executor:act', 'retriever:search']));
  });

  it('serves schemas derived from the state definitions, and the subgraphs\' schemas', async () => {
    const schemas = await client.assistants.getSchemas('supervisor');
    const state = schemas.state_schema as { properties: Record<string, unknown> };
    expect(Object.keys(state.properties)).toEqual(expect.arrayContaining(['messages', 'steps', 'hops', 'result']));
    const retriever = await client.assistants.getSchemas('retriever');
    expect(Object.keys((retriever.input_schema as { properties: Record<string, unknown> }).properties)).toEqual(
      expect.arrayContaining(['task', 'acceptanceCriteria', 'context']),
    );
    const subgraphs = await client.assistants.getSubgraphs('supervisor');
    expect(Object.keys(subgraphs).sort()).toEqual(['executor', 'retriever', 'reviewer']);
    const executorOnly = await client.assistants.getSubgraphs('supervisor', { namespace: 'executor' });
    expect(Object.keys(executorOnly)).toEqual(['executor']);
    expect(executorOnly.executor).toEqual(subgraphs.executor);
  });

  it('counts assistants, with and without a filter', async () => {
    expect(await client.assistants.count()).toBe(4);
    expect(await client.assistants.count({ graphId: 'executor' })).toBe(1);
    expect(await client.assistants.count({ graphId: 'no-such-graph' })).toBe(0);
  });

  it('lists the one version of a built-in assistant and refuses to change or delete it', async () => {
    const supervisor = await client.assistants.get('supervisor');
    expect(await client.assistants.getVersions('supervisor')).toEqual([supervisor]);
    expect(await client.assistants.setLatest('supervisor', 1)).toEqual(supervisor);
    await expect(client.assistants.setLatest('supervisor', 2)).rejects.toMatchObject({ status: 404 });
    await expect(client.assistants.getVersions('no-such-assistant')).rejects.toMatchObject({ status: 404 });
    for (const attempt of [
      () => client.assistants.update('supervisor', { name: 'renamed' }),
      () => client.assistants.delete('supervisor'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ status: 405 });
    }
    const response = await fetch(`${server.url}/assistants/supervisor`, { method: 'DELETE' });
    expect(await response.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED', message: expect.stringMatching(/langgraph\.json/) } });
    expect(await client.assistants.count()).toBe(4);
  });

  it('copies a thread with its whole history; the copy and the original then go their own ways', async () => {
    const original = await client.threads.create({ metadata: { customer: 'c-7' } });
    await client.runs.wait(original.thread_id, 'supervisor', { input: ask('How long is the warranty on electronics?') });
    const historyBefore = await client.threads.getHistory(original.thread_id, { limit: 100 });

    const copy = await client.threads.copy(original.thread_id);
    expect(copy.thread_id).not.toBe(original.thread_id);
    expect(copy.metadata).toMatchObject({ customer: 'c-7', graph_id: 'supervisor' });
    const copiedHistory = await client.threads.getHistory(copy.thread_id, { limit: 100 });
    expect(copiedHistory.map((state) => state.checkpoint.checkpoint_id)).toEqual(historyBefore.map((state) => state.checkpoint.checkpoint_id));
    expect(copiedHistory.map((state) => state.values)).toEqual(historyBefore.map((state) => state.values));
    expect(copiedHistory.every((state) => state.checkpoint.thread_id === copy.thread_id)).toBe(true);

    // A run on the copy continues its conversation and leaves the original alone.
    const continued = (await client.runs.wait(copy.thread_id, 'supervisor', { input: ask('Do you ship to Canada?') })) as { messages: Message[] };
    expect(continued.messages.filter((message) => message.type === 'human')).toHaveLength(2);
    const originalState = await client.threads.getState<{ messages: Message[] }>(original.thread_id);
    expect(originalState.values.messages.filter((message) => message.type === 'human')).toHaveLength(1);
    await expect(client.threads.copy('no-such-thread')).rejects.toMatchObject({ status: 404 });
  });

  it('creates a batch of stateless runs, or none when an entry is bad', async () => {
    // The SDK sends batch entries as given, so the API's own field names pass through.
    const keep = { on_completion: 'keep' } as Record<string, unknown>;
    const runs = await client.runs.createBatch([
      { assistantId: 'supervisor', input: ask('How long is the warranty on electronics?'), ...keep },
      { assistantId: 'supervisor', input: ask('Do you ship to Canada?'), ...keep },
    ]);
    expect(runs).toHaveLength(2);
    const answers = await Promise.all(runs.map((run) => client.runs.join(run.thread_id, run.run_id))) as Array<{ messages: Message[] }>;
    expect(answers[0]!.messages.at(-1)!.content).toMatch(/24 months/);
    expect(answers[1]!.messages.at(-1)!.content).toMatch(/Canada/);

    const before = await server.services.repository.countThreads('default', {});
    await expect(
      client.runs.createBatch([
        { assistantId: 'supervisor', input: ask('How long is the warranty on electronics?'), ...keep },
        { assistantId: 'no-such-assistant', input: ask('x'), ...keep },
      ]),
    ).rejects.toMatchObject({ status: 404 });
    expect(await server.services.repository.countThreads('default', {})).toBe(before);
  });

  it('keeps a conversation on a thread: state, history, metadata, search', async () => {
    const thread = await client.threads.create({ metadata: { customer: 'c-42' } });
    const first = (await client.runs.wait(thread.thread_id, 'supervisor', { input: ask('How long is the warranty on electronics?') })) as { messages: Message[] };
    expect(first.messages.at(-1)!.content).toMatch(/24 months/);
    await client.runs.wait(thread.thread_id, 'supervisor', { input: ask('Can I cancel an order before it ships?') });

    const state = await client.threads.getState<{ messages: Message[] }>(thread.thread_id);
    expect(state.values.messages.map((message) => message.type)).toEqual(['human', 'ai', 'human', 'ai']);
    expect(state.next).toEqual([]);
    expect(state.checkpoint.checkpoint_id).toBeTruthy();

    const history = await client.threads.getHistory(thread.thread_id, { limit: 100 });
    expect(history.length).toBeGreaterThan(4);
    expect(history[0]!.checkpoint.checkpoint_id).toBe(state.checkpoint.checkpoint_id);
    const older = await client.threads.getHistory(thread.thread_id, { limit: 2, before: { configurable: { checkpoint_id: history[1]!.checkpoint.checkpoint_id } } as never });
    expect(older[0]!.checkpoint.checkpoint_id).toBe(history[2]!.checkpoint.checkpoint_id);

    const fetched = await client.threads.get(thread.thread_id);
    expect(fetched.status).toBe('idle');
    expect(fetched.metadata).toMatchObject({ customer: 'c-42', graph_id: 'supervisor' });
    await client.threads.update(thread.thread_id, { metadata: { tier: 'gold' } });
    const found = await client.threads.search({ metadata: { customer: 'c-42', tier: 'gold' } });
    expect(found.map((candidate) => candidate.thread_id)).toEqual([thread.thread_id]);

    const runs = await client.runs.list(thread.thread_id);
    expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
  });

  it('streams every stream mode', async () => {
    const expected: Record<string, RegExp> = {
      values: /^values$/,
      updates: /^updates$/,
      'messages-tuple': /^messages$/,
      messages: /^messages\/(partial|complete|metadata)$/,
      custom: /^custom$/,
      debug: /^debug$/,
      tasks: /^tasks$/,
      checkpoints: /^checkpoints$/,
      events: /^events$/,
    };
    for (const [mode, pattern] of Object.entries(expected)) {
      const events: string[] = [];
      // On a thread: checkpoint-based modes (checkpoints, debug) need one.
      const thread = await client.threads.create();
      for await (const part of client.runs.stream(thread.thread_id, 'supervisor', { input: ask('What is the warranty on electronics?'), streamMode: [mode as never] })) {
        events.push(part.event);
      }
      expect(events[0], mode).toBe('metadata');
      if (mode === 'custom') continue; // our graphs write no custom events; the fixture graph test covers them
      expect(events.slice(1).some((event) => pattern.test(event)), `${mode}: ${events.join(',')}`).toBe(true);
    }
  });

  it('names subgraph events by namespace when asked', async () => {
    const events: string[] = [];
    for await (const part of client.runs.stream(null, 'supervisor', { input: ask('What is the warranty on electronics?'), streamMode: ['updates'], streamSubgraphs: true })) {
      events.push(part.event);
    }
    expect(events.some((event) => event.startsWith('updates|retriever:'))).toBe(true);
  });

  it('forks a thread from an earlier checkpoint', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, 'supervisor', { input: ask('How long is the warranty on electronics?') });
    const firstTurnEnd = (await client.threads.getState(thread.thread_id)).checkpoint.checkpoint_id ?? undefined;
    await client.runs.wait(thread.thread_id, 'supervisor', { input: ask('Can I cancel an order before it ships?') });
    // Time travel: continue from the end of the first turn with a different question.
    await client.runs.wait(thread.thread_id, 'supervisor', { input: ask('Do you ship to Canada?'), checkpointId: firstTurnEnd! });
    const state = await client.threads.getState<{ messages: Message[] }>(thread.thread_id);
    const questions = state.values.messages.filter((message) => message.type === 'human').map((message) => message.content);
    expect(questions).toEqual(['How long is the warranty on electronics?', 'Do you ship to Canada?']);
  });

  it('updates state as a node', async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, 'retriever', { input: { task: 'How long is the warranty on electronics?' } });
    // The LangGraph API answers `{ checkpoint: { thread_id, checkpoint_ns, checkpoint_id } }`.
    const update = (await client.threads.updateState(thread.thread_id, { values: { context: 'edited by a human' }, asNode: 'answer' })) as unknown as {
      checkpoint: { checkpoint_id: string };
    };
    expect(update.checkpoint.checkpoint_id).toBeTruthy();
    const state = await client.threads.getState<{ context: string }>(thread.thread_id);
    expect(state.values.context).toBe('edited by a human');
  });

  it('answers an unknown assistant and an unknown thread with 404', async () => {
    await expect(client.runs.wait(null, 'nobody', { input: ask('hi') })).rejects.toThrow(/404/);
    await expect(client.threads.get('00000000-0000-0000-0000-000000000000')).rejects.toThrow(/404/);
    const response = await fetch(`${server.url}/threads/00000000-0000-0000-0000-000000000000/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assistant_id: 'supervisor', input: ask('hi') }),
    });
    expect(response.status).toBe(404);
  });

  it('lets LangGraph Studio\'s origin call it from a browser (CORS)', async () => {
    const preflight = await fetch(`${server.url}/threads/search`, {
      method: 'OPTIONS',
      headers: { origin: 'https://smith.langchain.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://smith.langchain.com');
    const other = await fetch(`${server.url}/ok`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves its OpenAPI document and a docs page', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/threads/{thread_id}/runs/stream', '/assistants/search', '/threads/{thread_id}/history', '/runs/wait']),
    );
    expect((await fetch(`${server.url}/docs`)).headers.get('content-type')).toMatch(/text\/html/);
  });
});

describe('tenants and scopes with API keys', () => {
  let server: TestServer;
  const keys = {
    acme: 'acme-key-0123456789abcdef',
    globex: 'globex-key-0123456789abcdef',
    reader: 'reader-key-0123456789abcdef',
  };
  beforeAll(async () => {
    server = await startTestServer({
      API_KEYS: JSON.stringify([
        { key: keys.acme, tenant: 'acme', scopes: ['*'] },
        { key: keys.globex, tenant: 'globex', scopes: ['*'] },
        { key: keys.reader, tenant: 'acme', scopes: ['threads:read', 'assistants:read'] },
      ]),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses another tenant\'s thread and runs as not found', async () => {
    const acme = new Client({ apiUrl: server.url, apiKey: keys.acme });
    const globex = new Client({ apiUrl: server.url, apiKey: keys.globex });
    const thread = await acme.threads.create({ metadata: { owner: 'acme' } });
    const run = await acme.runs.create(thread.thread_id, 'supervisor', { input: ask('How long is the warranty on electronics?') });
    await acme.runs.join(thread.thread_id, run.run_id);

    await expect(globex.threads.get(thread.thread_id)).rejects.toThrow(/404/);
    await expect(globex.threads.getState(thread.thread_id)).rejects.toThrow(/404/);
    await expect(globex.runs.get(thread.thread_id, run.run_id)).rejects.toThrow(/404/);
    await expect(globex.runs.list(thread.thread_id)).rejects.toThrow(/404/);
    await expect(globex.runs.wait(thread.thread_id, 'supervisor', { input: ask('hi') })).rejects.toThrow(/404/);
    await expect(globex.threads.delete(thread.thread_id)).rejects.toThrow(/404/);
    expect(await globex.threads.search({ metadata: { owner: 'acme' } })).toEqual([]);
    expect((await acme.threads.get(thread.thread_id)).thread_id).toBe(thread.thread_id);
  });

  it('answers a missing or unknown key with 401 and a missing scope with 403', async () => {
    const anonymous = await fetch(`${server.url}/threads/search`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const wrong = await fetch(`${server.url}/threads/search`, { method: 'POST', headers: { 'x-api-key': 'not-a-real-key-at-all' } });
    expect(wrong.status).toBe(401);
    const reader = new Client({ apiUrl: server.url, apiKey: keys.reader });
    expect(Array.isArray(await reader.threads.search())).toBe(true);
    await expect(reader.runs.wait(null, 'supervisor', { input: ask('hi') })).rejects.toThrow(/403/);
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
  });
});
