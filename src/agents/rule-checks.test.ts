import { describe, expect, it } from 'vitest';
import { runRuleChecks } from './rule-checks.ts';

const failed = (checks: ReturnType<typeof runRuleChecks>) => checks.filter((check) => !check.passed).map((check) => check.name);
const refund = { tool: 'issue_refund', args: { orderId: 1001, amountCents: 100 }, risk: 'irreversible' as const, status: 'ok', result: {} };

describe('reviewer rule checks', () => {
  it('passes a cited answer whose citations were retrieved', () => {
    const checks = runRuleChecks({ task: 'What is the warranty?', answer: 'Two years [warranty#1].', citations: [{ documentId: 'warranty', chunkIndex: 1 }], actions: [] });
    expect(failed(checks)).toEqual([]);
  });

  it('fails an answer that cites nothing, or cites what was not retrieved', () => {
    expect(failed(runRuleChecks({ task: 'q', answer: 'Refunds take two years.', citations: [], actions: [] }))).toEqual(['answer-cites-sources']);
    expect(failed(runRuleChecks({ task: 'q', answer: 'Yes [made-up#3].', citations: [], actions: [] }))).toEqual(['citations-resolve']);
  });

  it('fails an effect performed twice and an effect that failed unresolved', () => {
    const twice = runRuleChecks({ task: 'refund order 1001', citations: [], actions: [refund, refund] });
    expect(failed(twice)).toContain('no-duplicate-effects');
    const broken = runRuleChecks({ task: 'refund order 1001', citations: [], actions: [{ ...refund, status: 'in_doubt' }] });
    expect(failed(broken)).toContain('actions-succeeded');
  });

  it('runs the domain\'s own checks after the generic ones', () => {
    const needsTicket = (subject: { task: string }) => [{ name: 'ticket-named', passed: /ticket \d+/.test(subject.task), detail: 'the request names its ticket' }];
    const checks = runRuleChecks({ task: 'refund order 1001', citations: [], actions: [refund] }, [needsTicket]);
    expect(checks.at(-1)).toEqual({ name: 'ticket-named', passed: false, detail: 'the request names its ticket' });
    expect(failed(runRuleChecks({ task: 'refund order 1001 for ticket 7', citations: [], actions: [refund] }, [needsTicket]))).toEqual([]);
  });

  it('fails text for the customer that shows tool names, cents, internal fields or raw data', () => {
    const check = (summary: string) => runRuleChecks({ task: 'cancel order 1006', summary, citations: [], actions: [{ ...refund, status: 'forbidden' }] })
      .find((candidate) => candidate.name === 'customer-text-clean')!;
    expect(check('Order 1006 is cancelled and the $88.50 you paid is refunded to your card.').passed).toBe(true);
    const leaked = check('The $88.50 paid is not refunded automatically: issue a refund of 8850 cents with issue_refund.');
    expect(leaked.passed).toBe(false);
    expect(leaked.detail).toBe('the text for the customer shows a tool name, an internal identifier, an amount in cents');
    expect(leaked.detail).not.toContain('issue_refund');
    expect(check('Done: {"refundableRemainingCents": 0}').detail).toMatch(/an internal field name, raw data/);
  });

  it('fails an effect whose post-check did not find it in the records', () => {
    const unconfirmed = { ...refund, postCheck: { confirmed: false, checks: [{ rule: 'refund-within-limit', confirmed: false, detail: 'no refund row carries this call\'s key' }] } };
    const checks = runRuleChecks({ task: 'refund order 1001', citations: [], actions: [unconfirmed] });
    expect(failed(checks)).toEqual(['effects-confirmed']);
    expect(checks.find((check) => check.name === 'effects-confirmed')!.detail).toBe("no refund row carries this call's key");
    const confirmed = { ...refund, postCheck: { confirmed: true, checks: [] } };
    expect(failed(runRuleChecks({ task: 'refund order 1001', citations: [], actions: [confirmed] }))).toEqual([]);
  });
});
