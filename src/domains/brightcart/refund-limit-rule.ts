import { definePolicyRule, type PolicySection } from '../../tools/index.ts';
import type { OrderPolicyFacts } from './load-order-policy-facts.ts';
import { formatCents } from './money.ts';
import type { RefundReason } from './order-arguments.ts';
import { orderPolicySections as sections } from './order-policy-sections.ts';
import { eligibleDamageReports } from './refund-reason-rule.ts';

export const returnLabelCents = 695;

export interface RefundLimit {
  maxCents: number;
  /** How the maximum was reached, in words a customer can follow. */
  basis: string;
  section: PolicySection;
}

/**
 * The most a refund for `reason` may be on this order: never more than paid minus earlier
 * refunds; for a late delivery, a late-delivery credit already given is deducted; for a
 * return, the received items less the label; for damage, the reported items. Undefined
 * when the reason's own condition does not hold (the reason rule refuses those).
 */
export function refundLimitOf(reason: RefundReason, facts: OrderPolicyFacts): RefundLimit | undefined {
  const { order } = facts;
  if (order === undefined) return undefined;
  const remaining = Math.max(0, order.paidCents - order.refundedCents);
  const paid = `paid ${formatCents(order.paidCents)}, refunded so far ${formatCents(order.refundedCents)}`;
  const refundedFor = (kind: RefundReason) => facts.refunds.filter((refund) => refund.reason === kind).reduce((sum, refund) => sum + refund.amountCents, 0);
  switch (reason) {
    case 'late_delivery': {
      if (!order.late) return undefined;
      const max = Math.max(0, remaining - order.creditedCents);
      return order.creditedCents > 0
        ? { maxCents: max, basis: `${paid}, late-delivery credit ${formatCents(order.creditedCents)} deducted`, section: sections.creditDeducted }
        : { maxCents: max, basis: paid, section: sections.refundCeiling };
    }
    case 'return_received': {
      const received = facts.returns.filter((entry) => entry.status === 'received');
      if (received.length === 0) return undefined;
      const worth = received.reduce((sum, entry) => sum + entry.quantity * entry.unitPriceCents, 0);
      // The label is free when the return is because of lateness, damage or a wrong item.
      const freeLabel = order.late || facts.damageReports.length > 0;
      const label = freeLabel ? 0 : returnLabelCents;
      const earlier = refundedFor('return_received');
      return {
        maxCents: Math.max(0, Math.min(remaining, worth - label - earlier)),
        basis: `returned items worth ${formatCents(worth)} received${label ? `, return label ${formatCents(label)} deducted` : ''}${earlier ? `, ${formatCents(earlier)} already refunded for returns` : ''}; ${paid}`,
        section: label ? sections.returnLabel : sections.refundCeiling,
      };
    }
    case 'damaged_item': {
      const reports = eligibleDamageReports(facts);
      if (reports.length === 0) return undefined;
      const worth = reports.reduce((sum, report) => sum + report.quantity * report.unitPriceCents, 0);
      const earlier = refundedFor('damaged_item');
      return {
        maxCents: Math.max(0, Math.min(remaining, worth - earlier)),
        basis: `the damaged or defective items cost ${formatCents(worth)}${earlier ? `, ${formatCents(earlier)} already refunded for them` : ''}; ${paid}`,
        section: sections.damageRefund,
      };
    }
    case 'cancelled_before_shipment':
      if (order.status !== 'cancelled') return undefined;
      return { maxCents: remaining, basis: paid, section: sections.refundCeiling };
    case 'goodwill':
      return { maxCents: remaining, basis: paid, section: sections.refundCeiling };
    default:
      return undefined;
  }
}

/**
 * `refund-within-limit`: the amount may not exceed what the policy allows for the reason.
 * Never adjusted silently: a refusal names the maximum so the call can be proposed again.
 */
export const refundLimitRule = definePolicyRule<OrderPolicyFacts>({
  name: 'refund-within-limit',
  tools: ['issue_refund'],
  description: 'A refund is at most the amount paid minus earlier refunds and the credits the policy deducts.',
  check({ args, facts }) {
    const limit = refundLimitOf(args.reason as RefundReason, facts);
    // An ineligible reason is the reason rule's refusal; one reason per refusal reads best.
    if (limit === undefined) return { decision: 'allow', detail: 'no limit applies to an ineligible reason' };
    const amount = Number(args.amountCents);
    if (limit.maxCents <= 0) {
      return { decision: 'refuse', reason: `Nothing is left to refund on order ${facts.orderId} for this reason (${limit.basis}).`, section: limit.section, details: { maxAmountCents: 0 } };
    }
    if (amount > limit.maxCents) {
      return {
        decision: 'refuse',
        reason: `At most ${formatCents(limit.maxCents)} can be refunded on order ${facts.orderId} for this reason (${limit.basis}).`,
        section: limit.section,
        details: { maxAmountCents: limit.maxCents },
      };
    }
    return { decision: 'allow', detail: `${formatCents(amount)} of at most ${formatCents(limit.maxCents)}` };
  },
  confirm({ args, facts, context }) {
    const row = facts.refunds.find((refund) => refund.idempotencyKey === context.idempotencyKey);
    if (row === undefined) return { confirmed: false, detail: 'no refund row carries this call\'s key' };
    if (row.amountCents !== Number(args.amountCents)) return { confirmed: false, detail: `the refund row holds ${formatCents(row.amountCents)}, not the ${formatCents(Number(args.amountCents))} proposed` };
    const order = facts.order!;
    if (order.refundedCents > order.paidCents) return { confirmed: false, detail: `refunds (${formatCents(order.refundedCents)}) exceed the amount paid (${formatCents(order.paidCents)})` };
    return { confirmed: true, detail: `refund ${row.id} of ${formatCents(row.amountCents)} recorded; refunded ${formatCents(order.refundedCents)} of ${formatCents(order.paidCents)} paid` };
  },
});
