import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModels, ScriptedChatModel } from '../../src/agents/index.ts';
import type { ServiceOverrides } from '../../src/services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/*
 * The approval lifecycle over HTTP on a real listening server: who a resumed run acts for, and
 * every way a decision can come too late. A decision that cannot take effect answers 409 with
 * the reason; none answers 200 and leaves nothing done.
 */

const keys = {
  requester: 'requester-key-0123456789abcdef',
  approver: 'approver-key-0123456789abcdef',
  admin: 'acme-admin-key-0123456789abcdef',
  narrowRequester: 'narrow-requester-0123456789abcdef',
  globex: 'globex-admin-key-0123456789abcdef',
};
const apiKeys = JSON.stringify([
  { key: keys.requester, tenant: 'acme', scopes: ['runs:write', 'runs:read', 'threads:*', 'refunds:write', 'orders:read'], name: 'support-agent' },
  { key: keys.approver, tenant: 'acme', scopes: ['approvals:read', 'approvals:write'], name: 'support-manager' },
  { key: keys.admin, tenant: 'acme', scopes: ['*'], name: 'acme-admin' },
  { key: keys.narrowRequester, tenant: 'acme', scopes: ['runs:write', 'runs:read', 'threads:*', 'orders:read'], name: 'read-only-agent' },
  { key: keys.globex, tenant: 'globex', scopes: ['*'], name: 'globex-admin' },
]);
const lateRefund = { messages: [{ role: 'user', content: 'Please refund order 1004 because it arrived late.' }] };

interface Approval {
  id: string;
  thread_id: string;
  status: string;
  requested_by: string | null;
  closed: { reason: string; at: string } | null;
  decision: { approver: string } | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface Values {
  __interrupt__?: Array<{ value: { approvalId: string; tool: string } }>;
  steps?: Array<{ specialist: string; actions: Array<{ tool: string; status: string; message?: string }> }>;
}
interface AuditRecord {
  type: string;
  actor: string;
  runId?: string;
  data: Record<string, unknown>;
}

describe('approval lifecycle on a listening server', () => {
  let server: TestServer | undefined;
  let now = new Date('2026-04-01T12:00:00Z');
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(overrides: ServiceOverrides = {}) {
    now = new Date('2026-04-01T12:00:00Z');
    server = await startTestServer({ API_KEYS: apiKeys }, { clock: () => now, ...overrides });
    return server;
  }

  async function call(method: string, route: string, key: string, body?: unknown) {
    const response = await fetch(`${server!.url}${route}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as unknown };
  }

  const refundCount = () => (server!.services.database.prepare('SELECT count(*) AS n FROM refunds WHERE order_id = 1004').get() as { n: number }).n;
  const approval = async (id: string) => (await call('GET', `/approvals/${id}`, keys.approver)).body as Approval;
  const pending = async () => (await call('GET', '/approvals', keys.approver)).body as Approval[];
  const audit = async (threadId: string) => (await call('GET', `/audit?thread_id=${threadId}&limit=500`, keys.admin)).body as AuditRecord[];

  /** The requester asks for a refund above the threshold; the run pauses at an approval. */
  async function pausedRefund(key = keys.requester) {
    const thread = (await call('POST', '/threads', key, {})).body as { thread_id: string };
    const paused = await call('POST', `/threads/${thread.thread_id}/runs/wait`, key, { assistant_id: 'supervisor', input: lateRefund });
    expect(paused.status).toBe(200);
    const request = (paused.body as Values).__interrupt__?.[0]?.value;
    expect(request?.tool).toBe('issue_refund');
    return { threadId: thread.thread_id, approvalId: request!.approvalId };
  }

  const decide = (approvalId: string, body: Record<string, unknown> = { decision: 'approve' }, key = keys.approver) =>
    call('POST', `/approvals/${approvalId}`, key, body);

  describe('a decision resumes the run with the authority of the run that asked', () => {
    it('an approvals-only key approves, and the refund runs once with the requester\'s scopes; the audit names the approver', async () => {
      await start();
      const { threadId, approvalId } = await pausedRefund();
      expect(await approval(approvalId)).toMatchObject({ status: 'pending', requested_by: 'support-agent' });
      // The approver may decide but not run anything itself.
      expect((await call('POST', `/threads/${threadId}/runs`, keys.approver, { assistant_id: 'supervisor', input: lateRefund })).status).toBe(403);

      const decided = await decide(approvalId);
      expect(decided.status).toBe(200);
      const { run } = decided.body as { run: { run_id: string; kwargs: { actor: string; on_behalf_of: string } } };
      expect(run.kwargs).toMatchObject({ actor: 'support-manager', on_behalf_of: 'support-agent' });
      const final = await call('GET', `/threads/${threadId}/runs/${run.run_id}/join`, keys.requester);
      expect(final.status).toBe(200);
      expect(refundCount()).toBe(1);
      expect((await call('GET', `/threads/${threadId}/runs/${run.run_id}`, keys.requester)).body).toMatchObject({ status: 'success' });
      const refund = (final.body as Values).steps!.flatMap((step) => step.actions).find((action) => action.tool === 'issue_refund');
      expect(refund?.status).toBe('ok');

      const records = await audit(threadId);
      expect(records.find((record) => record.type === 'approval.decided')).toMatchObject({
        actor: 'support-manager', data: { approvalId, decision: 'approve', requestedBy: 'support-agent' },
      });
      expect(records.find((record) => record.type === 'run.started' && record.runId === run.run_id)).toMatchObject({
        actor: 'support-manager', data: { resumed: true, onBehalfOf: 'support-agent' },
      });
      expect(records.filter((record) => record.type === 'tool.executed' && record.data.tool === 'issue_refund')).toHaveLength(1);
      expect(await approval(approvalId)).toMatchObject({ status: 'approved', decision: { approver: 'support-manager' } });
    });

    it('a requester without refunds:write never creates an approval for a refund; the refusal is in the result', async () => {
      // A model that asks for the refund whatever tools it was shown.
      const router = new ScriptedChatModel(
        [(messages) => (messages.some((message) => message.type === 'tool') ? { content: 'Done.' } : { toolCalls: [{ name: 'handoff_to_executor', args: { task: 'Refund order 1004 in full' } }] })],
        { whenExhausted: 'repeat-last' },
      );
      const executor = new ScriptedChatModel(
        [(messages) => (messages.some((message) => message.type === 'tool')
          ? { content: 'I could not refund it.' }
          : { toolCalls: [{ name: 'issue_refund', args: { orderId: 1004, amountCents: 84_200, reason: 'Arrived late' } }] })],
        { whenExhausted: 'repeat-last' },
      );
      await start({ models: { ...createOfflineModels(), supervisor: router, executor } });
      const thread = (await call('POST', '/threads', keys.narrowRequester, {})).body as { thread_id: string };
      const result = await call('POST', `/threads/${thread.thread_id}/runs/wait`, keys.narrowRequester, { assistant_id: 'supervisor', input: lateRefund });
      expect(result.status).toBe(200);
      const values = result.body as Values;
      expect(values.__interrupt__).toBeUndefined();
      const refund = values.steps!.flatMap((step) => step.actions).find((action) => action.tool === 'issue_refund');
      expect(refund).toMatchObject({ status: 'forbidden', message: expect.stringContaining('refunds:write') });
      expect(await pending()).toEqual([]);
      expect(await server!.services.approvals.listPending('acme')).toEqual([]);
      expect(refundCount()).toBe(0);
      expect((await audit(thread.thread_id)).map((record) => record.type)).not.toContain('tool.approval_requested');
    });

    it('another tenant can neither see nor decide the approval', async () => {
      await start();
      const { approvalId } = await pausedRefund();
      expect((await call('GET', `/approvals/${approvalId}`, keys.globex)).status).toBe(404);
      expect((await call('GET', '/approvals', keys.globex)).body).toEqual([]);
      const foreign = await decide(approvalId, { decision: 'approve' }, keys.globex);
      expect(foreign.status).toBe(404);
      expect(await approval(approvalId)).toMatchObject({ status: 'pending' });
      expect(refundCount()).toBe(0);
    });
  });

  describe('decisions that cannot take effect answer 409 with the reason', () => {
    it('superseded: a new message on the paused thread closes the approval, and deciding it then is refused', async () => {
      await start();
      const { threadId, approvalId } = await pausedRefund();
      const next = await call('POST', `/threads/${threadId}/runs/wait`, keys.requester, {
        assistant_id: 'supervisor', input: { messages: [{ role: 'user', content: 'Never mind. How long do refunds take to arrive?' }] },
      });
      expect(next.status).toBe(200);
      expect(await approval(approvalId)).toMatchObject({
        status: 'superseded', closed: { reason: 'superseded by a new message on the thread', at: '2026-04-01T12:00:00.000Z' },
      });
      expect(await pending()).toEqual([]);
      const late = await decide(approvalId);
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({
        error: { code: 'CONFLICT', message: expect.stringContaining('superseded by a new message on the thread at 2026-04-01T12:00:00.000Z') },
      });
      expect(refundCount()).toBe(0);
      expect((await audit(threadId)).find((record) => record.type === 'approval.superseded')).toMatchObject({ actor: 'support-agent', data: { approvalId } });
    });

    it('superseded: resuming a superseded approval with command.resume runs nothing', async () => {
      await start();
      const { threadId, approvalId } = await pausedRefund();
      await call('POST', `/threads/${threadId}/runs/wait`, keys.requester, { assistant_id: 'supervisor', input: { messages: [{ role: 'user', content: 'What is the return policy?' }] } });
      const resumed = await call('POST', `/threads/${threadId}/runs/wait`, keys.requester, { assistant_id: 'supervisor', command: { resume: { approvalId } } });
      expect(resumed.status).toBeLessThan(500);
      expect(refundCount()).toBe(0);
    });

    it('expired: a decision after the deadline is refused and the request is marked expired', async () => {
      await start();
      const { approvalId } = await pausedRefund();
      now = new Date(now.getTime() + 25 * 60 * 60 * 1_000);
      const late = await decide(approvalId);
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('expired') } });
      expect(await approval(approvalId)).toMatchObject({ status: 'expired' });
      expect(refundCount()).toBe(0);
    });

    it('orphaned: deleting the thread closes its approval, and deciding it then is refused', async () => {
      await start();
      const { threadId, approvalId } = await pausedRefund();
      expect((await call('DELETE', `/threads/${threadId}`, keys.requester)).status).toBe(204);
      expect(await approval(approvalId)).toMatchObject({ status: 'orphaned', closed: { reason: 'orphaned when its thread was deleted' } });
      expect(await pending()).toEqual([]);
      const late = await decide(approvalId);
      expect(late.status).toBe(409);
      expect((late.body as ErrorBody).error.message).toContain('orphaned when its thread was deleted');
      expect(refundCount()).toBe(0);
    });

    it('orphaned: a thread that moved on without the approval (resumed undecided) makes a later decision 409', async () => {
      await start();
      const { threadId, approvalId } = await pausedRefund();
      // Resumed before anyone decided: the guard refuses the refund and the run goes on without it.
      const resumed = await call('POST', `/threads/${threadId}/runs/wait`, keys.requester, { assistant_id: 'supervisor', command: { resume: { approvalId } } });
      expect(resumed.status).toBe(200);
      const refused = (resumed.body as Values).steps!.flatMap((step) => step.actions).find((action) => action.tool === 'issue_refund');
      expect(refused).toMatchObject({ status: 'forbidden', message: expect.stringContaining('not been decided') });
      const late = await decide(approvalId);
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('orphaned: its thread was found no longer waiting for it at 2026-04-01T12:00:00.000Z') } });
      expect(await approval(approvalId)).toMatchObject({ status: 'orphaned' });
      expect(refundCount()).toBe(0);
      expect((await audit(threadId)).find((record) => record.type === 'approval.orphaned')).toMatchObject({ actor: 'support-manager', data: { approvalId } });
    });

    it('superseded: a state update that drops the interrupt closes the approval', async () => {
      await start();
      const { threadId, approvalId } = await pausedRefund();
      const updated = await call('POST', `/threads/${threadId}/state`, keys.requester, { values: { messages: [{ role: 'ai', content: 'Handled by phone.' }] }, as_node: 'finish' });
      expect(updated.status).toBe(200);
      expect((await call('GET', `/threads/${threadId}`, keys.requester)).body).toMatchObject({ status: 'idle', interrupts: {} });
      expect(await approval(approvalId)).toMatchObject({ status: 'superseded', closed: { reason: 'superseded by an update of the thread\'s state' } });
      expect((await decide(approvalId)).status).toBe(409);
      expect(refundCount()).toBe(0);
    });

    it('an edit the tool would refuse answers 400 naming the field, and the approval stays decidable', async () => {
      await start();
      const { approvalId } = await pausedRefund();
      const invalid = await decide(approvalId, { decision: 'edit', args: { orderId: 1004, amountCents: -1 } });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ path: 'args.amountCents' })]) } });
      expect(await approval(approvalId)).toMatchObject({ status: 'pending' });
      expect((await decide(approvalId, { decision: 'reject', reason: 'Not this one' })).status).toBe(200);
      expect(refundCount()).toBe(0);
    });

    it('a decided approval cannot be decided again', async () => {
      await start();
      const { approvalId } = await pausedRefund();
      expect((await decide(approvalId, { decision: 'reject', reason: 'No' })).status).toBe(200);
      const again = await decide(approvalId);
      expect(again.status).toBe(409);
      expect((again.body as ErrorBody).error.message).toContain('already rejected');
      expect(refundCount()).toBe(0);
    });
  });

  describe('a stateless run cannot pause, so it leaves no approval behind', () => {
    it('answers 422 saying approval needs a thread, and GET /approvals stays empty', async () => {
      await start();
      const result = await call('POST', '/runs/wait', keys.requester, { assistant_id: 'supervisor', input: lateRefund });
      expect(result.status).toBe(422);
      expect(result.body).toMatchObject({ error: { code: 'UNPROCESSABLE', message: expect.stringMatching(/issue_refund.*approval needs a thread/) } });
      expect(await pending()).toEqual([]);
      expect(await server!.services.approvals.listPending('acme')).toEqual([]);
      expect(refundCount()).toBe(0);
    });

    it('kept with on_completion "keep" it has a thread, so it pauses and the approval can be decided', async () => {
      await start();
      const paused = await call('POST', '/runs/wait', keys.requester, { assistant_id: 'supervisor', input: lateRefund, on_completion: 'keep' });
      expect(paused.status).toBe(200);
      const approvalId = (paused.body as Values).__interrupt__![0]!.value.approvalId;
      const decided = await decide(approvalId);
      expect(decided.status).toBe(200);
      const { run } = decided.body as { run: { run_id: string; thread_id: string } };
      expect((await call('GET', `/threads/${run.thread_id}/runs/${run.run_id}/join`, keys.requester)).status).toBe(200);
      expect(refundCount()).toBe(1);
    });
  });
});
