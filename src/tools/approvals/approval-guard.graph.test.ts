import { Annotation, Command, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { SqliteCheckpointSaver } from '../../checkpoint/index.ts';
import { openDatabase } from '../../storage/index.ts';
import { hashArguments } from '../canonical-json.ts';
import { deriveIdempotencyKey } from '../idempotency-key.ts';
import { brightcartApprovalRules, createOrderTools, orderScopes, ordersReferenceDate, seedOrders } from '../../domains/brightcart/index.ts';
import { runToolCall, type ToolCallOutcome, type ToolCallRequest } from '../run-tool-call.ts';
import { createSqliteEffectLedger } from '../sqlite-effect-ledger.ts';
import { createToolRegistry } from '../tool-registry.ts';
import { createApprovalPolicy } from './approval-policy.ts';
import type { ApprovalInterruptPayload } from './create-approval-guard.ts';
import { createApprovalGuard } from './create-approval-guard.ts';
import { createSqliteApprovalStore } from './sqlite-approval-store.ts';

const State = Annotation.Root({
  call: Annotation<ToolCallRequest>(),
  outcome: Annotation<ToolCallOutcome | undefined>(),
});

const bigRefund = { orderId: 1004, amountCents: 84_200, reason: 'late_delivery', note: 'Arrived late, full refund' };

/** A one-node graph whose node runs the call through runToolCall with the approval guard, as the executor's act node does. */
function setup() {
  let now = ordersReferenceDate;
  const clock = () => now;
  const database = openDatabase(':memory:', { vectors: false });
  seedOrders(database);
  const registry = createToolRegistry(createOrderTools({ database, clock }));
  const ledger = createSqliteEffectLedger(database, { clock });
  const store = createSqliteApprovalStore(database, { clock });
  const guard = createApprovalGuard({ policy: createApprovalPolicy({ rules: brightcartApprovalRules }), store, clock, ttlMs: 60 * 60 * 1000 });
  const act = async (state: typeof State.State, config: LangGraphRunnableConfig) => {
    const threadId = config.configurable!.thread_id as string;
    const outcome = await runToolCall({
      registry, ledger, guard, call: state.call,
      context: { tenantId: 'acme', threadId, scopes: Object.values(orderScopes), idempotencyKey: deriveIdempotencyKey({ tenantId: 'acme', threadId, toolCallId: state.call.id }) },
    });
    return { outcome };
  };
  const graph = new StateGraph(State).addNode('act', act).addEdge(START, 'act').addEdge('act', END)
    .compile({ checkpointer: new SqliteCheckpointSaver({ database }) });
  const refundRows = () => (database.prepare('SELECT COUNT(*) AS count FROM refunds WHERE order_id = 1004').get() as { count: number }).count;
  const refundedCents = () => (database.prepare('SELECT COALESCE(SUM(amount_cents), 0) AS cents FROM refunds WHERE order_id = 1004').get() as { cents: number }).cents;

  async function start(threadId: string, args: unknown = bigRefund) {
    const config = { configurable: { thread_id: threadId } };
    await graph.invoke({ call: { id: 'call-1', name: 'issue_refund', args } }, config);
    return { config, pending: await pendingApproval(config) };
  }
  async function pendingApproval(config: { configurable: { thread_id: string } }) {
    const snapshot = await graph.getState(config);
    return snapshot.tasks[0]?.interrupts[0]?.value as ApprovalInterruptPayload | undefined;
  }
  async function resume(config: { configurable: { thread_id: string } }, value: unknown) {
    const final = await graph.invoke(new Command({ resume: value }), config);
    return final.outcome as ToolCallOutcome | undefined;
  }
  return { graph, store, refundRows, refundedCents, start, resume, pendingApproval, advance: (ms: number) => { now = new Date(now.getTime() + ms); } };
}

describe('approval guard in a LangGraph StateGraph with the SQLite checkpointer', () => {
  it('runs a refund below the threshold without asking anyone', async () => {
    const kit = setup();
    const final = await kit.graph.invoke({ call: { id: 'c', name: 'issue_refund', args: { ...bigRefund, amountCents: 50_000 } } }, { configurable: { thread_id: 't-small' } });
    expect(final.outcome).toMatchObject({ status: 'ok' });
    expect(kit.refundRows()).toBe(1);
    expect(await kit.store.listPending('acme')).toEqual([]);
  });

  it('stops a refund above $500.00 with an approval request bound to the canonical arguments', async () => {
    const kit = setup();
    const { pending } = await kit.start('t-ask', { note: '  Arrived late, full refund ', reason: 'late_delivery', amountCents: 84_200, orderId: 1004 });
    expect(pending).toMatchObject({
      type: 'approval_request', tool: 'issue_refund', args: bigRefund, argsHash: hashArguments(bigRefund),
      policy: 'refund-above-500', expiresAt: '2026-04-01T13:00:00.000Z',
    });
    expect(await kit.store.listPending('acme')).toMatchObject([{ id: pending!.approvalId, threadId: 't-ask', status: 'pending' }]);
    expect(await kit.store.listPending('other-tenant')).toEqual([]);
    expect(kit.refundRows()).toBe(0);
  });

  it('approve: resuming with the approval id refunds exactly once, and a second resume changes nothing', async () => {
    const kit = setup();
    const { config, pending } = await kit.start('t-approve');
    await kit.store.decide(pending!.approvalId, { tenantId: 'acme', decision: 'approve', approver: 'manager@brightcart' });
    expect(await kit.resume(config, { approvalId: pending!.approvalId })).toMatchObject({ status: 'ok', replayed: false, result: { amountCents: 84_200 } });
    expect(kit.refundRows()).toBe(1);
    expect((await kit.store.get(pending!.approvalId))?.decision).toMatchObject({ decision: 'approve', approver: 'manager@brightcart' });
  });

  it('edit below the threshold: runs the approver\'s arguments without asking again', async () => {
    const kit = setup();
    const { config, pending } = await kit.start('t-edit-small');
    await kit.store.decide(pending!.approvalId, { tenantId: 'acme', decision: 'edit', approver: 'manager@brightcart', args: { ...bigRefund, amountCents: 40_000 } });
    expect(await kit.resume(config, pending!.approvalId)).toMatchObject({ status: 'ok', result: { amountCents: 40_000 } });
    expect([kit.refundRows(), kit.refundedCents()]).toEqual([1, 40_000]);
  });

  it('edit still above the threshold: asks again for the new arguments, then runs them once approved', async () => {
    const kit = setup();
    const { config, pending } = await kit.start('t-edit-big');
    const edited = { ...bigRefund, amountCents: 60_000 };
    await kit.store.decide(pending!.approvalId, { tenantId: 'acme', decision: 'edit', approver: 'lead@brightcart', args: edited });
    expect(await kit.resume(config, pending!.approvalId)).toBeUndefined();
    const second = await kit.pendingApproval(config);
    expect(second).toMatchObject({ args: edited, argsHash: hashArguments(edited) });
    expect(second!.approvalId).not.toBe(pending!.approvalId);
    expect(kit.refundRows()).toBe(0);

    await kit.store.decide(second!.approvalId, { tenantId: 'acme', decision: 'approve', approver: 'manager@brightcart' });
    expect(await kit.resume(config, { approvalId: second!.approvalId })).toMatchObject({ status: 'ok', result: { amountCents: 60_000 } });
    expect([kit.refundRows(), kit.refundedCents()]).toEqual([1, 60_000]);
  });

  it('edit with invalid arguments is refused with the field issues', async () => {
    const kit = setup();
    const { config, pending } = await kit.start('t-edit-bad');
    await kit.store.decide(pending!.approvalId, { tenantId: 'acme', decision: 'edit', approver: 'm', args: { ...bigRefund, amountCents: -1, approvedBy: 'x' } });
    const outcome = await kit.resume(config, pending!.approvalId);
    expect(outcome).toMatchObject({ status: 'forbidden', message: expect.stringMatching(/amountCents.*approvedBy/) });
    expect(kit.refundRows()).toBe(0);
  });

  it('reject: the model is told why and nothing is refunded', async () => {
    const kit = setup();
    const { config, pending } = await kit.start('t-reject');
    await kit.store.decide(pending!.approvalId, { tenantId: 'acme', decision: 'reject', approver: 'manager@brightcart', reason: 'Customer already got a replacement' });
    expect(await kit.resume(config, { approvalId: pending!.approvalId })).toEqual({
      status: 'forbidden', message: expect.stringContaining('Customer already got a replacement'),
    });
    expect(kit.refundRows()).toBe(0);
  });

  it('expired: a late decision is refused and resuming runs nothing', async () => {
    const kit = setup();
    const { config, pending } = await kit.start('t-expired');
    kit.advance(60 * 60 * 1000);
    await expect(kit.store.decide(pending!.approvalId, { tenantId: 'acme', decision: 'approve', approver: 'm' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await kit.store.get(pending!.approvalId))?.status).toBe('expired');
    expect(await kit.resume(config, pending!.approvalId)).toEqual({ status: 'forbidden', message: expect.stringContaining('expired') });
    expect(kit.refundRows()).toBe(0);
  });

  it('an undecided request resumed anyway is refused', async () => {
    const kit = setup();
    const { config, pending } = await kit.start('t-undecided');
    expect(await kit.resume(config, pending!.approvalId)).toEqual({ status: 'forbidden', message: expect.stringContaining('not been decided') });
    expect(kit.refundRows()).toBe(0);
  });

  it('mismatched arguments: an approval for other arguments or another call is refused', async () => {
    const kit = setup();
    // An approved request for a smaller refund on another thread...
    const other = await kit.start('t-other', { ...bigRefund, amountCents: 50_001 });
    await kit.store.decide(other.pending!.approvalId, { tenantId: 'acme', decision: 'approve', approver: 'm' });
    const { config, pending } = await kit.start('t-mismatch');
    await kit.store.decide(pending!.approvalId, { tenantId: 'acme', decision: 'approve', approver: 'm' });
    // ...cannot be used to resume this one, and naming other arguments with the right id is refused too.
    expect(await kit.resume(config, { approvalId: other.pending!.approvalId })).toMatchObject({ status: 'forbidden', message: expect.stringContaining('does not match') });
    expect(kit.refundRows()).toBe(0);

    const third = await kit.start('t-mismatch-args');
    await kit.store.decide(third.pending!.approvalId, { tenantId: 'acme', decision: 'approve', approver: 'm' });
    expect(await kit.resume(third.config, { approvalId: third.pending!.approvalId, args: { ...bigRefund, amountCents: 84_199 } }))
      .toMatchObject({ status: 'forbidden', message: expect.stringContaining('does not match') });
    expect(await kit.resume(other.config, { approvalId: 'not-an-approval' })).toMatchObject({ status: 'forbidden' });
    expect(kit.refundRows()).toBe(0);
  });

  it('a resume value without an approval id is refused', async () => {
    const kit = setup();
    const { config } = await kit.start('t-garbage');
    expect(await kit.resume(config, { approver: 'self-approved', decision: 'approve' })).toMatchObject({ status: 'forbidden', message: expect.stringContaining('without naming') });
    expect(kit.refundRows()).toBe(0);
  });
});
