import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refundsOf } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * /mcp with the official MCP client (Streamable HTTP) against a real listening server: each
 * assistant of the caller's tenant is a tool, a call is a run through the run manager, and the
 * API's keys, tenants and scopes apply.
 */

const keys = {
  acme: 'mcp-acme-key-0123456789abcdef',
  acmeManager: 'mcp-acme-manager-0123456789abcdef',
  acmeStateless: 'mcp-acme-stateless-0123456789abcdef',
  acmeReader: 'mcp-acme-reader-0123456789abcdef',
  globex: 'mcp-globex-key-0123456789abcdef',
};
const apiKeys = JSON.stringify([
  { key: keys.acme, tenant: 'acme', scopes: ['assistants:*', 'runs:*', 'threads:*', 'orders:read', 'refunds:write'], name: 'acme-agent' },
  { key: keys.acmeManager, tenant: 'acme', scopes: ['approvals:*', 'threads:read'], name: 'acme-manager' },
  // May run, but not create threads: its runs are stateless.
  { key: keys.acmeStateless, tenant: 'acme', scopes: ['assistants:read', 'runs:write', 'orders:read', 'refunds:write'], name: 'acme-stateless' },
  { key: keys.acmeReader, tenant: 'acme', scopes: ['assistants:read'], name: 'acme-reader' },
  { key: keys.globex, tenant: 'globex', scopes: ['assistants:*', 'runs:*', 'threads:*'], name: 'globex-agent' },
]);

const jwtSecret = 'mcp-test-jwt-secret-0123456789abcdef';
const jwtOf = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' })
  .setIssuer('https://idp.example').setAudience('overseer').setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(jwtSecret));

let server: TestServer;
const clients: Client[] = [];

async function connect(apiKey?: string, headers: Record<string, string> = apiKey === undefined ? {} : { 'x-api-key': apiKey }): Promise<Client> {
  const client = new Client({ name: 'overseer-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function createAssistant(apiKey: string, body: Record<string, unknown>) {
  const response = await fetch(`${server.url}/assistants`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { assistant_id: string };
}

const textOf = (result: CallToolResult) => result.content.map((item) => (item.type === 'text' ? item.text : '')).join('');

beforeAll(async () => {
  server = await startTestServer({ API_KEYS: apiKeys, JWT_SECRET: jwtSecret, JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'overseer' });
  await createAssistant(keys.acme, { graph_id: 'supervisor', name: 'Acme support desk', description: 'Answers Acme customers' });
  await createAssistant(keys.globex, { graph_id: 'supervisor', name: 'Globex helper' });
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await server?.close();
});

describe('/mcp: assistants as MCP tools', () => {
  it('lists the built-in assistants and the tenant’s own, with the graph’s input as the schema', async () => {
    const client = await connect(keys.acme);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['supervisor', 'retriever', 'executor', 'reviewer', 'Acme_support_desk']);
    const supervisor = tools.find((tool) => tool.name === 'supervisor')!;
    expect(supervisor.inputSchema).toMatchObject({ type: 'object', required: ['request'], properties: { request: { type: 'string' }, thread_id: { type: 'string' } } });
    // The executor needs its handoff's task: it is called with the graph's own input fields.
    const executor = tools.find((tool) => tool.name === 'executor')!;
    expect(Object.keys(executor.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['task', 'messages', 'thread_id']));
    expect(executor.inputSchema.properties).not.toHaveProperty('request');
    expect(tools.find((tool) => tool.name === 'Acme_support_desk')).toMatchObject({ title: 'Acme support desk', description: 'Answers Acme customers' });
  });

  it('a second tenant’s key sees only its own assistants, and cannot call the first tenant’s', async () => {
    const client = await connect(keys.globex);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('Globex_helper');
    expect(names).not.toContain('Acme_support_desk');
    await expect(client.callTool({ name: 'Acme_support_desk', arguments: { request: 'What is the refund window?' } })).rejects.toThrow(/no tool named "Acme_support_desk"/);
  });

  it('a bearer JWT works as a key does: its tenant’s assistants, its scopes', async () => {
    const token = await jwtOf({ tenant: 'globex', scope: 'assistants:read', sub: 'dana' });
    const client = await connect(undefined, { authorization: `Bearer ${token}` });
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('Globex_helper');
    expect(names).not.toContain('Acme_support_desk');
    await expect(client.callTool({ name: 'Globex_helper', arguments: { request: 'hi' } })).rejects.toThrow(/This token lacks the "runs:write" scope/);
  });

  it('calls an assistant and returns its answer, run on a new thread of the caller’s tenant', async () => {
    const client = await connect(keys.acme);
    const result = (await client.callTool({ name: 'Acme_support_desk', arguments: { request: 'How many days do I have to return an item for a refund?' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const outcome = result.structuredContent as { status: string; run_id: string; thread_id: string; answer: string };
    expect(outcome.status).toBe('success');
    expect(outcome.answer).toMatch(/30 days/);
    expect(textOf(result)).toBe(outcome.answer);
    // The run is an ordinary run of the tenant: the API shows it on its thread, and the other tenant cannot.
    const run = await fetch(`${server.url}/threads/${outcome.thread_id}/runs/${outcome.run_id}`, { headers: { 'x-api-key': keys.acme } });
    expect(await run.json()).toMatchObject({ status: 'success', metadata: { source: 'mcp', mcp_tool: 'Acme_support_desk' } });
    expect((await fetch(`${server.url}/threads/${outcome.thread_id}`, { headers: { 'x-api-key': keys.globex } })).status).toBe(404);
  });

  it('without threads:write the run is stateless, and a call needing approval is a clear tool error', async () => {
    // Before the approved refund below: order 1004 is still refundable here.
    const client = await connect(keys.acmeStateless);
    const result = (await client.callTool({ name: 'supervisor', arguments: { request: 'Refund order 1004 because it arrived late.' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^UNPROCESSABLE: .*needs a person's approval.*needs a thread/);
  });

  it('a new request on a thread paused at an approval supersedes it, as new input on the runs API does', async () => {
    const client = await connect(keys.acme);
    const paused = (await client.callTool({ name: 'supervisor', arguments: { request: 'Refund order 1004 because it arrived late.' } })) as CallToolResult;
    const { thread_id: threadId, approvals } = paused.structuredContent as { thread_id: string; approvals: Array<{ approval_id: string }> };
    const next = (await client.callTool({ name: 'supervisor', arguments: { request: 'How many days do I have to return an item?', thread_id: threadId } })) as CallToolResult;
    expect(next.structuredContent).toMatchObject({ status: 'success', thread_id: threadId });
    const approval = await fetch(`${server.url}/approvals/${approvals[0]!.approval_id}`, { headers: { 'x-api-key': keys.acmeManager } });
    expect(await approval.json()).toMatchObject({ status: 'superseded' });
    expect(refundsOf(server.services, 1004)).toHaveLength(0);
  });

  it('a call that needs approval returns that it waits for approval, with the approval id; approving resumes it', async () => {
    const client = await connect(keys.acme);
    const result = (await client.callTool({ name: 'supervisor', arguments: { request: 'Refund order 1004 because it arrived late.' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const outcome = result.structuredContent as { status: string; thread_id: string; approvals: Array<{ approval_id: string; tool: string }> };
    expect(outcome.status).toBe('interrupted');
    expect(outcome.approvals).toEqual([expect.objectContaining({ approval_id: expect.any(String), tool: 'issue_refund' })]);
    const approvalId = outcome.approvals[0]!.approval_id;
    expect(textOf(result)).toContain(`Waiting for approval: ${approvalId}`);
    expect(refundsOf(server.services, 1004)).toHaveLength(0);
    const decided = await fetch(`${server.url}/approvals/${approvalId}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys.acmeManager }, body: JSON.stringify({ decision: 'approve' }),
    });
    expect(decided.status).toBe(200);
    const { run } = (await decided.json()) as { run: { run_id: string } };
    await fetch(`${server.url}/threads/${outcome.thread_id}/runs/${run.run_id}/join`, { headers: { 'x-api-key': keys.acme } });
    expect(refundsOf(server.services, 1004)).toHaveLength(1);
  });

  it('refuses a call without runs:write, and bad arguments, as the API would', async () => {
    const reader = await connect(keys.acmeReader);
    expect((await reader.listTools()).tools.length).toBeGreaterThan(0);
    await expect(reader.callTool({ name: 'supervisor', arguments: { request: 'hi' } })).rejects.toThrow(/lacks the "runs:write" scope/);
    const client = await connect(keys.acme);
    const bad = (await client.callTool({ name: 'supervisor', arguments: { request: '' } })) as CallToolResult;
    expect(bad).toMatchObject({ isError: true });
    expect(textOf(bad)).toMatch(/^VALIDATION_FAILED/);
  });

  it('refuses an unauthenticated client before any MCP exchange', async () => {
    await expect(connect()).rejects.toThrow(/UNAUTHORIZED.*A bearer token or an API key .* is required/);
    await expect(connect('not-a-key-0123456789abcdef')).rejects.toThrow(/UNAUTHORIZED.*Unknown API key/);
    const response = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('answers GET and DELETE with 405: the endpoint is stateless', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${server.url}/mcp`, { method, headers: { 'x-api-key': keys.acme, accept: 'text/event-stream' } });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
  });
});
