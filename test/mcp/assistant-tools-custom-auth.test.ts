import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * /mcp under langgraph.json's `auth.path` handlers (the interop fixture: each user owns the
 * threads and assistants it creates): the handlers narrow what an MCP client lists and runs,
 * as they narrow /assistants/search and thread runs.
 */

const fixtures = path.resolve(import.meta.dirname, '../fixtures/interop/langgraph.auth.json');
let server: TestServer;
const clients: Client[] = [];

async function connect(user: string): Promise<Client> {
  const client = new Client({ name: 'overseer-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer token-${user}` } } }));
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startTestServer({ LANGGRAPH_CONFIG: fixtures });
  const created = await fetch(`${server.url}/assistants`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer token-alice' },
    body: JSON.stringify({ graph_id: 'echo', name: 'Alice echo', config: { configurable: { tone: 'warm' } } }),
  });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await server?.close();
});

describe('/mcp under langgraph.json authorization handlers', () => {
  it('lists only the assistants the handlers let the user see', async () => {
    expect((await (await connect('alice')).listTools()).tools.map((tool) => tool.name)).toEqual(['Alice_echo']);
    expect((await (await connect('bob')).listTools()).tools.map((tool) => tool.name)).toEqual([]);
  });

  it('runs a call on a thread stamped as the handlers stamp it, which another user cannot reach', async () => {
    const alice = await connect('alice');
    const result = (await alice.callTool({ name: 'Alice_echo', arguments: { question: 'hi' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const outcome = result.structuredContent as { status: string; thread_id: string; values: { seen: { configurable: { tone: string } } } };
    expect(outcome).toMatchObject({ status: 'success', values: { question: 'hi', seen: { configurable: { tone: 'warm' } } } });
    const thread = await fetch(`${server.url}/threads/${outcome.thread_id}`, { headers: { authorization: 'Bearer token-alice' } });
    expect(((await thread.json()) as { metadata: Record<string, unknown> }).metadata).toMatchObject({ owner: 'alice', created_through: 'auth handler' });
    expect((await fetch(`${server.url}/threads/${outcome.thread_id}`, { headers: { authorization: 'Bearer token-bob' } })).status).toBe(404);

    // Bob cannot call Alice's assistant, nor continue Alice's thread through his own.
    const bob = await connect('bob');
    await expect(bob.callTool({ name: 'Alice_echo', arguments: { question: 'mine now' } })).rejects.toThrow(/no tool named "Alice_echo"/);
    await fetch(`${server.url}/assistants`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer token-bob' }, body: JSON.stringify({ graph_id: 'echo', name: 'Bob echo' }),
    });
    const intruding = (await bob.callTool({ name: 'Bob_echo', arguments: { question: 'x', thread_id: outcome.thread_id } })) as CallToolResult;
    expect(intruding).toMatchObject({ isError: true, content: [{ type: 'text', text: `NOT_FOUND: Thread ${outcome.thread_id} not found` }] });
  });
});
