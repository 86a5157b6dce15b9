import { describe, expect, it } from 'vitest';
import { readResumeDecisions, restoreArgumentTypes } from './hitl-interrupt.ts';

describe('readResumeDecisions', () => {
  it('reads LangChain decisions, with edited_action (agent-chat-ui, Python) or editedAction (LangChain JS)', () => {
    expect(readResumeDecisions({ decisions: [{ type: 'approve' }] })).toEqual([{ decision: 'approve' }]);
    expect(readResumeDecisions({ decisions: [{ type: 'reject', message: 'No' }] })).toEqual([{ decision: 'reject', reason: 'No' }]);
    const edited = { name: 'issue_refund', args: { orderId: 1004, amountCents: 100 } };
    expect(readResumeDecisions({ decisions: [{ type: 'edit', edited_action: edited }] })).toEqual([{ decision: 'edit', tool: 'issue_refund', args: edited.args }]);
    expect(readResumeDecisions({ decisions: [{ type: 'edit', editedAction: edited }] })).toEqual([{ decision: 'edit', tool: 'issue_refund', args: edited.args }]);
  });

  it('reads Agent Inbox responses: accept, edit, a text response, ignore', () => {
    expect(readResumeDecisions([{ type: 'accept', args: null }])).toEqual([{ decision: 'approve' }]);
    expect(readResumeDecisions([{ type: 'edit', args: { action: 'issue_refund', args: { amountCents: 5 } } }])).toEqual([{ decision: 'edit', tool: 'issue_refund', args: { amountCents: 5 } }]);
    expect(readResumeDecisions([{ type: 'response', args: 'Call them first' }])).toEqual([{ decision: 'reject', reason: 'Call them first' }]);
    expect(readResumeDecisions([{ type: 'ignore', args: null }])).toEqual([{ decision: 'reject' }]);
  });

  it('leaves other resume values alone', () => {
    for (const value of [{ approvalId: 'abc' }, 'abc', 42, [1, 2], [], null, { decisionz: [] }]) expect(readResumeDecisions(value)).toBeUndefined();
  });

  it('refuses a malformed decision, naming where it is', () => {
    expect(() => readResumeDecisions({ decisions: [{ type: 'edit' }] })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => readResumeDecisions({ decisions: [{ type: 'maybe' }] })).toThrow(expect.objectContaining({
      details: [expect.objectContaining({ path: 'command.resume.decisions.0.type' })],
    }));
    expect(() => readResumeDecisions({ decisions: [] })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('restoreArgumentTypes', () => {
  it('turns text back into the number, boolean or JSON the request had', () => {
    const original = { orderId: 1004, amountCents: 84_200, notify: true, items: [1], note: 'late' };
    expect(restoreArgumentTypes(original, { orderId: '1004', amountCents: ' 40000 ', notify: 'false', items: '[2,3]', note: '7' }))
      .toEqual({ orderId: 1004, amountCents: 40_000, notify: false, items: [2, 3], note: '7' });
  });

  it('leaves text that does not parse as the original type for validation to refuse', () => {
    expect(restoreArgumentTypes({ amountCents: 1 }, { amountCents: '40k', extra: 'x' })).toEqual({ amountCents: '40k', extra: 'x' });
    expect(restoreArgumentTypes({ items: [1] }, { items: '{"a":1}' })).toEqual({ items: '{"a":1}' });
  });
});
