import { definePolicyRule } from '../../tools/index.ts';
import type { OrderPolicyFacts } from './load-order-policy-facts.ts';
import { formatCents } from './money.ts';
import { orderPolicySections as sections } from './order-policy-sections.ts';

/** What a support agent may refund without a support manager (the refund policy). */
export const agentRefundLimitCents = 50_000;

/**
 * `cancellation-before-shipment`: only an order that has not shipped is cancelled, and since
 * cancelling refunds what was paid, a refund above what an agent may give needs a manager.
 */
export const cancellationRule = definePolicyRule<OrderPolicyFacts>({
  name: 'cancellation-before-shipment',
  tools: ['cancel_order'],
  description: 'Cancel only before shipment; the refund it makes follows the approval limit.',
  check({ facts }) {
    const { orderId, order } = facts;
    if (order === undefined) return { decision: 'refuse', reason: `There is no order ${orderId}.` };
    if (order.status === 'cancelled') return { decision: 'refuse', reason: `Order ${orderId} is already cancelled.` };
    if (order.shipment.shippedAt !== null) {
      return { decision: 'refuse', reason: `Order ${orderId} has already shipped, so it can no longer be cancelled; it can be returned instead.`, section: sections.cancellationAfterShipment };
    }
    const refund = Math.max(0, order.paidCents - order.refundedCents);
    if (refund > agentRefundLimitCents) {
      return {
        decision: 'hold',
        reason: `Cancelling order ${orderId} refunds ${formatCents(refund)}, more than the ${formatCents(agentRefundLimitCents)} a support agent may refund without a support manager.`,
        section: sections.largeRefunds,
      };
    }
    return { decision: 'allow', detail: refund > 0 ? `cancelling refunds ${formatCents(refund)}` : 'nothing was paid' };
  },
  confirm({ facts, context }) {
    const { order } = facts;
    if (order?.status !== 'cancelled') return { confirmed: false, detail: 'the order is not cancelled' };
    if (order.refundedCents > order.paidCents) return { confirmed: false, detail: 'refunds exceed the amount paid' };
    if (order.paidCents > order.refundedCents) return { confirmed: false, detail: `${formatCents(order.paidCents - order.refundedCents)} paid is still not refunded` };
    const refund = facts.refunds.find((entry) => entry.idempotencyKey === context.idempotencyKey);
    return { confirmed: true, detail: refund ? `cancelled; refund ${refund.id} of ${formatCents(refund.amountCents)} recorded` : 'cancelled; nothing was left to refund' };
  },
});
