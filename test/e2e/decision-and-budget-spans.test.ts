import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ordersReferenceDate } from '../../src/domains/brightcart/index.ts';
import { createTracing, readTracingConfig, type Tracing } from '../../src/observability/index.ts';
import { createTestHarness, refundsOf, userMessage, type TestHarness } from '../support/test-services.ts';

/*
 * What an operator reads on a trace besides the span tree (offline models, through the real Hono
 * app, from an in-memory exporter): the approver's decision on the `execute_tool` span of the call
 * that ran after it (approval id, decision, approver, seconds from the request to the decision),
 * and a budget stop on the run's `invoke_agent` span (which budget, and an event with its figures).
 */

const keys = { agent: 'agent-key-0123456789abcdef', manager: 'manager-key-0123456789abcdef' };
const apiKeys = JSON.stringify([
  { key: keys.agent, tenant: 'acme', scopes: ['runs:*', 'threads:*', 'orders:read', 'orders:write', 'refunds:write', 'credits:write', 'audit:read'], name: 'support-agent' },
  { key: keys.manager, tenant: 'acme', scopes: ['*'], name: 'support-manager' },
]);

function call(harness: TestHarness, method: string, path: string, key: string, body?: unknown) {
  return harness.app.request(path, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let harness: TestHarness | undefined;
let now = ordersReferenceDate;

beforeAll(() => {
  tracing = createTracing(readTracingConfig({ OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' }), { exporter });
});
afterAll(async () => {
  await tracing?.shutdown();
});
beforeEach(() => {
  exporter.reset();
  now = ordersReferenceDate;
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Run to the end on a new thread; the run's id, its thread and its final values. */
async function runToEnd(service: TestHarness, content: string) {
  const thread = (await (await call(service, 'POST', '/threads', keys.agent, {})).json()) as { thread_id: string };
  const created = await call(service, 'POST', `/threads/${thread.thread_id}/runs`, keys.agent, { assistant_id: 'supervisor', input: userMessage(content) });
  expect(created.status).toBe(200);
  const run = (await created.json()) as { run_id: string };
  const joined = await call(service, 'GET', `/threads/${thread.thread_id}/runs/${run.run_id}/join`, keys.agent);
  expect(joined.status).toBe(200);
  return { threadId: thread.thread_id, runId: run.run_id, values: (await joined.json()) as Record<string, unknown> };
}

/** Decide the paused $842 refund `waitedSeconds` after it was asked, and the `execute_tool issue_refund` spans of the run that resumes it. */
async function decideRefund(decision: Record<string, unknown>, waitedSeconds: number) {
  harness = await createTestHarness({ API_KEYS: apiKeys }, { tracing, clock: () => now });
  const { threadId, values } = await runToEnd(harness, 'Please refund order 1004 because it arrived late.');
  const approvalId = (values.__interrupt__ as Array<{ value: { approvalId: string } }>)[0]!.value.approvalId;
  await tracing.forceFlush();
  // The held call's span knows of no decision yet.
  const held = exporter.getFinishedSpans().filter((span) => span.attributes['gen_ai.tool.name'] === 'issue_refund');
  expect(held.map((span) => span.attributes['overseer.tool.outcome'])).toEqual(['held_for_approval']);
  expect(held[0]!.attributes['overseer.approval.id']).toBeUndefined();

  exporter.reset();
  now = new Date(now.getTime() + waitedSeconds * 1_000);
  const decided = await call(harness, 'POST', `/approvals/${approvalId}`, keys.manager, decision);
  expect(decided.status).toBe(200);
  const { run } = (await decided.json()) as { run: { run_id: string } };
  expect((await call(harness, 'GET', `/threads/${threadId}/runs/${run.run_id}/join`, keys.manager)).status).toBe(200);
  await tracing.forceFlush();
  const spans = exporter.getFinishedSpans();
  const [resumedRun] = spans.filter((span) => span.name === 'invoke_agent supervisor');
  expect(resumedRun!.attributes['overseer.run.id']).toBe(run.run_id);
  return { approvalId, refunds: spans.filter((span) => span.attributes['gen_ai.tool.name'] === 'issue_refund') };
}

const approvalAttributes = (span: ReadableSpan) => Object.fromEntries(Object.entries(span.attributes).filter(([name]) => name.startsWith('overseer.approval.')));

describe('the approver\'s decision on the execute_tool span of the call that runs after it', () => {
  it('approve: the approval id, the decision, the approver\'s name as the audit has it, and the seconds it took', async () => {
    const { approvalId, refunds } = await decideRefund({ decision: 'approve' }, 95);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.attributes).toMatchObject({ 'overseer.tool.guard': 'allowed', 'overseer.tool.outcome': 'executed' });
    expect(approvalAttributes(refunds[0]!)).toEqual({
      'overseer.approval.id': approvalId,
      'overseer.approval.decision': 'approve',
      'overseer.approval.approver': 'support-manager',
      'overseer.approval.decision_seconds': 95,
    });
    expect(refundsOf(harness!.services, 1004).map((row) => row.amount_cents)).toEqual([84_200]);
    const [audited] = await harness!.services.audit.query({ tenantId: 'acme', type: 'approval.decided' });
    expect(audited!.actor).toBe('support-manager');
  });

  it('reject: the call refused, with who rejected it and when; the reason stays in the audit, off the trace', async () => {
    const { approvalId, refunds } = await decideRefund({ decision: 'reject', reason: 'Store credit was already given' }, 7_200);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.attributes).toMatchObject({ 'overseer.tool.guard': 'refused', 'overseer.tool.outcome': 'refused' });
    expect(approvalAttributes(refunds[0]!)).toEqual({
      'overseer.approval.id': approvalId,
      'overseer.approval.decision': 'reject',
      'overseer.approval.approver': 'support-manager',
      'overseer.approval.decision_seconds': 7_200,
    });
    expect(JSON.stringify(refunds[0]!.attributes)).not.toContain('Store credit');
    expect(refundsOf(harness!.services, 1004)).toHaveLength(0);
  });

  it('edit: the edited call executes under the threshold, its span naming the edit', async () => {
    const args = { orderId: 1004, amountCents: 40_000, reason: 'late_delivery', note: 'Partial refund agreed with the customer' };
    const { approvalId, refunds } = await decideRefund({ decision: 'edit', args }, 30);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.attributes).toMatchObject({ 'overseer.tool.guard': 'allowed', 'overseer.tool.outcome': 'executed' });
    expect(approvalAttributes(refunds[0]!)).toEqual({
      'overseer.approval.id': approvalId,
      'overseer.approval.decision': 'edit',
      'overseer.approval.approver': 'support-manager',
      'overseer.approval.decision_seconds': 30,
    });
    expect(refundsOf(harness!.services, 1004).map((row) => row.amount_cents)).toEqual([40_000]);
  });
});

describe('a budget stop on the run\'s invoke_agent span', () => {
  it('names the budget and adds an event with its limit, what was used and what the refused call would have added', async () => {
    harness = await createTestHarness({ API_KEYS: apiKeys, BUDGET_RUN_TOKENS: '50' }, { tracing });
    const { runId, threadId, values } = await runToEnd(harness, 'Please refund order 1001 because it arrived late.');
    expect((values.result as { status: string }).status).toBe('partial');
    await tracing.forceFlush();
    const runs = exporter.getFinishedSpans().filter((span) => span.name === 'invoke_agent supervisor');
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run!.attributes).toMatchObject({ 'overseer.run.id': runId, 'overseer.run.status': 'success', 'overseer.budget.exhausted': 'run_tokens' });
    const events = run!.events.filter((event) => event.name === 'budget.exhausted');
    expect(events).toHaveLength(1);
    const [audited] = (await (await call(harness, 'GET', `/audit?action=budget.exhausted&run_id=${runId}`, keys.agent)).json()) as Array<{ threadId: string; data: { next: number } }>;
    expect(audited!.threadId).toBe(threadId);
    expect(events[0]!.attributes).toEqual({
      'overseer.budget.scope': 'run',
      'overseer.budget.measure': 'tokens',
      'overseer.budget.limit': 50,
      'overseer.budget.used': 0,
      'overseer.budget.next': audited!.data.next,
    });
    expect(audited!.data.next).toBeGreaterThan(50);
  });

  it('leaves a run within its budget without either', async () => {
    harness = await createTestHarness({ API_KEYS: apiKeys, BUDGET_RUN_TOKENS: '1000000' }, { tracing });
    const { runId } = await runToEnd(harness, 'Please refund order 1001 because it arrived late.');
    await tracing.forceFlush();
    const [run] = exporter.getFinishedSpans().filter((span) => span.name === 'invoke_agent supervisor');
    expect(run!.attributes['overseer.run.id']).toBe(runId);
    expect(run!.attributes['overseer.budget.exhausted']).toBeUndefined();
    expect(run!.events.filter((event) => event.name === 'budget.exhausted')).toEqual([]);
  });
});
