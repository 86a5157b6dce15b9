import { Client } from '@langchain/langgraph-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { refundsOf } from '../support/test-services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * LangChain's human-in-the-loop interop, through the official SDK on a listening server: the
 * approval interrupt carries `action_requests` and `review_configs` as agent-chat-ui reads them,
 * and `command.resume` with `{ decisions }` (or Agent Inbox's responses) decides the approval
 * under the caller's name with the rules of POST /approvals/{id}.
 */

const keys = {
  agent: 'hitl-agent-key-0123456789abcdef',
  manager: 'hitl-manager-key-0123456789abcdef',
  operator: 'hitl-operator-key-0123456789abcdef',
};
const apiKeys = JSON.stringify([
  { key: keys.agent, tenant: 'acme', scopes: ['runs:*', 'threads:*', 'orders:read', 'refunds:write'], name: 'support-agent' },
  // A manager in a chat UI: runs and approves, but cannot refund on its own.
  { key: keys.manager, tenant: 'acme', scopes: ['runs:*', 'threads:*', 'approvals:*'], name: 'support-manager' },
  { key: keys.operator, tenant: 'acme', scopes: ['runs:*', 'threads:*'], name: 'night-operator' },
]);
const lateRefund = { messages: [{ role: 'user', content: 'Refund order 1004 because it arrived late.' }] };

interface ApprovalValue {
  type: string;
  approvalId: string;
  tool: string;
  args: Record<string, unknown>;
  argsHash: string;
  policy: string;
  reason: string;
  expiresAt: string;
  action_requests: Array<{ name: string; args: Record<string, unknown>; description: string }>;
  review_configs: Array<{ action_name: string; allowed_decisions: string[]; args_schema?: { properties?: Record<string, unknown> } }>;
}
type Values = {
  __interrupt__?: Array<{ id: string; value: ApprovalValue }>;
  messages: Array<{ type: string; content: string }>;
  steps?: Array<{ specialist: string; actions: Array<{ tool: string; status: string; message?: string }> }>;
};
interface Approval {
  status: string;
  decision: { decision: string; approver: string; reason?: string; args?: unknown } | null;
}

// The SDK's Run type leaves out kwargs; Overseer's runs carry them (actor, on_behalf_of).
const kwargsOf = (run: unknown) => (run as { kwargs: Record<string, unknown> }).kwargs;

describe('LangChain human-in-the-loop interop over the SDK', () => {
  let server: TestServer | undefined;
  let now = new Date('2026-04-01T12:00:00Z');
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function pausedRefund() {
    now = new Date('2026-04-01T12:00:00Z');
    server = await startTestServer({ API_KEYS: apiKeys }, { clock: () => now });
    const agent = new Client({ apiUrl: server.url, apiKey: keys.agent });
    const manager = new Client({ apiUrl: server.url, apiKey: keys.manager });
    const thread = await agent.threads.create();
    const paused = (await agent.runs.wait(thread.thread_id, 'supervisor', { input: lateRefund })) as Values;
    const interrupt = paused.__interrupt__?.[0];
    expect(interrupt?.value.tool).toBe('issue_refund');
    return { agent, manager, threadId: thread.thread_id, interrupt: interrupt! };
  }

  const approval = async (id: string) =>
    (await (await fetch(`${server!.url}/approvals/${id}`, { headers: { 'x-api-key': keys.manager } })).json()) as Approval;
  const refunds = () => refundsOf(server!.services, 1004);
  const lastAnswer = (values: Values) => values.messages.findLast((message) => message.type === 'ai')?.content ?? '';
  const statusOf = async (promise: Promise<unknown>) => promise.then(() => 200, (error: { status?: number }) => error.status);

  it('the interrupt carries action_requests and review_configs beside the approval id, hash, policy and expiry', async () => {
    const { agent, threadId, interrupt } = await pausedRefund();
    const value = interrupt.value;
    expect(value).toMatchObject({
      type: 'approval_request', tool: 'issue_refund', policy: 'refund-above-500', expiresAt: '2026-04-02T12:00:00.000Z',
      action_requests: [{ name: 'issue_refund', args: { orderId: 1004, amountCents: 84_200 }, description: expect.stringContaining('approval threshold') }],
      review_configs: [{ action_name: 'issue_refund', allowed_decisions: ['approve', 'edit', 'reject'] }],
    });
    expect(value.argsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(value.action_requests[0]!.args).toEqual(value.args);
    expect(Object.keys(value.review_configs[0]!.args_schema?.properties ?? {})).toEqual(expect.arrayContaining(['orderId', 'amountCents']));
    // The thread's state shows the same interrupt to a client that reopens it.
    const state = await agent.threads.getState(threadId);
    expect(state.tasks.flatMap((task) => task.interrupts)).toEqual([expect.objectContaining({ id: interrupt.id, value })]);
  });

  it('approve: a manager resumes with { decisions: [approve] } and the refund runs exactly once, with the requester\'s authority', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    const final = (await manager.runs.wait(threadId, 'supervisor', { command: { resume: { decisions: [{ type: 'approve' }] } } })) as Values;
    expect(final.__interrupt__).toBeUndefined();
    expect(refunds().map((refund) => refund.amount_cents)).toEqual([84_200]);
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'approved', decision: { decision: 'approve', approver: 'support-manager' } });
    const [run] = await manager.runs.list(threadId, { limit: 1 });
    expect(kwargsOf(run)).toMatchObject({ actor: 'support-manager', on_behalf_of: 'support-agent' });
    // Resuming again is no second refund: the approval is decided and the thread no longer waits.
    await manager.runs.wait(threadId, 'supervisor', { command: { resume: { decisions: [{ type: 'approve' }] } } }).catch(() => undefined);
    expect(refunds()).toHaveLength(1);
  });

  it('edit: the edited amount is refunded, even typed as text the way agent-chat-ui sends it', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    const edited = { ...interrupt.value.args, amountCents: '40000' };
    await manager.runs.wait(threadId, 'supervisor', {
      command: { resume: { decisions: [{ type: 'edit', edited_action: { name: 'issue_refund', args: edited } }] } },
    });
    expect(refunds().map((refund) => refund.amount_cents)).toEqual([40_000]);
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'edited', decision: { approver: 'support-manager', args: { amountCents: 40_000 } } });
  });

  it('edit: arguments the tool refuses answer 400 naming the field, and the approval stays pending', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    const invalid = manager.runs.wait(threadId, 'supervisor', {
      command: { resume: { decisions: [{ type: 'edit', edited_action: { name: 'issue_refund', args: { ...interrupt.value.args, amountCents: -5 } } }] } },
    });
    await expect(invalid).rejects.toMatchObject({ status: 400, message: expect.stringContaining('args.amountCents') });
    const otherTool = manager.runs.wait(threadId, 'supervisor', {
      command: { resume: { decisions: [{ type: 'edit', edited_action: { name: 'create_credit_memo', args: { orderId: 1004, amountCents: 100, reason: 'x' } } }] } },
    });
    await expect(otherTool).rejects.toMatchObject({ status: 400, message: expect.stringContaining('An edit keeps the tool') });
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'pending' });
    expect(refunds()).toHaveLength(0);
  });

  it('reject: nothing is refunded, and the answer tells the customer why', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    const message = 'The customer already received store credit for this order';
    const final = (await manager.runs.wait(threadId, 'supervisor', { command: { resume: { decisions: [{ type: 'reject', message }] } } })) as Values;
    expect(refunds()).toHaveLength(0);
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'rejected', decision: { approver: 'support-manager', reason: message } });
    const refused = final.steps!.flatMap((step) => step.actions).find((action) => action.tool === 'issue_refund');
    expect(refused).toMatchObject({ status: 'forbidden', message: expect.stringContaining(message) });
    expect(lastAnswer(final)).toContain(message);
  });

  it('a key without approvals:write is refused with 403 and decides nothing', async () => {
    const { agent, threadId, interrupt } = await pausedRefund();
    const status = await statusOf(agent.runs.wait(threadId, 'supervisor', { command: { resume: { decisions: [{ type: 'approve' }] } } }));
    expect(status).toBe(403);
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'pending', decision: null });
    expect(refunds()).toHaveLength(0);
  });

  it('a decision on an expired approval answers 409 and marks it expired', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    now = new Date(now.getTime() + 25 * 60 * 60 * 1_000);
    const late = manager.runs.wait(threadId, 'supervisor', { command: { resume: { decisions: [{ type: 'approve' }] } } });
    await expect(late).rejects.toMatchObject({ status: 409, message: expect.stringContaining('expired') });
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'expired' });
    expect(refunds()).toHaveLength(0);
  });

  it('a plain new message supersedes the approval instead of stranding it', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    const answer = (await manager.runs.wait(threadId, 'supervisor', {
      input: { messages: [{ role: 'user', content: 'Yes, approve it.' }] },
    })) as Values;
    expect(answer.__interrupt__ ?? []).toEqual([]);
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'superseded' });
    const pending = (await (await fetch(`${server!.url}/approvals`, { headers: { 'x-api-key': keys.manager } })).json()) as unknown[];
    expect(pending).toEqual([]);
    expect(refunds()).toHaveLength(0);
  });

  it('Agent Inbox responses decide too: accept approves', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    await manager.runs.wait(threadId, 'supervisor', { command: { resume: [{ type: 'accept', args: null }] } });
    expect(refunds()).toHaveLength(1);
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'approved', decision: { approver: 'support-manager' } });
  });

  it('Agent Inbox responses decide too: a text response rejects with it', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    await manager.runs.wait(threadId, 'supervisor', { command: { resume: [{ type: 'response', args: 'Call the customer first' }] } });
    expect(refunds()).toHaveLength(0);
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'rejected', decision: { reason: 'Call the customer first' } });
  });

  it('the thread protocol\'s input.respond with { decisions } decides the approval the same way', async () => {
    const { manager, threadId, interrupt } = await pausedRefund();
    const agentView = new Client({ apiUrl: server!.url, apiKey: keys.agent }).threads.stream(threadId, { assistantId: 'supervisor' });
    try {
      // Without approvals:write the decision is refused and nothing is recorded.
      await expect(agentView.input.respond({ interrupt_id: interrupt.id, namespace: [], response: { decisions: [{ type: 'approve' }] } })).rejects.toMatchObject({ status: 403, message: expect.stringContaining('approvals:write') });
      expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'pending' });
    } finally {
      await agentView.close();
    }
    const thread = manager.threads.stream(threadId, { assistantId: 'supervisor' });
    try {
      await thread.input.respond({ interrupt_id: interrupt.id, namespace: [], response: { decisions: [{ type: 'approve' }] } });
      const [resumed] = await manager.runs.list(threadId, { limit: 1 });
      await manager.runs.join(threadId, resumed!.run_id);
      expect(kwargsOf(resumed)).toMatchObject({ actor: 'support-manager', on_behalf_of: 'support-agent' });
    } finally {
      await thread.close();
    }
    expect(refunds()).toHaveLength(1);
    expect(await approval(interrupt.value.approvalId)).toMatchObject({ status: 'approved', decision: { approver: 'support-manager' } });
  });

  it('a plain resume after POST /approvals (resume: false) runs with the requester\'s scopes, not the resumer\'s', async () => {
    const { threadId, interrupt } = await pausedRefund();
    const decided = await fetch(`${server!.url}/approvals/${interrupt.value.approvalId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keys.manager },
      body: JSON.stringify({ decision: 'approve', resume: false }),
    });
    expect(decided.status).toBe(200);
    // The operator may run the graph but holds no refunds:write.
    const operator = new Client({ apiUrl: server!.url, apiKey: keys.operator });
    const final = (await operator.runs.wait(threadId, 'supervisor', { command: { resume: { approvalId: interrupt.value.approvalId } } })) as Values;
    expect(final.steps!.flatMap((step) => step.actions).find((action) => action.tool === 'issue_refund')).toMatchObject({ status: 'ok' });
    expect(refunds()).toHaveLength(1);
    const [run] = await operator.runs.list(threadId, { limit: 1 });
    expect(kwargsOf(run)).toMatchObject({ actor: 'night-operator', on_behalf_of: 'support-agent' });
  });
});
