import { z } from 'zod';
import { inTransaction } from '../../storage/index.ts';
import { defineTool, ToolError } from '../../tools/index.ts';
import { requireOrderFacts } from './load-order-facts.ts';
import { formatCents } from './money.ts';
import { orderIdArgument, orderScopes, reasonArgument } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';
import { refundReasonText } from './refund-reason-of.ts';
import { refundDestinationOf, refundTimingOf } from './refund-timing.ts';

/**
 * `cancel_order`: cancel an order that has not shipped yet and, in the same transaction,
 * refund what was paid (the cancellation policy: free, the charge refunded), so a cancelled
 * order never stays charged. The refund row carries the call's idempotency key.
 */
export function createCancelOrderTool(dependencies: OrderToolsDependencies) {
  const { database, clock } = dependencies;
  return defineTool({
    name: 'cancel_order',
    description: 'Cancel a Brightcart order that has not shipped yet (free) and refund what was paid to the original payment method. '
      + 'Shipped orders cannot be cancelled; the customer returns them instead. A cancellation refunding more than $500.00 waits for a support manager.',
    risk: 'irreversible',
    scopes: [orderScopes.cancel],
    input: z.strictObject({ orderId: orderIdArgument, reason: reasonArgument }),
    async execute({ orderId, reason }, context) {
      return inTransaction(database, () => {
        const facts = requireOrderFacts(database, orderId, clock());
        if (facts.status === 'cancelled') throw new ToolError(`Order ${orderId} is already cancelled (since ${facts.cancelledAt}).`);
        if (facts.shipment.status !== 'not_shipped') {
          throw new ToolError(`Order ${orderId} has already shipped (${facts.shipment.shippedAt}), so it cannot be cancelled; the customer can return it instead.`);
        }
        const cancelledAt = clock().toISOString();
        database.prepare(`UPDATE orders SET status = 'cancelled', cancelled_at = ?, cancel_reason = ? WHERE id = ? AND status = 'placed'`)
          .run(cancelledAt, reason, orderId);
        const refundCents = facts.refundableRemainingCents;
        const refundId = refundCents > 0
          ? Number(database.prepare('INSERT INTO refunds (order_id, amount_cents, reason, created_at, idempotency_key) VALUES (?, ?, ?, ?, ?)')
            .run(orderId, refundCents, refundReasonText('cancelled_before_shipment', reason), cancelledAt, context.idempotencyKey).lastInsertRowid)
          : null;
        const destination = refundDestinationOf(facts.paymentMethod);
        return {
          orderId,
          status: 'cancelled' as const,
          cancelledAt,
          reason,
          amountPaidCents: facts.paidCents,
          refundedNowCents: refundCents,
          refundId,
          paymentMethod: facts.paymentMethod,
          summary: refundCents > 0
            ? `Order ${orderId} is cancelled and ${formatCents(refundCents)} was refunded to the original payment method (${facts.paymentMethod}).`
            : `Order ${orderId} is cancelled. Nothing was paid, so nothing was refunded.`,
          customerSummary: refundCents > 0
            ? `Order ${orderId} is cancelled, free of charge, and the ${formatCents(refundCents)} you paid is refunded to ${destination}; ${refundTimingOf(facts.paymentMethod)}.`
            : `Order ${orderId} is cancelled, free of charge. Nothing had been charged, so there is nothing to refund.`,
        };
      });
    },
  });
}
