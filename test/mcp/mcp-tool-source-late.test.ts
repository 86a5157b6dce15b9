import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModels, ScriptedChatModel } from '../../src/agents/index.ts';
import { freePort } from '../support/free-port.ts';
import { startMcpTestServer, type McpTestServer } from '../support/mcp-test-server.ts';
import { executorRuns, type ExecutorValues } from '../support/executor-runs.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * In compose or Kubernetes the MCP server often starts after Overseer. Overseer starts without it,
 * lists it again in the background, and once it lists its tools are offered to the executor under
 * the declared policies (scopes, approval threshold), over the real HTTP API.
 */

type Values = ExecutorValues;

let mcp: McpTestServer | undefined;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  await mcp?.close();
  server = undefined;
  mcp = undefined;
});

function mcpServers(port: number) {
  return JSON.stringify([{
    name: 'crm',
    url: `http://127.0.0.1:${port}/mcp`,
    // Open mode grants every scope the registry declares, this one too once the tools join.
    scopes: ['crm:use'],
    tools: {
      add_note: { risk: 'write' },
      issue_credit: { risk: 'write', approval: { field: 'amountCents', above: 10_000 } },
    },
    undeclared_tools: 'hide',
  }]);
}

const { post, runExecutor } = executorRuns(() => server!.url);

async function ready() {
  const response = await fetch(`${server!.url}/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('an MCP server that comes up after Overseer', () => {
  it('is retried in the background; its tools join, the executor offers them on its next turn, and the approval threshold holds the call', async () => {
    const port = await freePort();
    const executor = new ScriptedChatModel([
      { content: 'Nothing I can do about that yet.' },
      { toolCalls: [
        { id: 'call-note', name: 'crm_add_note', args: { customerId: 7, text: 'Credit requested' } },
        { id: 'call-credit', name: 'crm_issue_credit', args: { customerId: 7, amountCents: 25_000 } },
      ] },
      { content: 'Added a note and issued the credit.' },
    ]);
    server = await startTestServer({ MCP_SERVERS: mcpServers(port) }, { models: { ...createOfflineModels(), executor } });
    // Started with nothing listening there: no tools yet, ready all the same, the server reported as retried.
    expect(server.services.tools.get('crm_issue_credit')).toBeUndefined();
    expect(await ready()).toEqual({ status: 200, body: {
      ready: true,
      checks: { storage: 'ok', redis: 'not configured' },
      mcpServers: [{ name: 'crm', state: 'retrying', attempts: expect.any(Number), tools: 0, lastError: expect.stringContaining('connection refused') }],
    } });
    await runExecutor('Give customer 7 a $250 credit');
    expect(executor.calls[0]!.tools.map((tool) => tool.name)).not.toContain('crm_issue_credit');

    mcp = await startMcpTestServer({ port });
    await expect.poll(() => server!.services.tools.get('crm_issue_credit'), { timeout: 20_000 }).toMatchObject({ risk: 'write', upstream: 'mcp:crm' });
    expect((await ready()).body.mcpServers).toEqual([{ name: 'crm', state: 'listed', attempts: expect.any(Number), tools: 2 }]);

    const { threadId, values } = await runExecutor('Note the request and give customer 7 a $250 credit');
    expect(executor.calls[1]!.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['crm_add_note', 'crm_issue_credit']));
    const approval = values.__interrupt__?.[0]?.value;
    expect(approval).toMatchObject({ tool: 'crm_issue_credit', reason: 'amountCents 25000 is above the approval threshold of 10000 cents.' });
    expect(mcp.calls.map((call) => call.tool)).toEqual(['add_note']);

    const decided = await post(`/approvals/${approval!.approvalId}`, { decision: 'approve' });
    expect(decided.status).toBe(200);
    const runId = (decided.body.run as { run_id: string }).run_id;
    const resumed = (await (await fetch(`${server.url}/threads/${threadId}/runs/${runId}/join`)).json()) as Values;
    expect(mcp.calls.map((call) => call.tool)).toEqual(['add_note', 'issue_credit']);
    expect(resumed.actions?.map((action) => [action.tool, action.status, action.replayed ?? false])).toEqual([
      ['crm_add_note', 'ok', true],
      ['crm_issue_credit', 'ok', false],
    ]);
  });

  it('services.close() stops the retries of a server that never lists: no connection reaches its port afterwards', async () => {
    const port = await freePort();
    server = await startTestServer({ MCP_SERVERS: mcpServers(port) });
    // Something at the port that drops every connection: a server that never lists, whose attempts are counted.
    let connections = 0;
    const dropping = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dropping.listen(port, '127.0.0.1', resolve));
    try {
      // The first retry comes within a second of start-up (1 s backoff, jittered into its upper half).
      await expect.poll(() => connections, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      await server.close();
      server = undefined;
      const seen = connections;
      // The next retry was due within 2 s of the last one.
      await sleep(2_500);
      expect(connections).toBe(seen);
    } finally {
      await new Promise<void>((resolve) => dropping.close(() => resolve()));
    }
  });
});
