import { definePolicyRule } from '../../tools/index.ts';
import type { OrderPolicyFacts } from './load-order-policy-facts.ts';
import { orderPolicySections as sections } from './order-policy-sections.ts';

/** Days after delivery an ordinary return may be started (returns and exchanges). */
export const returnWindowDays = 30;

/**
 * `return-within-window`: a return is started only for a delivered order, within 30 days of
 * delivery counted from the delivery date; later, a support manager may make an exception.
 */
export const returnWindowRule = definePolicyRule<OrderPolicyFacts>({
  name: 'return-within-window',
  tools: ['start_return'],
  description: 'Returns are accepted within 30 days of delivery.',
  check({ facts }) {
    const { orderId, order } = facts;
    if (order === undefined) return { decision: 'refuse', reason: `There is no order ${orderId}.` };
    if (order.status === 'cancelled') return { decision: 'refuse', reason: `Order ${orderId} is cancelled; there is nothing to return.` };
    if (order.shipment.deliveredAt === null || facts.daysSinceDelivery === null) {
      return { decision: 'refuse', reason: `Order ${orderId} has not been delivered yet; a return starts after delivery.`, section: sections.returnWindow };
    }
    if (facts.daysSinceDelivery > returnWindowDays) {
      return {
        decision: 'refuse',
        reason: `Order ${orderId} was delivered on ${order.shipment.deliveredAt.slice(0, 10)}, ${facts.daysSinceDelivery} days ago, outside the ${returnWindowDays}-day return window.`,
        section: sections.returnsAfterWindow,
      };
    }
    return { decision: 'allow', detail: `day ${facts.daysSinceDelivery} of ${returnWindowDays} after delivery` };
  },
  confirm({ facts, args }) {
    const started = facts.returns.some((entry) => entry.sku === args.sku && entry.status === 'started');
    return started ? { confirmed: true, detail: `a return of ${String(args.sku)} is recorded` } : { confirmed: false, detail: 'no return of that item is recorded' };
  },
});
