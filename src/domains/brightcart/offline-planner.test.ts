import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { buildExecutorMessages, createOfflineExecutorPolicy } from '../../agents/index.ts';
import { brightcartOfflinePlanner } from './offline-planner.ts';

const offlineExecutorPolicy = createOfflineExecutorPolicy(brightcartOfflinePlanner);
const orderTools = ['lookup_order', 'check_shipment_sla', 'compute_late_penalty', 'issue_refund', 'create_credit_memo', 'cancel_order'].map((name) => ({
  name,
  description: name,
}));


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
