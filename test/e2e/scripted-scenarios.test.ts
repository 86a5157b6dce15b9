import { ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModels, ScriptedChatModel } from '../../src/agents/index.ts';
import { createExecutorGraph } from '../../src/graphs/index.ts';
import { expectCleanRequests, startPolicyFollowingModel } from '../support/openai-scenarios.ts';
import type { PolicyFollowingQuirks } from '../support/policy-following-model/index.ts';
import { seenByScripted, seenOnTheWire, type SeenCall } from '../support/seen-calls.ts';
import { createTestHarness, refundsOf, userMessage, type TestHarness } from '../support/test-services.ts';

interface FinalState {
  messages: Array<{ type: string; content: string }>;
  steps: Array<{ specialist: string; outcome: string; reasons: string[]; actions: Array<{ tool: string; status: string; risk?: string; message?: string }> }>;
  hops: number;
  result: { status: string; answer: string; reason?: string };
}

type Role = 'supervisor' | 'retriever' | 'executor' | 'reviewer';

const handoff = (specialist: string, task: string) => ({
  toolCalls: [{ name: `handoff_to_${specialist}`, args: { task, acceptanceCriteria: ['Be correct'], context: '' } }],
});

/** Answers with the first passage's label, as a well-behaved model would. */
const citeFirstPassage = (messages: BaseMessage[]) => {
  const prompt = String(messages.at(-1)!.content);
  const label = /\[[^\]#\s]+#\d+\]/.exec(prompt)?.[0] ?? '';
  return { content: `Orders delivered late can be refunded in full within 30 days of delivery ${label}.` };
};

interface Run {
  harness: TestHarness;
  state: FinalState;
  /** What the role's model was sent, call by call. */
  seen(role: Role): SeenCall[];
}

/**
 * One request, the same outcome whichever model serves it: in-process scripted models that
 * misbehave as the case needs, or the policy-following model on the wire with the same
 * misbehaviour as a quirk (none: a competent model).
 */
interface Scenario {
  name: string;
  request: string;
  environment?: Record<string, string>;
  scripted(): Partial<Record<Role, ScriptedChatModel>>;
  quirks?: PolicyFollowingQuirks;
  expectOutcome(run: Run): void;
}

const stepOf = (state: FinalState, specialist: string) => state.steps.find((step) => step.specialist === specialist)!;

const scenarios: Scenario[] = [
  {
    name: 'chains retriever, executor and reviewer, correcting invalid tool arguments on the way',
    request: 'Refund order 1001, it came late',
    scripted: () => ({
      supervisor: new ScriptedChatModel([
        handoff('retriever', 'Find the refund policy for late deliveries'),
        handoff('executor', 'Refund order 1001 in full because it arrived late'),
        handoff('reviewer', 'Review the refund of order 1001 because it arrived late'),
        { content: 'Order 1001 was refunded in full.' },
      ]),
      executor: new ScriptedChatModel([
        { toolCalls: [{ name: 'check_shipment_sla', args: { orderId: 1001 } }] },
        { toolCalls: [{ name: 'issue_refund', args: { orderId: 1001, amountCents: 'lots', note: 'extra' } }] },
        { toolCalls: [{ name: 'issue_refund', args: { orderId: 1001, amountCents: 12_999, reason: 'late_delivery', note: 'Arrived late' } }] },
        { content: 'Refunded $129.99 on order 1001.' },
      ]),
      retriever: new ScriptedChatModel([citeFirstPassage]),
    }),
    // Its first refund has a wrong type and leaves the reason out.
    quirks: { executor: { firstWriteMistakes: { amountCents: 'lots', reason: undefined } } },
    expectOutcome({ state, harness, seen }) {
      expect(state.steps.map((step) => step.specialist)).toEqual(['retriever', 'executor', 'reviewer']);
      const actions = stepOf(state, 'executor').actions;
      expect(actions.filter((action) => action.tool === 'issue_refund').map((action) => action.status)).toEqual(['invalid', 'ok']);
      expect(actions.filter((action) => action.tool !== 'issue_refund').map((action) => `${action.tool}:${action.status}`)).toContain('check_shipment_sla:ok');
      expect(stepOf(state, 'reviewer').outcome).toBe('accepted');
      expect(state.result.status).toBe('complete');
      expect(state.result.answer).toMatch(/refunded.*order 1001|order 1001.*refunded/i);
      expect(refundsOf(harness.services, 1001).map((row) => row.amount_cents)).toEqual([12_999]);

      // The model saw the validation issues per field before it corrected the call.
      const executorCalls = seen('executor');
      const correction = executorCalls.find((call) => call.messages.some((message) => message.role === 'tool' && message.content.includes('"invalid"')))!;
      const feedback = JSON.parse(correction.messages.findLast((message) => message.role === 'tool')!.content) as { status: string; issues: Array<{ field: string }> };
      expect(feedback.status).toBe('invalid');
      expect(feedback.issues.map((issue) => issue.field)).toEqual(expect.arrayContaining(['amountCents', 'reason']));
      expect(executorCalls[0]!.tools).toContain('issue_refund');
      // The router saw each specialist's short report, not its transcript.
      expect(seen('supervisor').at(-1)!.messages.filter((message) => message.role === 'tool')).toHaveLength(3);
    },
  },
  {
    name: 'reports a question outside the knowledge base as not covered, without asking the answer model',
    request: 'What is the capital of France?',
    scripted: () => ({
      supervisor: new ScriptedChatModel([
        handoff('retriever', 'What is the capital of France?'),
        (messages) => {
          const report = JSON.parse(String(messages.findLast((message) => ToolMessage.isInstance(message))!.content));
          return { content: report.outcome === 'not_covered' ? 'Our knowledge base does not cover that.' : 'Answered.' };
        },
      ]),
      retriever: new ScriptedChatModel([]),
    }),
    expectOutcome({ state, seen }) {
      expect(state.steps[0]!.outcome).toBe('not_covered');
      expect(state.messages.at(-1)!.content).toMatch(/knowledge base does not cover that/i);
      expect(seen('retriever')).toHaveLength(0);
    },
  },
  {
    name: 'stops a looping router at the hop budget with a partial result',
    request: 'What is the refund policy?',
    environment: { MAX_HOPS: '3' },
    scripted: () => ({
      supervisor: new ScriptedChatModel([(messages) => handoff('retriever', `Look once more (attempt ${messages.length})`)], { whenExhausted: 'repeat-last' }),
      retriever: new ScriptedChatModel([citeFirstPassage], { whenExhausted: 'repeat-last' }),
    }),
    quirks: { router: { loops: 'reworded' } },
    expectOutcome({ state, seen }) {
      expect(state.hops).toBe(3);
      expect(state.result.status).toBe('partial');
      expect(state.result.reason).toBe('hop budget of 3 exhausted');
      expect(state.messages.at(-1)!.content).toMatch(/I stopped before finishing: hop budget of 3 exhausted/);
      expect(seen('supervisor')).toHaveLength(3);
    },
  },
  {
    name: 'stops a router that repeats the same handoff as a loop',
    request: 'Refund policy?',
    scripted: () => ({
      supervisor: new ScriptedChatModel([handoff('retriever', 'Same task')], { whenExhausted: 'repeat-last' }),
      retriever: new ScriptedChatModel([citeFirstPassage], { whenExhausted: 'repeat-last' }),
    }),
    quirks: { router: { loops: 'same' } },
    expectOutcome({ state }) {
      expect(state.result.status).toBe('partial');
      expect(state.result.reason).toMatch(/^loop detected/);
      expect(state.hops).toBe(2);
    },
  },
  {
    name: 'gives up after a bounded number of invalid tool calls',
    request: 'Refund order 1001',
    environment: { MAX_TOOL_ATTEMPTS: '3' },
    scripted: () => ({
      supervisor: new ScriptedChatModel([handoff('executor', 'Refund order 1001'), { content: 'Could not refund.' }]),
      executor: new ScriptedChatModel([{ toolCalls: [{ name: 'issue_refund', args: { orderId: -1 } }] }], { whenExhausted: 'repeat-last' }),
    }),
    quirks: { executor: { stuck: { name: 'issue_refund', arguments: { orderId: -1 } } } },
    expectOutcome({ state, harness, seen }) {
      const execution = stepOf(state, 'executor');
      expect(execution.outcome).toBe('failed');
      expect(execution.reasons[0]).toMatch(/Stopped after 3 invalid tool calls/);
      expect(seen('executor')).toHaveLength(3);
      expect(refundsOf(harness.services, 1001)).toHaveLength(0);
    },
  },
];

interface Provider {
  name: string;
  start(scenario: Scenario): Promise<{ harness: TestHarness; seen: Run['seen']; verify(): void; close(): Promise<void> }>;
}

// The model names `openAIEnvironment` gives each role.
const modelNames: Record<Role, string> = { supervisor: 'router', retriever: 'answerer', executor: 'executor', reviewer: 'reviewer' };

const providers: Provider[] = [
  {
    name: 'scripted models in process',
    async start(scenario) {
      const models = scenario.scripted();
      const harness = await createTestHarness(scenario.environment ?? {}, { models: { ...createOfflineModels(), ...models } });
      return { harness, seen: (role) => seenByScripted(models[role]?.calls ?? []), verify: () => undefined, close: () => harness.close() };
    },
  },
  {
    name: 'the openai provider (a policy-following model through @langchain/openai)',
    async start(scenario) {
      const model = await startPolicyFollowingModel(scenario.quirks);
      const harness = await createTestHarness({ ...model.environment, ...scenario.environment });
      return {
        harness,
        seen: (role) => seenOnTheWire(model.chatRequests(modelNames[role])),
        verify: () => expectCleanRequests(model),
        async close() {
          await harness.close();
          await model.close();
        },
      };
    },
  },
];

for (const provider of providers) {
  describe(`supervisor over HTTP with ${provider.name}`, () => {
    for (const scenario of scenarios) {
      it(scenario.name, async () => {
        const running = await provider.start(scenario);
        try {
          const response = await running.harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage(scenario.request) });
          expect(response.status).toBe(200);
          scenario.expectOutcome({ harness: running.harness, state: (await response.json()) as FinalState, seen: running.seen });
          running.verify();
        } finally {
          await running.close();
        }
      });
    }
  });
}

describe('the effect ledger under a repeated tool call', () => {
  let harness: TestHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('does not repeat a side effect when the same tool call runs again on the thread', async () => {
    harness = await createTestHarness();
    const { services } = harness;
    const refund = { toolCalls: [{ id: 'call_refund_1001', name: 'issue_refund', args: { orderId: 1001, amountCents: 5_000, reason: 'late_delivery', note: 'Arrived late' } }] };
    const model = new ScriptedChatModel([refund, { content: 'Done.' }, refund, { content: 'Done again.' }]);
    const graph = createExecutorGraph({ models: { ...createOfflineModels(), executor: model }, tools: services.tools, effects: services.effects, checkpointer: services.checkpointer });
    const config = { configurable: { thread_id: 'exactly-once-thread' } };

    const first = await graph.invoke({ task: 'Refund $50 on order 1001' }, config);
    // A second execution of the same tool call on the same thread, as after a resume or retry.
    const second = await graph.invoke({ task: 'Refund $50 on order 1001', messages: [] }, config);

    expect(first.actions.at(-1)).toMatchObject({ tool: 'issue_refund', status: 'ok', replayed: false });
    expect(second.actions.at(-1)).toMatchObject({ tool: 'issue_refund', status: 'ok', replayed: true });
    expect(refundsOf(services, 1001)).toHaveLength(1);
  });
});
