import path from 'node:path';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSse, type SseEvent } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { useSdkServer } from '../support/use-sdk-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');
const keys = { acme: 'acme-key-0123456789abcdef', globex: 'globex-key-0123456789abcdef', reader: 'reader-key-0123456789abcdef' };

/** The first `count` events of a protocol SSE stream opened with `fetch`, then the connection closed. */
async function firstEvents(url: string, init: RequestInit, count: number): Promise<SseEvent[]> {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal });
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status, body: await response.text() });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (parseSse(text).length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    controller.abort();
  }
  return parseSse(text).slice(0, count);
}

describe('client.threads.stream() over the thread protocol (SSE)', () => {
  let server: TestServer;
  let client: Client;
  useSdkServer({ LANGGRAPH_CONFIG: fixtures }, (started) => ({ server, client } = started));

  it('stops at an interrupt, says so, and resumes with input.respond', async () => {
    const thread = client.threads.stream({ assistantId: 'approval' });
    try {
      const threadId = thread.threadId!;
      const runId = (await thread.run.start({ input: { request: 'refund order 7' } })).run_id as string;
      expect(await thread.output).toEqual({ request: 'refund order 7' });
      expect(thread.interrupted).toBe(true);
      expect(thread.interrupts).toEqual([expect.objectContaining({ payload: { question: 'Approve "refund order 7"?' }, namespace: [] })]);
      expect((await client.runs.get(threadId, runId)).status).toBe('interrupted');

      await thread.input.respond({ interrupt_id: thread.interrupts[0]!.interruptId, namespace: [], response: 'approved' });
      const [resumed] = await client.runs.list(threadId, { limit: 1 });
      await client.runs.join(threadId, resumed!.run_id);
      expect(await thread.state.get({ namespace: [] })).toMatchObject({ values: { request: 'refund order 7', decision: 'approved' }, checkpoint: { id: expect.any(String) } });
    } finally {
      await thread.close();
    }
  });

  it('delivers custom events to a subscription opened before the run starts', async () => {
    const thread = client.threads.stream({ assistantId: 'slow' });
    try {
      const custom = await thread.subscribe(['custom']);
      await thread.run.start({ input: { count: 3, delayMs: 5 } });
      expect(await thread.output).toMatchObject({ steps: ['step-1', 'step-2', 'step-3'] });
      const progress: unknown[] = [];
      for await (const event of custom) progress.push((event as { params: { data: { payload: unknown } } }).params.data.payload);
      expect(progress).toEqual([{ progress: 1 }, { progress: 2 }, { progress: 3 }]);
    } finally {
      await thread.close();
    }
  });

  it('numbers events across the thread\'s runs and replays only those after since or Last-Event-ID', async () => {
    const thread = client.threads.stream({ assistantId: 'slow' });
    try {
      await thread.run.start({ input: { count: 2, delayMs: 1 } });
      await thread.output;
      const eventsUrl = `${server.url}/threads/${thread.threadId}/stream/events`;
      const post = (body: unknown, headers: Record<string, string> = {}) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      const all = await firstEvents(eventsUrl, post({ channels: ['lifecycle', 'custom'] }), 4);
      expect(all.map((event) => event.event)).toEqual(['lifecycle', 'custom', 'custom', 'lifecycle']);
      const seqs = all.map((event) => (event.data as { seq: number }).seq);
      expect(all.map((event) => event.id)).toEqual(seqs.map(String));
      expect(seqs).toEqual([...seqs].sort((left, right) => left - right));

      const afterFirst = await firstEvents(eventsUrl, post({ channels: ['lifecycle', 'custom'], since: seqs[1] }), 2);
      expect(afterFirst.map((event) => event.id)).toEqual([String(seqs[2]), String(seqs[3])]);
      const resumed = await firstEvents(eventsUrl, post({ channels: ['lifecycle', 'custom'] }, { 'last-event-id': String(seqs[2]) }), 1);
      expect(resumed.map((event) => event.id)).toEqual([String(seqs[3])]);

      // A second run continues the thread's numbering.
      await thread.run.start({ input: { count: 1, delayMs: 1 } });
      const next = await firstEvents(eventsUrl, post({ channels: ['lifecycle'], since: seqs[3] }), 2);
      expect(next.map((event) => (event.data as { params: { data: { event: string } } }).params.data.event)).toEqual(['running', 'completed']);
      expect(Number(next[0]!.id)).toBeGreaterThan(seqs[3]!);
    } finally {
      await thread.close();
    }
  });

  it('answers EVENTS_EXPIRED for a since beyond what the thread has sent, so the client reads the state instead', async () => {
    const thread = await client.threads.create();
    const response = await fetch(`${server.url}/threads/${thread.thread_id}/stream/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channels: ['values'], since: 500 }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('EVENTS_EXPIRED');
  });

  it('answers protocol errors for unknown commands, a missing interrupt and a second assistant', async () => {
    const thread = client.threads.stream({ assistantId: 'slow' });
    try {
      await expect(thread.input.respond({ interrupt_id: 'nope', namespace: [], response: 1 })).rejects.toMatchObject({ code: 'no_such_run' });
      await thread.run.start({ input: { count: 1, delayMs: 1 } });
      await thread.output;
      const send = async (command: unknown) =>
        (await fetch(`${server.url}/threads/${thread.threadId}/commands`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(command) })).json();
      expect(await send({ id: 7, method: 'state.teleport' })).toMatchObject({ type: 'error', id: 7, error: 'unknown_command' });
      expect(await send({ id: 8, method: 'run.start', params: { assistant_id: 'approval', input: {} } })).toMatchObject({ type: 'error', id: 8, error: 'invalid_argument' });
      const badBody = await fetch(`${server.url}/threads/${thread.threadId}/commands`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'run.start' }) });
      expect(badBody.status).toBe(400);
    } finally {
      await thread.close();
    }
  });
});

describe('the thread protocol with the supervisor and the offline model', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      API_KEYS: JSON.stringify([
        { key: keys.acme, tenant: 'acme', scopes: ['*'] },
        { key: keys.globex, tenant: 'globex', scopes: ['*'] },
        { key: keys.reader, tenant: 'acme', scopes: ['threads:read', 'runs:read', 'assistants:read'] },
      ]),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('streams the answer as messages, ends with its values and shows the agents in the tree', async () => {
    const client = new Client({ apiUrl: server.url, apiKey: keys.acme });
    const thread = client.threads.stream({ assistantId: 'supervisor' });
    try {
      await thread.run.start({ input: { messages: [{ role: 'user', content: 'How long is the warranty on electronics?' }] } });
      const texts: string[] = [];
      const reading = (async () => {
        for await (const message of thread.messages) texts.push(await message.text);
      })();
      const output = (await thread.output) as { messages: Array<{ content: unknown; getType(): string }> };
      await reading;
      const answer = output.messages.at(-1)!;
      expect(answer.getType()).toBe('ai');
      expect(String(answer.content)).toMatch(/24 months/);
      expect(texts.some((text) => /24 months/.test(text))).toBe(true);
      const { tree } = (await thread.agent.getTree()) as { tree: { status: string; graph_name: string; children?: Array<{ graph_name: string }> } };
      expect(tree).toMatchObject({ status: 'completed', graph_name: 'supervisor' });
      expect(tree.children?.map((child) => child.graph_name)).toEqual(expect.arrayContaining(['retriever', 'reviewer']));
    } finally {
      await thread.close();
    }
  });

  it('keeps a thread\'s commands and events to its tenant, and run.start to callers with runs:write', async () => {
    const acme = new Client({ apiUrl: server.url, apiKey: keys.acme });
    const thread = acme.threads.stream({ assistantId: 'supervisor' });
    try {
      await thread.run.start({ input: { messages: [{ role: 'user', content: 'How long is the warranty on electronics?' }] } });
      await thread.output;
      const as = (key: string) => ({ 'content-type': 'application/json', 'x-api-key': key });
      const stateOf = (key: string) =>
        fetch(`${server.url}/threads/${thread.threadId}/commands`, { method: 'POST', headers: as(key), body: JSON.stringify({ id: 1, method: 'state.get', params: { namespace: [] } }) });
      expect((await stateOf(keys.globex)).status).toBe(404);
      expect((await stateOf(keys.reader)).status).toBe(200);
      // Another tenant's stream on the same id sees nothing of acme's thread: no events, no 404 to probe with.
      const theirs = await fetch(`${server.url}/threads/${thread.threadId}/stream/events`, { method: 'POST', headers: as(keys.globex), body: JSON.stringify({ channels: ['values', 'lifecycle'], since: 1 }) });
      expect(theirs.status).toBe(409);
      const start = await fetch(`${server.url}/threads/${thread.threadId}/commands`, {
        method: 'POST',
        headers: as(keys.reader),
        body: JSON.stringify({ id: 2, method: 'run.start', params: { assistant_id: 'supervisor', input: { messages: [{ role: 'user', content: 'hi' }] } } }),
      });
      expect(start.status).toBe(403);
    } finally {
      await thread.close();
    }
  });
});
