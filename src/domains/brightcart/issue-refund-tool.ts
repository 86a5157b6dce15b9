import { inTransaction } from '../../storage/index.ts';
import { defineTool, ToolError } from '../../tools/index.ts';
import { requireOrderFacts } from './load-order-facts.ts';
import { formatCents } from './money.ts';
import { orderScopes, refundInput } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';
import { refundReasonOf, refundReasonText } from './refund-reason-of.ts';
import { refundDestinationOf, refundTimingOf } from './refund-timing.ts';

interface RefundRow {
  id: number;
  order_id: number;
  amount_cents: number;
  reason: string;
  created_at: string;
}

/** `issue_refund`: return money to the original payment method. Irreversible. */
export function createIssueRefundTool(dependencies: OrderToolsDependencies) {
  const { database, clock } = dependencies;
  return defineTool({
    name: 'issue_refund',
    description: 'Refund money on a Brightcart order to the original payment method. Irreversible. Needs a refund policy reason that the order records bear out; '
      + 'the amount may not exceed the amount paid minus earlier refunds (and, for a late delivery, minus late-delivery credit already given). Goodwill refunds wait for a support manager.',
    risk: 'irreversible',
    scopes: [orderScopes.refund],
    input: refundInput,
    async execute({ orderId, amountCents, reason, note }, context) {
      if (!Number.isInteger(amountCents) || amountCents <= 0) {
        throw new ToolError('The refund amount must be a positive whole number of cents.');
      }
      return inTransaction(database, () => {
        // The same tool call arriving twice (a retry after a lost answer) finds its own row.
        const existing = database.prepare('SELECT * FROM refunds WHERE idempotency_key = ?').get(context.idempotencyKey) as RefundRow | undefined;
        if (existing !== undefined && (existing.order_id !== orderId || existing.amount_cents !== amountCents)) {
          throw new ToolError('This tool call was already used for a different refund; it is not repeated.');
        }
        if (existing === undefined) {
          const facts = requireOrderFacts(database, orderId, clock());
          if (facts.paidCents === 0) {
            throw new ToolError(`Order ${orderId} has no captured payment, so there is nothing to refund.`);
          }
          if (amountCents > facts.refundableRemainingCents) {
            throw new ToolError(
              `A refund of ${formatCents(amountCents)} exceeds what is refundable on order ${orderId}: paid ${formatCents(facts.paidCents)}, `
              + `already refunded ${formatCents(facts.refundedCents)}, refundable remaining ${formatCents(facts.refundableRemainingCents)}.`,
            );
          }
          database.prepare('INSERT INTO refunds (order_id, amount_cents, reason, created_at, idempotency_key) VALUES (?, ?, ?, ?, ?)')
            .run(orderId, amountCents, refundReasonText(reason, note), clock().toISOString(), context.idempotencyKey);
        }
        return describeRefund((existing ?? database.prepare('SELECT * FROM refunds WHERE idempotency_key = ?').get(context.idempotencyKey)) as RefundRow);
      });
    },
    // The refund row carries the idempotency key, so a crashed attempt can be looked up.
    async reconcile(_args, context) {
      const row = database.prepare('SELECT * FROM refunds WHERE idempotency_key = ?').get(context.idempotencyKey) as RefundRow | undefined;
      return row === undefined ? { found: false } : { found: true, result: describeRefund(row) };
    },
  });

  function describeRefund(refund: RefundRow) {
    const after = requireOrderFacts(database, refund.order_id, clock());
    return {
      refundId: refund.id,
      orderId: refund.order_id,
      amountCents: refund.amount_cents,
      reason: refundReasonOf(refund.reason),
      createdAt: refund.created_at,
      paymentMethod: after.paymentMethod,
      totalCents: after.totalCents,
      amountPaidCents: after.paidCents,
      refundedCents: after.refundedCents,
      refundableRemainingCents: after.refundableRemainingCents,
      summary: `Refunded ${formatCents(refund.amount_cents)} on order ${refund.order_id} (${refundReasonOf(refund.reason)}) to the original payment method (${after.paymentMethod}). `
        + `Refunded so far ${formatCents(after.refundedCents)}, refundable remaining ${formatCents(after.refundableRemainingCents)}.`,
      // What the customer is told: where the money goes and when it arrives, by payment method.
      customerSummary: `We refunded ${formatCents(refund.amount_cents)} on order ${refund.order_id} to ${refundDestinationOf(after.paymentMethod)}; ${refundTimingOf(after.paymentMethod)}.`,
    };
  }
}
