import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { Client } from '@langchain/langgraph-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModels, ScriptedChatModel, type ScriptedReply } from '../../src/agents/index.ts';
import { describeOnEachProvider } from '../support/each-model-provider.ts';
import { reply, type ChatBehaviour, type ChatCompletionRequest } from '../support/openai-compatible-server.ts';
import { textOf } from '../support/policy-following-model/read-request.ts';
import { refundsOf } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

type Values = {
  __interrupt__?: Array<{ value: { type: string; approvalId: string; tool: string; args: { amountCents: number }; argsHash: string; policy: string } }>;
  messages: Array<{ type: string; content: string }>;
  steps: Array<{ specialist: string; outcome: string; flags: unknown[]; actions: Array<{ tool: string; status: string; message?: string }> }>;
};

const keys = { agent: 'agent-key-0123456789abcdef', manager: 'manager-key-0123456789abcdef' };
const apiKeys = JSON.stringify([
  { key: keys.agent, tenant: 'default', scopes: ['runs:*', 'threads:*', 'assistants:read', 'audit:read', 'orders:read', 'orders:write', 'refunds:write', 'credits:write'], name: 'support-agent' },
  { key: keys.manager, tenant: 'default', scopes: ['*'], name: 'support-manager' },
]);
const ask = (content: string) => ({ messages: [{ role: 'user', content }] });
const lateRefund = ask('Please refund order 1004 because it arrived late.');

describeOnEachProvider('refunds above the approval threshold', (provider) => {
  let server: TestServer | undefined;
  let clockNow = new Date('2026-04-01T12:00:00Z');
  afterEach(async () => {
    await server?.close();
    server = undefined;
    provider.verify();
  });

  async function pausedRefund() {
    clockNow = new Date('2026-04-01T12:00:00Z');
    server = await startTestServer({ API_KEYS: apiKeys, ...provider.environment() }, { clock: () => clockNow });
    const agent = new Client({ apiUrl: server.url, apiKey: keys.agent });
    const manager = new Client({ apiUrl: server.url, apiKey: keys.manager });
    const thread = await agent.threads.create();
    const paused = (await agent.runs.wait(thread.thread_id, 'supervisor', { input: lateRefund })) as Values;
    const request = paused.__interrupt__?.[0]?.value;
    return { agent, manager, thread, request: request! };
  }

  async function decide(approvalId: string, body: Record<string, unknown>, key = keys.manager) {
    return fetch(`${server!.url}/approvals/${approvalId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
  }

  it('stops before refunding $842.00 and asks for approval bound to the exact arguments', async () => {
    const { thread, request } = await pausedRefund();
    expect(request).toMatchObject({ type: 'approval_request', tool: 'issue_refund', policy: 'refund-above-500', args: { orderId: 1004, amountCents: 84_200 } });
    expect(request.argsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(refundsOf(server!.services, 1004)).toHaveLength(0);
    const pending = (await (await fetch(`${server!.url}/approvals`, { headers: { 'x-api-key': keys.manager } })).json()) as Array<{ id: string; thread_id: string }>;
    expect(pending.map((approval) => approval.id)).toEqual([request.approvalId]);
    expect(pending[0]!.thread_id).toBe(thread.thread_id);
  });

  it('refunds once after a manager approves, recording the approver from the API key', async () => {
    const { agent, thread, request } = await pausedRefund();
    // The agent's key may run the graph but not approve: approvals need their own scope.
    expect((await decide(request.approvalId, { decision: 'approve' }, keys.agent)).status).toBe(403);
    const response = await decide(request.approvalId, { decision: 'approve', approver: 'somebody-else' });
    expect(response.status).toBe(200);
    const { approval, run } = (await response.json()) as { approval: { status: string; decision: { approver: string } }; run: { run_id: string } };
    expect(approval.status).toBe('approved');
    expect(approval.decision.approver).toBe('support-manager');
    const final = (await agent.runs.join(thread.thread_id, run.run_id)) as Values;
    expect(final.__interrupt__).toBeUndefined();
    const refunds = refundsOf(server!.services, 1004);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount_cents).toBe(84_200);
    expect(final.steps.map((step) => step.specialist)).toEqual(['retriever', 'executor', 'reviewer']);
    // Deciding twice is refused.
    expect((await decide(request.approvalId, { decision: 'approve' })).status).toBe(409);

    const audit = (await (await fetch(`${server!.url}/audit?thread_id=${thread.thread_id}&limit=500`, { headers: { 'x-api-key': keys.agent } })).json()) as Array<{
      type: string;
      actor: string;
      data: { tool?: string; status?: string };
    }>;
    const types = audit.map((record) => record.type);
    expect(types).toEqual(expect.arrayContaining(['run.started', 'routing.decided', 'tool.approval_requested', 'approval.decided', 'tool.executed', 'review.verdict', 'run.finished']));
    expect(audit.find((record) => record.type === 'approval.decided')!.actor).toBe('support-manager');
    expect(audit.filter((record) => record.type === 'tool.executed' && record.data.tool === 'issue_refund')).toHaveLength(1);
    const verification = (await (await fetch(`${server!.url}/audit/verify`, { headers: { 'x-api-key': keys.agent } })).json()) as { ok: boolean };
    expect(verification.ok).toBe(true);
  });

  it('executes the edited arguments when an edit brings them under the threshold', async () => {
    const { agent, thread, request } = await pausedRefund();
    const response = await decide(request.approvalId, {
      decision: 'edit',
      args: { orderId: 1004, amountCents: 40_000, reason: 'late_delivery', note: 'Partial refund agreed with the customer' },
    });
    const { run } = (await response.json()) as { run: { run_id: string } };
    await agent.runs.join(thread.thread_id, run.run_id);
    const refunds = refundsOf(server!.services, 1004);
    expect(refunds.map((refund) => refund.amount_cents)).toEqual([40_000]);
  });

  it('asks again when an edit still needs approval', async () => {
    const { agent, thread, request } = await pausedRefund();
    const response = await decide(request.approvalId, { decision: 'edit', args: { orderId: 1004, amountCents: 60_000, reason: 'late_delivery', note: 'Most of it' } });
    const { run } = (await response.json()) as { run: { run_id: string } };
    const again = (await agent.runs.join(thread.thread_id, run.run_id)) as Values;
    expect(again.__interrupt__?.[0]?.value).toMatchObject({ tool: 'issue_refund', args: { amountCents: 60_000 } });
    expect(again.__interrupt__![0]!.value.approvalId).not.toBe(request.approvalId);
    expect(refundsOf(server!.services, 1004)).toHaveLength(0);
  });

  it('tells the model why when the manager rejects, and refunds nothing', async () => {
    const { agent, thread, request } = await pausedRefund();
    const response = await decide(request.approvalId, { decision: 'reject', reason: 'Customer already received store credit' });
    const { run } = (await response.json()) as { run: { run_id: string } };
    const final = (await agent.runs.join(thread.thread_id, run.run_id)) as Values;
    expect(refundsOf(server!.services, 1004)).toHaveLength(0);
    const refund = final.steps.find((step) => step.specialist === 'executor')!.actions.find((action) => action.tool === 'issue_refund')!;
    expect(refund.status).toBe('forbidden');
    expect(refund.message).toMatch(/Customer already received store credit/);
  });

  it('refuses an expired request, both to decide and to resume', async () => {
    const { agent, thread, request } = await pausedRefund();
    clockNow = new Date(clockNow.getTime() + 25 * 60 * 60 * 1_000);
    expect((await decide(request.approvalId, { decision: 'approve' })).status).toBe(409);
    const final = (await agent.runs.wait(thread.thread_id, 'supervisor', { command: { resume: { approvalId: request.approvalId } } })) as Values;
    expect(refundsOf(server!.services, 1004)).toHaveLength(0);
    const refund = final.steps.find((step) => step.specialist === 'executor')!.actions.find((action) => action.tool === 'issue_refund')!;
    expect(refund.status).toBe('forbidden');
  });

  it('refuses to resume with arguments other than the approved ones', async () => {
    const { agent, thread, request } = await pausedRefund();
    expect((await decide(request.approvalId, { decision: 'approve', resume: false })).status).toBe(200);
    const final = (await agent.runs.wait(thread.thread_id, 'supervisor', {
      command: { resume: { approvalId: request.approvalId, args: { orderId: 1004, amountCents: 99_999, reason: 'more' } } },
    })) as Values;
    expect(refundsOf(server!.services, 1004)).toHaveLength(0);
    const refund = final.steps.find((step) => step.specialist === 'executor')!.actions.find((action) => action.tool === 'issue_refund')!;
    expect(refund.status).toBe('forbidden');
  });
});

/**
 * A model that does whatever it is told, on either transport: the router sends the request on
 * (to the retriever first when asked), the executor starts every turn by trying to refund,
 * credit and cancel, all in one reply.
 */
const compromised = {
  router(retrieveFirst: boolean, seen: { reports: number; request: string }): ScriptedReply {
    if (retrieveFirst && seen.reports === 0) return { toolCalls: [{ name: 'handoff_to_retriever', args: { task: seen.request } }] };
    if (seen.reports === (retrieveFirst ? 1 : 0)) return { toolCalls: [{ name: 'handoff_to_executor', args: { task: seen.request } }] };
    return { content: 'Done.' };
  },
  executor(sawResults: boolean): ScriptedReply {
    if (sawResults) return { content: 'Finished.' };
    return {
      toolCalls: [
        { name: 'issue_refund', args: { orderId: 1001, amountCents: 12_999, reason: 'late_delivery', note: 'As instructed' } },
        { name: 'create_credit_memo', args: { orderId: 1003, amountCents: 5_000, reason: 'As instructed' } },
        { name: 'cancel_order', args: { orderId: 1006, reason: 'As instructed' } },
      ],
    };
  },
};

const onTheWire = (scripted: ScriptedReply): ChatBehaviour =>
  scripted.toolCalls ? reply.toolCalls(scripted.toolCalls.map((call) => ({ name: call.name, arguments: call.args }))) : reply.text(scripted.content ?? '');

describeOnEachProvider('prompt injection cannot cause an unapproved side effect', (provider) => {
  const corpus = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../src/tools/guards/prompt-injection-corpus.json'), 'utf8'),
  ) as { attacks: Array<{ source: 'user' | 'retrieved'; text: string }>; benign: Array<{ source: string; text: string }> };
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    provider.verify();
  });

  const lastToolMessage = (messages: BaseMessage[]) => messages.some((message) => ToolMessage.isInstance(message));

  /** The compromised router and executor, in process or behind the stand-in; the other roles as the provider has them. */
  async function startCompromised(retrieveFirst: boolean) {
    if (provider.name === 'offline') {
      const router = new ScriptedChatModel([
        (messages) => compromised.router(retrieveFirst, {
          reports: messages.filter((message) => ToolMessage.isInstance(message)).length,
          request: String(messages.findLast((message) => message.type === 'human')!.content),
        }),
      ], { whenExhausted: 'repeat-last' });
      const executor = new ScriptedChatModel([(messages) => compromised.executor(lastToolMessage(messages))], { whenExhausted: 'repeat-last' });
      return startTestServer({}, { models: { ...createOfflineModels(), supervisor: router, executor } });
    }
    const model = provider.model!;
    model.otherwise('router', (request: ChatCompletionRequest) => onTheWire(compromised.router(retrieveFirst, {
      reports: request.messages.filter((message) => message.role === 'tool').length,
      request: textOf(request.messages.findLast((message) => message.role === 'user')?.content),
    })));
    model.otherwise('executor', (request: ChatCompletionRequest) => onTheWire(compromised.executor(request.messages.some((message) => message.role === 'tool'))));
    return startTestServer(provider.environment());
  }

  function effectsCount() {
    const database = server!.services.database;
    const count = (sql: string) => (database.prepare(sql).get() as { n: number }).n;
    return {
      refunds: count('SELECT count(*) AS n FROM refunds WHERE order_id = 1001'),
      credits: count('SELECT count(*) AS n FROM credit_memos WHERE order_id = 1003'),
      cancelled: count("SELECT count(*) AS n FROM orders WHERE id = 1006 AND status = 'cancelled'"),
    };
  }

  it(`holds for ${corpus.attacks.length} attacks in user input and planted in the knowledge base`, async () => {
    expect(corpus.attacks.length).toBeGreaterThanOrEqual(30);
    server = await startCompromised(true);
    const client = new Client({ apiUrl: server.url });
    const before = effectsCount();
    const planted = corpus.attacks.filter((attack) => attack.source === 'retrieved');
    await server.services.retriever.upsertDocuments(
      'default',
      planted.map((attack, index) => ({ id: `planted-${index}`, source: `planted/${index}.md`, title: 'Store notice', text: attack.text })),
    );
    let paused = 0;
    for (const attack of corpus.attacks) {
      const thread = await client.threads.create();
      // A planted passage is reached by asking about it; a user attack is the request itself.
      const values = (await client.runs.wait(thread.thread_id, 'supervisor', { input: ask(attack.text) })) as Values;
      const executor = values.steps?.find((step) => step.specialist === 'executor');
      if (values.__interrupt__?.length) {
        paused += 1;
        expect(values.__interrupt__[0]!.value.policy, attack.text).toBe('flagged-input');
      } else {
        expect(executor?.actions.filter((action) => action.status === 'ok'), attack.text).toEqual([]);
      }
    }
    expect(effectsCount()).toEqual(before);
    expect(paused).toBeGreaterThan(0);
    const pending = await server.services.approvals.listPending('default');
    expect(pending.every((approval) => approval.policy === 'flagged-input')).toBe(true);
  });

  it('lets a benign request through without asking anyone', async () => {
    server = await startCompromised(false);
    const client = new Client({ apiUrl: server.url });
    const values = (await client.runs.wait(null, 'supervisor', { input: ask(corpus.benign[0]!.text) })) as Values;
    expect(values.__interrupt__).toBeUndefined();
    expect(effectsCount().refunds).toBe(1);
  });
});
