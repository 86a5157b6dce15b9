import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedChatModel, type ModelsByRole } from '../../src/agents/index.ts';
import { startPolicyFollowingModel, expectCleanRequests, type PolicyFollowingServer } from '../support/openai-scenarios.ts';
import { createTestHarness, refundsOf, userMessage, type TestHarness } from '../support/test-services.ts';

/*
 * Model routing through the real Hono app: each call goes to the role's routine or premium
 * model as the routing policy says (routine for routing, lookups, rule-backed reviews and
 * summaries; premium for the executor turn that plans the refund), and usage records the tier
 * of every call. Once with scripted models, once through @langchain/openai to the stand-in,
 * which sees the model name of every request.
 */

const request = 'Refund order 1275, the lamp arrived damaged.';

async function runToEnd(harness: TestHarness, input: string) {
  const response = await harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage(input) });
  expect(response.status).toBe(200);
  return (await response.json()) as { result: { status: string; answer: string } };
}

async function usageByTier(harness: TestHarness) {
  const response = await harness.app.request('/usage?group_by=tier');
  expect(response.status).toBe(200);
  const report = (await response.json()) as { totals: { calls: number }; groups: Array<{ key: string; calls: number }> };
  return { total: report.totals.calls, ...Object.fromEntries(report.groups.map((group) => [group.key, group.calls])) } as Record<string, number>;
}

describe('model routing with scripted models', () => {
  let harness: TestHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it('sends the turn that plans the refund to the premium executor and everything else to routine models', async () => {
    const routine = {
      supervisor: new ScriptedChatModel([
        { toolCalls: [{ name: 'handoff_to_executor', args: { task: request, acceptanceCriteria: [], context: '' } }] },
        { content: 'The refund for the damaged lamp on order 1275 went through.' },
      ]),
      retriever: new ScriptedChatModel([]),
      executor: new ScriptedChatModel([
        { toolCalls: [{ name: 'lookup_order', args: { orderId: 1275 } }] },
        { content: 'Refunded the lamp on order 1275.' },
      ]),
      reviewer: new ScriptedChatModel([{ toolCalls: [{ name: 'submit_verdict', args: { verdict: 'accept', reasons: ['allowed by the damage policy'] } }] }]),
    };
    // Its own ids: two scripted models in one conversation would both number their first reply 1.
    const premiumExecutor = new ScriptedChatModel([
      { toolCalls: [{ name: 'issue_refund', args: { orderId: 1275, amountCents: 5_999, reason: 'damaged_item' } }] },
    ], { idPrefix: 'premium' });
    const premiumSupervisor = new ScriptedChatModel([]);
    const models: ModelsByRole = { ...routine, premium: { executor: premiumExecutor, supervisor: premiumSupervisor } };
    harness = await createTestHarness({}, { models });

    const run = await runToEnd(harness, request);

    expect(run.result.status, JSON.stringify(run.result)).toBe('complete');
    expect(refundsOf(harness.services, 1275).map((row) => row.amount_cents)).toEqual([5_999]);
    // Lookup, then the refund on the premium model, then the summary back on the routine one.
    expect(routine.executor.calls).toHaveLength(2);
    expect(premiumExecutor.calls).toHaveLength(1);
    expect(premiumExecutor.calls[0]!.messages.some((message) => message.getType() === 'tool' && String(message.content).includes('"status":"ok"'))).toBe(true);
    expect(routine.executor.calls[1]!.messages.some((message) => message.getType() === 'tool' && String(message.content).includes('refund'))).toBe(true);
    // Routing and the grounded final answer never reach the premium supervisor.
    expect(premiumSupervisor.calls).toHaveLength(0);
    expect(routine.supervisor.calls).toHaveLength(2);

    const tiers = await usageByTier(harness);
    expect(tiers).toEqual({ total: 6, premium: 1, routine: 5 });
  });

  it('falls back to the routine model for a premium call when the role has no premium model', async () => {
    const executor = new ScriptedChatModel([
      { toolCalls: [{ name: 'lookup_order', args: { orderId: 1275 } }] },
      { toolCalls: [{ name: 'issue_refund', args: { orderId: 1275, amountCents: 5_999, reason: 'damaged_item' } }] },
      { content: 'Refunded the lamp on order 1275.' },
    ]);
    const models: ModelsByRole = {
      supervisor: new ScriptedChatModel([
        { toolCalls: [{ name: 'handoff_to_executor', args: { task: request, acceptanceCriteria: [], context: '' } }] },
        { content: 'The refund for the damaged lamp on order 1275 went through.' },
      ]),
      retriever: new ScriptedChatModel([]),
      executor,
      reviewer: new ScriptedChatModel([{ toolCalls: [{ name: 'submit_verdict', args: { verdict: 'accept', reasons: ['allowed'] } }] }]),
    };
    harness = await createTestHarness({}, { models });

    await runToEnd(harness, request);

    expect(executor.calls).toHaveLength(3);
    expect(refundsOf(harness.services, 1275)).toHaveLength(1);
    expect(await usageByTier(harness)).toEqual({ total: 6, routine: 6 });
  });
});

describe('model routing through @langchain/openai to the OpenAI-compatible stand-in', () => {
  let model: PolicyFollowingServer;
  let harness: TestHarness;
  beforeAll(async () => {
    model = await startPolicyFollowingModel();
    harness = await createTestHarness({
      ...model.environment,
      MODEL_SUPERVISOR_PREMIUM: 'router-premium',
      MODEL_EXECUTOR_PREMIUM: 'executor-premium',
      MODEL_REVIEWER_PREMIUM: 'reviewer-premium',
    });
  });
  afterAll(async () => {
    await harness?.close();
    await model?.close();
  });

  it('asks the premium model by name only for the turn that plans the refund, and records each call\'s tier and model', async () => {
    const run = await runToEnd(harness, request);

    expect(run.result.status, JSON.stringify(run.result)).toBe('complete');
    expect(refundsOf(harness.services, 1275).map((row) => row.amount_cents)).toEqual([5_999]);
    const asked = model.chatRequests().map((chat) => chat.model);
    // Routing, the answer from passages and both reviews stay routine.
    expect(asked.filter((name) => name.endsWith('-premium') && name !== 'executor-premium')).toEqual([]);
    // The executor: the lookup on the routine model; the refund proposal once the order is known
    // on the premium one, and its retry after the rules refused the full amount (at most the
    // lamp's $59.99) too; the summary after the refund back on the routine one.
    const executorCalls = model.chatRequests().filter((chat) => chat.model.startsWith('executor'));
    expect(executorCalls.map((chat) => chat.model)).toEqual(['executor', 'executor-premium', 'executor-premium', 'executor']);
    expect(executorCalls[0]!.messages.some((message) => message.role === 'tool')).toBe(false);
    expect(executorCalls[1]!.messages.some((message) => message.role === 'tool')).toBe(true);
    expectCleanRequests(model);

    const tiers = await usageByTier(harness);
    expect(tiers).toEqual({ total: asked.length, premium: 2, routine: asked.length - 2 });
    const byModel = (await (await harness.app.request('/usage?group_by=model')).json()) as { groups: Array<{ key: string; calls: number }> };
    expect(byModel.groups.find((group) => group.key === 'executor-premium')?.calls).toBe(2);
  });
});
