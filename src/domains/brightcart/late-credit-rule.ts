import { definePolicyRule } from '../../tools/index.ts';
import type { OrderPolicyFacts } from './load-order-policy-facts.ts';
import { formatCents } from './money.ts';
import { orderPolicySections as sections } from './order-policy-sections.ts';
import { latePenaltyCapPercent, latePenaltyPercentPerDay } from './shipping-policy.ts';

/**
 * `late-credit-by-formula`: store credit only for a late delivery, by the published formula
 * (10% of the order total per full day late, capped at 50%) minus credit already given, and
 * never on top of a late-delivery refund, which replaces the credit.
 */
export const lateCreditRule = definePolicyRule<OrderPolicyFacts>({
  name: 'late-credit-by-formula',
  tools: ['create_credit_memo'],
  description: 'Late-delivery credit by its formula, never combined with a late-delivery refund.',
  check({ args, facts }) {
    const { orderId, order } = facts;
    if (order === undefined) return { decision: 'refuse', reason: `There is no order ${orderId}.` };
    if (order.fullyRefunded || facts.refunds.some((refund) => refund.reason === 'late_delivery')) {
      return { decision: 'refuse', reason: `Order ${orderId} already had a late-delivery refund, which replaces the late-delivery credit.`, section: sections.creditNotCombined, details: { maxAmountCents: 0 } };
    }
    if (!order.late) {
      return { decision: 'refuse', reason: `Order ${orderId} was not late (promised by ${order.promisedBy}), so no late-delivery credit is owed.`, section: sections.lateDefinition, details: { maxAmountCents: 0 } };
    }
    const remaining = Math.max(0, order.penalty.penaltyCents - order.creditedCents);
    const amount = Number(args.amountCents);
    if (amount > remaining) {
      const uncapped = order.daysLate * latePenaltyPercentPerDay;
      const rate = uncapped > latePenaltyCapPercent ? `${uncapped}%, capped at ${latePenaltyCapPercent}%` : `${uncapped}%`;
      return {
        decision: 'refuse',
        reason: `At most ${formatCents(remaining)} more store credit can be given for order ${orderId}: ${order.daysLate} full day(s) late gives ${rate} of ${formatCents(order.totalCents)} = ${formatCents(order.penalty.penaltyCents)}, and ${formatCents(order.creditedCents)} was already credited.`,
        section: sections.lateCredit,
        details: { maxAmountCents: remaining },
      };
    }
    return { decision: 'allow', detail: `${formatCents(amount)} of at most ${formatCents(remaining)}` };
  },
  confirm({ args, facts, context }) {
    const memo = facts.creditMemos.find((entry) => entry.idempotencyKey === context.idempotencyKey);
    if (memo === undefined) return { confirmed: false, detail: 'no credit memo carries this call\'s key' };
    if (memo.amountCents !== Number(args.amountCents)) return { confirmed: false, detail: `the credit memo holds ${formatCents(memo.amountCents)}, not the amount proposed` };
    return { confirmed: true, detail: `credit memo ${memo.id} of ${formatCents(memo.amountCents)} recorded` };
  },
});
