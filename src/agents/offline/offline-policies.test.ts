import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { buildExecutorMessages, buildRetrieverAnswerMessages, buildRouterMessages, specialistDescriptions } from '../prompts/index.ts';
import { offlineAnswerPolicy } from './offline-answerer.ts';
import { offlineExecutorPolicy } from './offline-executor.ts';
import { offlineRouterPolicy } from './offline-router.ts';

const handoffTools = (['retriever', 'executor', 'reviewer'] as const).map((name) => ({ name: `handoff_to_${name}`, description: specialistDescriptions[name] }));
const orderTools = ['lookup_order', 'check_shipment_sla', 'compute_late_penalty', 'issue_refund', 'create_credit_memo', 'cancel_order'].map((name) => ({
  name,
  description: name,
}));

function route(request: string, steps: Array<{ specialist: 'retriever' | 'executor' | 'reviewer'; outcome: string; summary?: string }> = [], topScore = 0.9) {
  const messages = buildRouterMessages(
    [new HumanMessage(request)],
    steps.map((step, index) => ({ hop: index + 1, task: request, summary: step.summary ?? 'done', citations: [], actions: [], reasons: [], flags: [], ...step }) as never),
    { topScore, documents: [] },
  );
  return offlineRouterPolicy({ messages, tools: handoffTools });
}

describe('offline router', () => {
  it('sends a covered question to the retriever, then the reviewer, then answers', () => {
    expect(route('What is the warranty on electronics?').toolCalls?.[0]?.name).toBe('handoff_to_retriever');
    expect(route('What is the warranty on electronics?', [{ specialist: 'retriever', outcome: 'answered' }]).toolCalls?.[0]?.name).toBe('handoff_to_reviewer');
    const done = route('What is the warranty on electronics?', [
      { specialist: 'retriever', outcome: 'answered', summary: 'Two years [warranty#1].' },
      { specialist: 'reviewer', outcome: 'accepted' },
    ]);
    expect(done.toolCalls ?? []).toEqual([]);
    expect(done.content).toContain('Two years [warranty#1].');
  });

  it('answers an uncovered question at once, by the probe score', () => {
    const reply = route('What is the capital of France?', [], 0.05);
    expect(reply.toolCalls ?? []).toEqual([]);
    expect(reply.content).toMatch(/does not cover this \(its best match scored 0\.05\)/);
  });

  it('looks up policy before an action that claims policy grounds, and reviews after it', () => {
    const request = 'Refund order 1001 because it arrived late';
    expect(route(request).toolCalls?.[0]?.name).toBe('handoff_to_retriever');
    expect(route(request).toolCalls?.[0]?.args.task).toMatch(/^Find the policy/);
    expect(route(request, [{ specialist: 'retriever', outcome: 'answered' }]).toolCalls?.[0]?.name).toBe('handoff_to_executor');
    expect(
      route(request, [
        { specialist: 'retriever', outcome: 'answered' },
        { specialist: 'executor', outcome: 'completed' },
      ]).toolCalls?.[0]?.name,
    ).toBe('handoff_to_reviewer');
  });

  it('goes straight to the executor for an action without policy grounds', () => {
    expect(route('Cancel order 1006 please').toolCalls?.[0]?.name).toBe('handoff_to_executor');
  });

  it('sends an answer back to the retriever once when the reviewer asks, but never re-runs an action', () => {
    const again = route('What is the warranty?', [
      { specialist: 'retriever', outcome: 'answered' },
      { specialist: 'reviewer', outcome: 'revise' },
    ]);
    expect(again.toolCalls?.[0]?.name).toBe('handoff_to_retriever');
    const action = route('Refund order 1001', [
      { specialist: 'executor', outcome: 'completed' },
      { specialist: 'reviewer', outcome: 'revise' },
    ]);
    expect(action.toolCalls ?? []).toEqual([]);
  });
});

describe('offline answerer', () => {
  it('answers only with sentences from the passages, each with its label', () => {
    const messages = buildRetrieverAnswerMessages({
      task: 'How long is the warranty on electronics?',
      acceptanceCriteria: [],
      passages: [
        { documentId: 'warranty', chunkIndex: 1, text: 'Electronics carry a warranty of 24 months against manufacturing defects. Furniture is different.' },
        { documentId: 'gift-cards', chunkIndex: 0, text: 'Gift cards never expire.' },
      ],
    });
    const reply = offlineAnswerPolicy({ messages, tools: [] });
    expect(reply.content).toBe('Electronics carry a warranty of 24 months against manufacturing defects. [warranty#1]');
  });

  it('says the knowledge base does not cover a task no sentence matches', () => {
    const messages = buildRetrieverAnswerMessages({ task: 'Who won the match?', acceptanceCriteria: [], passages: [{ documentId: 'gift-cards', chunkIndex: 0, text: 'Gift cards never expire at all.' }] });
    expect(offlineAnswerPolicy({ messages, tools: [] }).content).toBe('The knowledge base does not cover this.');
  });
});

describe('offline executor', () => {
  function act(task: string, observations: Array<[string, unknown]> = []): ReturnType<typeof offlineExecutorPolicy> {
    const messages: BaseMessage[] = buildExecutorMessages({ task, acceptanceCriteria: [], context: '' });
    observations.forEach(([tool, outcome], index) => {
      messages.push(new AIMessage({ content: '', tool_calls: [{ id: `c${index}`, name: tool, args: {}, type: 'tool_call' }] }));
      messages.push(new ToolMessage({ tool_call_id: `c${index}`, content: JSON.stringify(outcome) }));
    });
    return offlineExecutorPolicy({ messages, tools: orderTools });
  }

  it('reads before it refunds, and refunds what is refundable', () => {
    const task = 'Refund order 1001 because it arrived late';
    expect(act(task).toolCalls?.[0]).toEqual({ name: 'check_shipment_sla', args: { orderId: 1001 } });
    const late = { status: 'ok', result: { late: true, deliveredAt: '2026-03-13T10:00:00Z', asOf: '2026-04-01' } };
    expect(act(task, [['check_shipment_sla', late]]).toolCalls?.[0]).toEqual({ name: 'lookup_order', args: { orderId: 1001 } });
    const order = { status: 'ok', result: { refundableRemainingCents: 12_999 } };
    expect(act(task, [['check_shipment_sla', late], ['lookup_order', order]]).toolCalls?.[0]).toEqual({
      name: 'issue_refund',
      args: { orderId: 1001, amountCents: 12_999, reason: 'late_delivery', note: 'because it arrived late' },
    });
  });

  it('names the refund reason the request states, and customer_request when it states none', () => {
    const order = { status: 'ok', result: { refundableRemainingCents: 5_450 } };
    const reasonOf = (task: string) => act(task, [['lookup_order', order]]).toolCalls?.[0]?.args.reason;
    expect(reasonOf('Please refund order 1002 in full.')).toBe('customer_request');
    expect(reasonOf('I changed my mind, refund order 1002')).toBe('customer_request');
    expect(reasonOf('My manager already approved it: refund order 1002')).toBe('customer_request');
    expect(reasonOf('Please refund order 1002 as the VIP goodwill policy says')).toBe('goodwill');
    expect(reasonOf('Refund order 1002, the lamp arrived broken')).toBe('damaged_item');
    expect(reasonOf('Refund order 1002, you have received my return')).toBe('return_received');
  });

  it('proposes the maximum once when the policy review refuses a higher amount it was not asked for', () => {
    const task = 'Refund order 1275, the lamp arrived damaged';
    const order = ['lookup_order', { status: 'ok', result: { refundableRemainingCents: 21_497 } }] as [string, unknown];
    const first = act(task, [order]).toolCalls?.[0];
    expect(first).toEqual({ name: 'issue_refund', args: { orderId: 1275, amountCents: 21_497, reason: 'damaged_item' } });
    const refused = { status: 'forbidden', message: 'At most $59.99 can be refunded on order 1275 for this reason.', details: { maxAmountCents: 5_999 } };
    const messages = buildExecutorMessages({ task, acceptanceCriteria: [], context: '' });
    messages.push(new AIMessage({ content: '', tool_calls: [{ id: 'a', name: 'lookup_order', args: { orderId: 1275 }, type: 'tool_call' }] }), new ToolMessage({ tool_call_id: 'a', content: JSON.stringify(order[1]) }));
    messages.push(new AIMessage({ content: '', tool_calls: [{ id: 'b', name: 'issue_refund', args: first!.args, type: 'tool_call' }] }), new ToolMessage({ tool_call_id: 'b', content: JSON.stringify(refused) }));
    const second = offlineExecutorPolicy({ messages, tools: orderTools }).toolCalls?.[0];
    expect(second).toEqual({ name: 'issue_refund', args: { orderId: 1275, amountCents: 5_999, reason: 'damaged_item' } });
    messages.push(new AIMessage({ content: '', tool_calls: [{ id: 'c', name: 'issue_refund', args: second!.args, type: 'tool_call' }] }), new ToolMessage({ tool_call_id: 'c', content: JSON.stringify({ ...refused, details: { maxAmountCents: 1 } }) }));
    expect(offlineExecutorPolicy({ messages, tools: orderTools }).content).toMatch(/^No refund was issued\./);
  });

  it('tells the customer a refusal without tool names or instructions meant for the model', () => {
    const rejected = { status: 'forbidden', message: 'A person rejected this "issue_refund" call: already credited. Do not retry it; tell the user.' };
    const reply = act('Refund order 1001 in full', [['lookup_order', { status: 'ok', result: { refundableRemainingCents: 100 } }], ['issue_refund', rejected]]).content;
    expect(reply).toBe('No refund was issued. A person rejected this request: already credited.');
  });

  it('stops when a read shows the action is not warranted', () => {
    const task = 'Refund order 1002 because it arrived late';
    expect(act(task, [['check_shipment_sla', { status: 'ok', result: { late: false } }]]).content).toMatch(/not delivered late/);
    const tooLate = { status: 'ok', result: { late: true, deliveredAt: '2026-03-13T10:00:00Z', asOf: '2026-11-25' } };
    expect(act('Refund order 1001 because it arrived late', [['check_shipment_sla', tooLate]]).content).toMatch(/more than 30 days ago/);
  });

  it('executes an explicit call exactly as written, once', () => {
    const task = 'issue_refund {"orderId": 1001, "amountCents": 500, "reason": "goodwill"}';
    expect(act(task).toolCalls?.[0]).toEqual({ name: 'issue_refund', args: { orderId: 1001, amountCents: 500, reason: 'goodwill' } });
    expect(act(task, [['issue_refund', { status: 'ok', result: { summary: 'Refunded $5.00 on order 1001.' } }]]).content).toBe('Refunded $5.00 on order 1001.');
  });

  it('does nothing without an order number', () => {
    expect(act('Refund my last purchase').content).toMatch(/names no order number/);
  });
});
