import { describe, expect, it } from 'vitest';
import { runRuleChecks } from '../../agents/index.ts';
import { brightcartReviewChecks } from './review-checks.ts';

const failed = (checks: ReturnType<typeof runRuleChecks>) => checks.filter((check) => !check.passed).map((check) => check.name);
const sla = (deliveredAt: string, asOf: string) => ({ tool: 'check_shipment_sla', args: {}, risk: 'read' as const, status: 'ok', result: { late: true, deliveredAt, asOf } });
const refund = { tool: 'issue_refund', args: { orderId: 1001, amountCents: 100 }, risk: 'irreversible' as const, status: 'ok', result: {} };
const review = (subject: Parameters<typeof runRuleChecks>[0]) => runRuleChecks(subject, brightcartReviewChecks);

describe('Brightcart review checks', () => {
  it('requires policy evidence and a verified late delivery for a late refund, inside the 30-day window', () => {
    const citations = [{ documentId: 'refund-policy', chunkIndex: 2 }];
    expect(failed(review({ task: 'refund order 1001 because it arrived late', citations, actions: [sla('2026-03-13T10:00:00Z', '2026-04-01'), refund] }))).toEqual([]);
    expect(failed(review({ task: 'refund order 1001 because it arrived late', citations: [], actions: [refund] }))).toEqual([
      'action-backed-by-policy',
      'late-delivery-verified',
    ]);
    expect(failed(review({ task: 'refund order 1001 because it arrived late', citations, actions: [sla('2026-03-13T10:00:00Z', '2026-11-25'), refund] }))).toEqual([
      'late-refund-window',
    ]);
  });

  it('has nothing to say about a request that claims no lateness', () => {
    expect(brightcartReviewChecks.flatMap((check) => check({ task: 'refund order 1001, it is damaged', citations: [], actions: [refund] }))).toEqual([]);
  });
});
