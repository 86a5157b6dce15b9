import type { DomainReviewCheck, RuleCheck } from '../../contracts/index.ts';
import { daysSinceDelivery, lateRefundWindowDays } from './shipping-policy.ts';

const lateClaim = /\b(late|delayed|arrived after)\b/i;

/**
 * A request that calls the order late and got an action needs the shipment check that says
 * so, and a late-delivery refund must fall inside its window after delivery.
 */
export const lateDeliveryReviewCheck: DomainReviewCheck = (subject) => {
  const done = subject.actions.filter((action) => action.risk !== 'read' && action.status === 'ok');
  if (done.length === 0 || !lateClaim.test(subject.task)) return [];
  const checks: RuleCheck[] = [];
  const sla = subject.actions.find((action) => action.tool === 'check_shipment_sla' && action.status === 'ok');
  const late = (sla?.result as { late?: unknown } | undefined)?.late === true;
  checks.push({
    name: 'late-delivery-verified',
    passed: late,
    detail: late ? 'the shipment check confirms the order was late' : 'the request says the order was late, but no shipment check confirmed it',
  });
  const refunded = done.some((action) => action.tool === 'issue_refund');
  const { deliveredAt, asOf } = (sla?.result ?? {}) as { deliveredAt?: string | null; asOf?: string };
  if (refunded && deliveredAt && asOf) {
    const days = daysSinceDelivery(deliveredAt, asOf);
    checks.push({
      name: 'late-refund-window',
      passed: days <= lateRefundWindowDays,
      detail: `refund requested ${days} day(s) after delivery (window: ${lateRefundWindowDays})`,
    });
  }
  return checks;
};

/** The review rules the sample domain adds to the generic ones. */
export const brightcartReviewChecks: DomainReviewCheck[] = [lateDeliveryReviewCheck];
