import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModels, ScriptedChatModel, type ModelsByRole } from '../../src/agents/index.ts';
import { startMcpTestServer, type McpTestServer } from '../support/mcp-test-server.ts';
import { executorRuns, type ExecutorValues } from '../support/executor-runs.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * An operator's MCP server (a real one, the SDK's McpServer on port 0) configured with
 * MCP_SERVERS: its tools are registry tools the executor calls through the same rails,
 * approvals and effect ledger as every other tool, over Overseer's real HTTP API.
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

async function start(models?: ModelsByRole) {
  mcp = await startMcpTestServer();
  const servers = [{
    name: 'crm',
    url: mcp.url,
    tools: {
      lookup_customer: { risk: 'read' },
      add_note: { risk: 'write' },
      issue_credit: { risk: 'write', approval: { field: 'amountCents', above: 10_000 } },
    },
  }];
  server = await startTestServer({ MCP_SERVERS: JSON.stringify(servers) }, models ? { models } : {});
  return server;
}

const { post, runExecutor } = executorRuns(() => server!.url);


describe('MCP server tools in the executor', () => {
  it('the offline executor calls an MCP tool named in the request, and the result comes back as the action’s', async () => {
    await start();
    expect(server!.services.tools.get('crm_add_note')).toMatchObject({ risk: 'write', upstream: 'mcp:crm' });
    const { values } = await runExecutor('crm_add_note {"customerId": 7, "text": "Called about a late parcel"}');
    expect(values.actions).toEqual([expect.objectContaining({ tool: 'crm_add_note', status: 'ok', result: { noteId: 1, summary: 'Note 1 added for customer 7.' } })]);
    expect(mcp!.calls).toEqual([expect.objectContaining({ tool: 'add_note', args: { customerId: 7, text: 'Called about a late parcel' } })]);
  });

  it('a write above its approval threshold is held for a person; on approval it runs once, and the write before it is replayed from the ledger, not repeated', async () => {
    const executor = new ScriptedChatModel([
      { toolCalls: [
        { id: 'call-note', name: 'crm_add_note', args: { customerId: 7, text: 'Credit requested' } },
        { id: 'call-credit', name: 'crm_issue_credit', args: { customerId: 7, amountCents: 25_000 } },
      ] },
      { content: 'Added a note and issued the credit.' },
    ]);
    await start({ ...createOfflineModels(), executor });
    const { threadId, values } = await runExecutor('Note the request and give customer 7 a $250 credit');
    const approval = values.__interrupt__?.[0]?.value;
    expect(approval).toMatchObject({ tool: 'crm_issue_credit', reason: 'amountCents 25000 is above the approval threshold of 10000 cents.' });
    // The note ran before the held call; the credit did not.
    expect(mcp!.calls.map((call) => call.tool)).toEqual(['add_note']);

    const decided = await post(`/approvals/${approval!.approvalId}`, { decision: 'approve' });
    expect(decided.status).toBe(200);
    const runId = (decided.body.run as { run_id: string }).run_id;
    const resumed = (await (await fetch(`${server!.url}/threads/${threadId}/runs/${runId}/join`)).json()) as Values;
    // The resumed node ran both calls again: the note's came from the ledger, the credit reached the server once.
    expect(mcp!.calls.map((call) => call.tool)).toEqual(['add_note', 'issue_credit']);
    expect(resumed.actions?.map((action) => [action.tool, action.status, action.replayed ?? false])).toEqual([
      ['crm_add_note', 'ok', true],
      ['crm_issue_credit', 'ok', false],
    ]);
  });

  it('an MCP server that is down is a clear tool error in the run, which still ends', async () => {
    await start();
    await mcp!.close();
    const { values } = await runExecutor('crm_lookup_customer {"customerId": 7}');
    expect(values.actions).toEqual([expect.objectContaining({
      tool: 'crm_lookup_customer', status: 'failed', message: expect.stringMatching(/^The MCP server "crm" could not be reached \((connection refused|connection closed by the server)\); nothing was run\.$/),
    })]);
  });
});
