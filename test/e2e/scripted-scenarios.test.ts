import { ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModels, ScriptedChatModel } from '../../src/agents/index.ts';
import { createExecutorGraph } from '../../src/graphs/index.ts';
import { createTestHarness, refundsOf, userMessage, type TestHarness } from '../support/test-services.ts';

interface FinalState {
  messages: Array<{ type: string; content: string }>;
  steps: Array<{ specialist: string; outcome: string; reasons: string[]; actions: Array<{ tool: string; status: string; message?: string }> }>;
  hops: number;
  result: { status: string; answer: string; reason?: string };
}

const handoff = (specialist: string, task: string) => ({
  toolCalls: [{ name: `handoff_to_${specialist}`, args: { task, acceptanceCriteria: ['Be correct'], context: '' } }],
});

/** Answers with the first passage's label, as a well-behaved model would. */
const citeFirstPassage = (messages: BaseMessage[]) => {
  const prompt = String(messages.at(-1)!.content);
  const label = /\[[^\]#\s]+#\d+\]/.exec(prompt)?.[0] ?? '';
  return { content: `Orders delivered late can be refunded in full within 30 days of delivery ${label}.` };
};

describe('supervisor over HTTP with scripted models', () => {
  let harness: TestHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('chains retriever, executor and reviewer, correcting invalid tool arguments on the way', async () => {
    const router = new ScriptedChatModel([
      handoff('retriever', 'Find the refund policy for late deliveries'),
      handoff('executor', 'Refund order 1001 in full because it arrived late'),
      handoff('reviewer', 'Review the refund of order 1001 because it arrived late'),
      { content: 'Order 1001 was refunded in full.' },
    ]);
    const executor = new ScriptedChatModel([
      { toolCalls: [{ name: 'check_shipment_sla', args: { orderId: 1001 } }] },
      { toolCalls: [{ name: 'issue_refund', args: { orderId: 1001, amountCents: 'lots', note: 'extra' } }] },
      { toolCalls: [{ name: 'issue_refund', args: { orderId: 1001, amountCents: 12_999, reason: 'late_delivery', note: 'Arrived late' } }] },
      { content: 'Refunded $129.99 on order 1001.' },
    ]);
    const retriever = new ScriptedChatModel([citeFirstPassage]);
    harness = await createTestHarness({}, { models: { ...createOfflineModels(), supervisor: router, executor, retriever } });

    const response = await harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('Refund order 1001, it came late') });
    const state = (await response.json()) as FinalState;

    expect(state.steps.map((step) => step.specialist)).toEqual(['retriever', 'executor', 'reviewer']);
    expect(state.steps[1]!.actions.map((action) => `${action.tool}:${action.status}`)).toEqual([
      'check_shipment_sla:ok',
      'issue_refund:invalid',
      'issue_refund:ok',
    ]);
    expect(state.steps[2]!.outcome).toBe('accepted');
    expect(state.result).toMatchObject({ status: 'complete', answer: 'Order 1001 was refunded in full.' });
    expect(refundsOf(harness.services, 1001)).toHaveLength(1);

    // The model saw the validation issues per field before it corrected the call.
    const correction = executor.calls[2]!.messages;
    const feedback = JSON.parse(String(correction.findLast((message) => ToolMessage.isInstance(message))!.content));
    expect(feedback.status).toBe('invalid');
    const fields = feedback.issues.map((issue: { field: string }) => issue.field);
    expect(fields).toContain('amountCents');
    expect(fields).toContain('reason');
    expect(executor.calls[0]!.tools.map((tool) => tool.name)).toContain('issue_refund');
    // The router saw each specialist's short report, not its transcript.
    const routerView = router.calls[3]!.messages.filter((message) => ToolMessage.isInstance(message));
    expect(routerView).toHaveLength(3);
  });

  it('reports a question outside the knowledge base as not covered, without asking the answer model', async () => {
    const router = new ScriptedChatModel([
      handoff('retriever', 'What is the capital of France?'),
      (messages) => {
        const report = JSON.parse(String(messages.findLast((message) => ToolMessage.isInstance(message))!.content));
        return { content: report.outcome === 'not_covered' ? 'Our knowledge base does not cover that.' : 'Answered.' };
      },
    ]);
    const retriever = new ScriptedChatModel([]);
    harness = await createTestHarness({}, { models: { ...createOfflineModels(), supervisor: router, retriever } });
    const state = (await (await harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('What is the capital of France?') })).json()) as FinalState;
    expect(state.steps[0]!.outcome).toBe('not_covered');
    expect(state.messages.at(-1)!.content).toBe('Our knowledge base does not cover that.');
    expect(retriever.calls).toHaveLength(0);
  });

  it('stops a looping router at the hop budget with a partial result', async () => {
    const router = new ScriptedChatModel(
      [(messages) => handoff('retriever', `Look once more (attempt ${messages.length})`)],
      { whenExhausted: 'repeat-last' },
    );
    const retriever = new ScriptedChatModel([citeFirstPassage], { whenExhausted: 'repeat-last' });
    harness = await createTestHarness({ MAX_HOPS: '3' }, { models: { ...createOfflineModels(), supervisor: router, retriever } });

    const response = await harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('What is the refund policy?') });
    expect(response.status).toBe(200);
    const state = (await response.json()) as FinalState;
    expect(state.hops).toBe(3);
    expect(state.result.status).toBe('partial');
    expect(state.result.reason).toBe('hop budget of 3 exhausted');
    expect(state.messages.at(-1)!.content).toMatch(/I stopped before finishing: hop budget of 3 exhausted/);
    expect(router.calls).toHaveLength(3);
  });

  it('stops a router that repeats the same handoff as a loop', async () => {
    const router = new ScriptedChatModel([handoff('retriever', 'Same task')], { whenExhausted: 'repeat-last' });
    const retriever = new ScriptedChatModel([citeFirstPassage], { whenExhausted: 'repeat-last' });
    harness = await createTestHarness({}, { models: { ...createOfflineModels(), supervisor: router, retriever } });
    const state = (await (await harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('Refund policy?') })).json()) as FinalState;
    expect(state.result.status).toBe('partial');
    expect(state.result.reason).toMatch(/^loop detected/);
    expect(state.hops).toBe(2);
  });

  it('gives up after a bounded number of invalid tool calls', async () => {
    const executor = new ScriptedChatModel([{ toolCalls: [{ name: 'issue_refund', args: { orderId: -1 } }] }], { whenExhausted: 'repeat-last' });
    const router = new ScriptedChatModel([handoff('executor', 'Refund order 1001'), { content: 'Could not refund.' }]);
    harness = await createTestHarness({ MAX_TOOL_ATTEMPTS: '3' }, { models: { ...createOfflineModels(), supervisor: router, executor } });
    const state = (await (await harness.post('/runs/wait', { assistant_id: 'supervisor', input: userMessage('Refund order 1001') })).json()) as FinalState;
    expect(state.steps[0]!.outcome).toBe('failed');
    expect(state.steps[0]!.reasons[0]).toMatch(/Stopped after 3 invalid tool calls/);
    expect(executor.calls).toHaveLength(3);
    expect(refundsOf(harness.services, 1001)).toHaveLength(0);
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
