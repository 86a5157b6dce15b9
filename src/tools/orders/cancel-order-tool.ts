import { z } from 'zod';
import { inTransaction } from '../../storage/index.ts';
import { defineTool } from '../define-tool.ts';
import { ToolError } from '../tool-error.ts';
import { requireOrderFacts } from './load-order-facts.ts';
import { formatCents } from './money.ts';
import { orderIdArgument, orderScopes, reasonArgument } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';

/** `cancel_order`: cancel an order that has not shipped yet. */
export function createCancelOrderTool(dependencies: OrderToolsDependencies) {
  const { database, clock } = dependencies;
  return defineTool({
    name: 'cancel_order',
    description: 'Cancel a Brightcart order that has not shipped yet (free). Shipped orders cannot be cancelled; the customer returns them instead. Does not refund by itself: the result says what refund is due.',
    risk: 'write',
    scopes: [orderScopes.cancel],
    input: z.strictObject({ orderId: orderIdArgument, reason: reasonArgument }),
    async execute({ orderId, reason }) {
      return inTransaction(database, () => {
        const facts = requireOrderFacts(database, orderId, clock());
        if (facts.status === 'cancelled') throw new ToolError(`Order ${orderId} is already cancelled (since ${facts.cancelledAt}).`);
        if (facts.shipment.status !== 'not_shipped') {
          throw new ToolError(`Order ${orderId} has already shipped (${facts.shipment.shippedAt}), so it cannot be cancelled; the customer can return it instead.`);
        }
        const cancelledAt = clock().toISOString();
        database.prepare(`UPDATE orders SET status = 'cancelled', cancelled_at = ?, cancel_reason = ? WHERE id = ? AND status = 'placed'`)
          .run(cancelledAt, reason, orderId);
        const refundDue = facts.refundableRemainingCents;
        return {
          orderId,
          status: 'cancelled' as const,
          cancelledAt,
          reason,
          amountPaidCents: facts.paidCents,
          refundDueCents: refundDue,
          summary: refundDue > 0
            ? `Order ${orderId} is cancelled. The ${formatCents(refundDue)} paid is not refunded automatically: issue a refund of ${refundDue} cents with issue_refund.`
            : `Order ${orderId} is cancelled. Nothing was paid, so no refund is due.`,
        };
      });
    },
  });
}
