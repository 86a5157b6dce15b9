import path from 'node:path';
import { Client, type ThreadStream } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocketClient from 'ws';
import { refundsOf } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * The thread protocol's WebSocket transport (`GET /threads/{id}/stream/events`, upgraded), with
 * the SDK's own ThreadStream over Node's global WebSocket against a listening server. The SDK
 * sends no headers on its WebSocket, so a caller with a key gives it a factory that does.
 */

const fixtures = path.resolve(import.meta.dirname, '../fixtures/langgraph.json');
const authFixtures = path.resolve(import.meta.dirname, '../fixtures/interop/langgraph.auth.json');
const keys = {
  acme: 'ws-acme-key-0123456789abcdef',
  globex: 'ws-globex-key-0123456789abcdef',
  reader: 'ws-reader-key-0123456789abcdef',
  agent: 'ws-agent-key-0123456789abcdef',
  manager: 'ws-manager-key-0123456789abcdef',
};
const apiKeys = JSON.stringify([
  { key: keys.acme, tenant: 'acme', scopes: ['*'] },
  { key: keys.globex, tenant: 'globex', scopes: ['*'] },
  { key: keys.reader, tenant: 'acme', scopes: ['threads:read', 'runs:read', 'assistants:read'] },
  { key: keys.agent, tenant: 'acme', scopes: ['runs:*', 'threads:*', 'orders:read', 'refunds:write'], name: 'support-agent' },
  { key: keys.manager, tenant: 'acme', scopes: ['runs:*', 'threads:*', 'approvals:*'], name: 'support-manager' },
]);

/** Node's global WebSocket (undici) sends headers given this way; browsers' cannot. */
const withHeaders = (headers: Record<string, string>) => (url: string) => new WebSocket(url, { headers } as unknown as string[]);

/** The SDK's ThreadStream over the WebSocket transport, no headers of the Client's own (the transport refuses them). */
function streamOver(server: TestServer, threadId: string | undefined, options: { assistantId: string; headers?: Record<string, string>; sockets?: WebSocket[]; maxReconnectAttempts?: number }): ThreadStream {
  const client = new Client({ apiUrl: server.url, apiKey: null });
  const open = options.headers ? withHeaders(options.headers) : (url: string) => new WebSocket(url);
  const stream = {
    assistantId: options.assistantId,
    transport: 'websocket' as const,
    reconnectDelayMs: () => 0,
    maxReconnectAttempts: options.maxReconnectAttempts ?? 5,
    webSocketFactory: (url: string) => {
      const socket = open(url);
      options.sockets?.push(socket);
      return socket;
    },
  };
  return threadId ? client.threads.stream(threadId, stream) : client.threads.stream(stream);
}

interface RawReply {
  type: string;
  id: number | null;
  result?: Record<string, unknown>;
  error?: string;
  message?: string;
  meta?: { applied_through_seq: number };
}

/** A bare protocol socket (the `ws` package's client, which shows a refused handshake's status). */
async function rawSocket(url: string, headers: Record<string, string> = {}, origin?: string) {
  const socket = new WebSocketClient(url.replace(/^http/, 'ws'), { headers, ...(origin ? { origin } : {}) });
  const messages: RawReply[] = [];
  const waiting = new Map<number, (reply: RawReply) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as RawReply;
    messages.push(message);
    if (typeof message.id === 'number') waiting.get(message.id)?.(message);
  });
  const opened = await new Promise<{ status: number; headers: Record<string, unknown>; body: string } | undefined>((resolve, reject) => {
    socket.once('open', () => resolve(undefined));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    socket.once('error', (error) => (socket.readyState === WebSocketClient.CLOSED ? undefined : reject(error)));
  });
  let nextId = 1;
  return {
    refused: opened,
    messages,
    send(method: string, params?: Record<string, unknown>): Promise<RawReply> {
      const id = nextId++;
      const reply = new Promise<RawReply>((resolve) => waiting.set(id, resolve));
      socket.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }));
      return reply;
    },
    closed: new Promise<number>((resolve) => socket.once('close', (code) => resolve(code))),
    close: () => socket.close(),
  };
}

describe('client.threads.stream() over the thread protocol\'s WebSocket (open mode)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LANGGRAPH_CONFIG: fixtures });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('starts a run, stops at its interrupt, says so, and resumes with input.respond', async () => {
    const thread = streamOver(server, undefined, { assistantId: 'approval' });
    try {
      const runId = (await thread.run.start({ input: { request: 'refund order 7' } })).run_id as string;
      expect(await thread.output).toEqual({ request: 'refund order 7' });
      expect(thread.interrupted).toBe(true);
      expect(thread.interrupts).toEqual([expect.objectContaining({ payload: { question: 'Approve "refund order 7"?' }, namespace: [] })]);
      const client = new Client({ apiUrl: server.url, apiKey: null });
      expect((await client.runs.get(thread.threadId!, runId)).status).toBe('interrupted');

      await thread.input.respond({ interrupt_id: thread.interrupts[0]!.interruptId, namespace: [], response: 'approved' });
      const [resumed] = await client.runs.list(thread.threadId!, { limit: 1 });
      await client.runs.join(thread.threadId!, resumed!.run_id);
      expect(await thread.state.get({ namespace: [] })).toMatchObject({ values: { request: 'refund order 7', decision: 'approved' } });
    } finally {
      await thread.close();
    }
  });

  it('delivers a subscription\'s events, each once, across a dropped connection the SDK reconnects', async () => {
    const sockets: WebSocket[] = [];
    const thread = streamOver(server, undefined, { assistantId: 'slow', sockets });
    try {
      const custom = await thread.subscribe(['custom']);
      await thread.run.start({ input: { count: 5, delayMs: 40 } });
      const progress: unknown[] = [];
      for await (const event of custom) {
        progress.push((event as { params: { data: { payload: unknown } } }).params.data.payload);
        // The connection drops under the client after the first event; the rest come on the next one.
        if (progress.length === 1) sockets[0]!.close();
      }
      expect(progress).toEqual([1, 2, 3, 4, 5].map((step) => ({ progress: step })));
      expect(await thread.output).toMatchObject({ steps: ['step-1', 'step-2', 'step-3', 'step-4', 'step-5'] });
      expect(sockets.length).toBeGreaterThanOrEqual(2);
    } finally {
      await thread.close();
    }
  });

  it('answers bad frames and unknown subscriptions with protocol errors, and a plain GET with 400', async () => {
    const socket = await rawSocket(`${server.url}/threads/${crypto.randomUUID()}/stream/events`);
    try {
      expect(socket.refused).toBeUndefined();
      expect(await socket.send('subscription.unsubscribe', { subscription_id: 'nope' })).toMatchObject({ type: 'error', error: 'no_such_subscription' });
      expect(await socket.send('subscription.subscribe', { channels: ['nonsense'] })).toMatchObject({ type: 'error', error: 'invalid_argument' });
      expect(await socket.send('state.teleport')).toMatchObject({ type: 'error', error: 'unknown_command' });
      const subscribed = await socket.send('subscription.subscribe', { channels: ['lifecycle'] });
      expect(subscribed).toMatchObject({ type: 'success', result: { subscription_id: expect.any(String) } });
      expect(await socket.send('subscription.unsubscribe', { subscription_id: subscribed.result!.subscription_id })).toMatchObject({ type: 'success' });
    } finally {
      socket.close();
    }
    const plain = await fetch(`${server.url}/threads/${crypto.randomUUID()}/stream/events`);
    expect(plain.status).toBe(400);
  });

  it('refuses an upgrade from a browser page of an origin the CORS policy does not allow', async () => {
    const threadUrl = `${server.url}/threads/${crypto.randomUUID()}/stream/events`;
    expect((await rawSocket(threadUrl, {}, 'https://evil.example')).refused).toMatchObject({ status: 403 });
    const local = await rawSocket(threadUrl, {}, 'http://localhost:5173');
    expect(local.refused).toBeUndefined();
    local.close();
  });
});

describe('the thread protocol\'s WebSocket with API keys', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LANGGRAPH_CONFIG: fixtures, API_KEYS: apiKeys });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses an upgrade without a key (401 and its challenge), and the SDK\'s stream with it', async () => {
    const threadUrl = `${server.url}/threads/${crypto.randomUUID()}/stream/events`;
    const anonymous = await rawSocket(threadUrl);
    expect(anonymous.refused).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer realm="overseer"' } });
    expect((await rawSocket(threadUrl, { 'x-api-key': 'not-a-key-0123456789abcdef' })).refused).toMatchObject({ status: 401 });

    const thread = streamOver(server, undefined, { assistantId: 'approval', maxReconnectAttempts: 0 });
    try {
      await expect(thread.run.start({ input: { request: 'refund order 7' } })).rejects.toThrow();
    } finally {
      await thread.close();
    }
  });

  it('runs with the key the upgrade carried, and keeps another tenant off the thread', async () => {
    const thread = streamOver(server, undefined, { assistantId: 'approval', headers: { 'x-api-key': keys.acme } });
    try {
      await thread.run.start({ input: { request: 'refund order 9' } });
      expect(await thread.output).toEqual({ request: 'refund order 9' });
      const interruptId = thread.interrupts[0]!.interruptId;

      // globex, on the same thread id, reaches its own empty thread: no state, no interrupt, no events.
      const theirs = await rawSocket(`${server.url}/threads/${thread.threadId}/stream/events`, { 'x-api-key': keys.globex });
      try {
        expect(await theirs.send('state.get', { namespace: [] })).toMatchObject({ type: 'error', error: 'invalid_argument', message: expect.stringContaining('not found') });
        expect(await theirs.send('input.respond', { interrupt_id: interruptId, namespace: [], response: 'approved' })).toMatchObject({ type: 'error', error: 'no_such_run' });
        expect(await theirs.send('subscription.subscribe', { channels: ['lifecycle', 'values'], since: 1 })).toMatchObject({ type: 'error', error: 'invalid_argument' });
        expect(await theirs.send('agent.getTree')).toMatchObject({ type: 'success', meta: { applied_through_seq: 0 } });
        expect(theirs.messages.filter((message) => message.type === 'event')).toEqual([]);
      } finally {
        theirs.close();
      }
      // acme's interrupt is still there to answer.
      await thread.input.respond({ interrupt_id: interruptId, namespace: [], response: 'approved' });
      expect(await thread.state.get({ namespace: [] })).toMatchObject({ values: { request: 'refund order 9' } });
    } finally {
      await thread.close();
    }
  });

  it('checks each command\'s scopes: a reader may subscribe but not start a run', async () => {
    const socket = await rawSocket(`${server.url}/threads/${crypto.randomUUID()}/stream/events`, { 'x-api-key': keys.reader });
    try {
      expect(await socket.send('subscription.subscribe', { channels: ['lifecycle'] })).toMatchObject({ type: 'success' });
      const refused = await socket.send('run.start', { assistant_id: 'approval', input: { request: 'x' } });
      expect(refused).toMatchObject({ type: 'error', error: 'permission_denied', message: expect.stringContaining('runs:write') });
    } finally {
      socket.close();
    }
  });

});

describe('approvals over the thread protocol\'s WebSocket (the supervisor, the offline model)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: apiKeys });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('decides an approval with input.respond { decisions } under the deciding key, and refuses a key without approvals:write', async () => {
    const agent = new Client({ apiUrl: server.url, apiKey: keys.agent });
    const created = await agent.threads.create();
    const paused = (await agent.runs.wait(created.thread_id, 'supervisor', { input: { messages: [{ role: 'user', content: 'Refund order 1004 because it arrived late.' }] } })) as {
      __interrupt__?: Array<{ id: string; value: { tool: string; approvalId: string } }>;
    };
    const interrupt = paused.__interrupt__![0]!;
    expect(interrupt.value.tool).toBe('issue_refund');
    const decide = { interrupt_id: interrupt.id, namespace: [], response: { decisions: [{ type: 'approve' }] } };

    const agentView = streamOver(server, created.thread_id, { assistantId: 'supervisor', headers: { 'x-api-key': keys.agent } });
    try {
      await expect(agentView.input.respond(decide)).rejects.toMatchObject({ code: 'permission_denied', message: expect.stringContaining('approvals:write') });
    } finally {
      await agentView.close();
    }
    const managerView = streamOver(server, created.thread_id, { assistantId: 'supervisor', headers: { 'x-api-key': keys.manager } });
    try {
      await managerView.input.respond(decide);
      const [resumed] = await agent.runs.list(created.thread_id, { limit: 1 });
      await agent.runs.join(created.thread_id, resumed!.run_id);
    } finally {
      await managerView.close();
    }
    expect(refundsOf(server.services, 1004)).toHaveLength(1);
    const approval = (await (await fetch(`${server.url}/approvals/${interrupt.value.approvalId}`, { headers: { 'x-api-key': keys.manager } })).json()) as { status: string; decision: { approver: string } };
    expect(approval).toMatchObject({ status: 'approved', decision: { approver: 'support-manager' } });
  });
});

describe('the thread protocol\'s WebSocket with langgraph.json auth.path handlers', () => {
  let server: TestServer;
  const as = (user: string) => ({ authorization: `Bearer token-${user}` });
  beforeAll(async () => {
    server = await startTestServer({ LANGGRAPH_CONFIG: authFixtures });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asks the handlers about each command: the thread a run creates is its owner\'s, and refused to everyone else\'s upgrade', async () => {
    const nobody = await rawSocket(`${server.url}/threads/${crypto.randomUUID()}/stream/events`);
    // The handler throws a bare 401; the challenge is ours.
    expect(nobody.refused).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer realm="overseer"' } });

    const thread = streamOver(server, undefined, { assistantId: 'echo', headers: as('alice') });
    try {
      await thread.run.start({ input: { question: 'over the WebSocket' } });
      await thread.output;
    } finally {
      await thread.close();
    }
    const alice = new Client({ apiUrl: server.url, defaultHeaders: as('alice') });
    expect((await alice.threads.get(thread.threadId!)).metadata).toMatchObject({ owner: 'alice' });
    expect((await rawSocket(`${server.url}/threads/${thread.threadId}/stream/events`, as('bob'))).refused).toMatchObject({ status: 404 });
  });
});
