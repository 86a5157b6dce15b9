import { inTransaction } from '../../storage/index.ts';
import { defineTool, ToolError } from '../../tools/index.ts';
import { requireOrderFacts } from './load-order-facts.ts';
import { formatCents } from './money.ts';
import { moneyActionInput, orderScopes } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';

interface CreditMemoRow {
  id: number;
  order_id: number;
  amount_cents: number;
  reason: string;
  created_at: string;
}

/** `create_credit_memo`: store credit for a late delivery, within the late-penalty cap. */
export function createCreditMemoTool(dependencies: OrderToolsDependencies) {
  const { database, clock } = dependencies;
  return defineTool({
    name: 'create_credit_memo',
    description: 'Give store credit for a late Brightcart delivery. The amount may not exceed the late-delivery credit (10% of the order total per full day late, capped at 50%) minus credit already given; not for fully refunded orders.',
    risk: 'write',
    scopes: [orderScopes.credit],
    input: moneyActionInput,
    async execute({ orderId, amountCents, reason }, context) {
      if (!Number.isInteger(amountCents) || amountCents <= 0) {
        throw new ToolError('The credit amount must be a positive whole number of cents.');
      }
      return inTransaction(database, () => {
        const existing = database.prepare('SELECT * FROM credit_memos WHERE idempotency_key = ?').get(context.idempotencyKey) as CreditMemoRow | undefined;
        if (existing !== undefined && (existing.order_id !== orderId || existing.amount_cents !== amountCents)) {
          throw new ToolError('This tool call was already used for a different credit memo; it is not repeated.');
        }
        if (existing === undefined) {
          const facts = requireOrderFacts(database, orderId, clock());
          if (facts.fullyRefunded) {
            throw new ToolError(`Order ${orderId} was fully refunded; late-delivery credit is not combined with a full refund.`);
          }
          const remaining = Math.max(0, facts.penalty.penaltyCents - facts.creditedCents);
          if (amountCents > remaining) {
            const basis = facts.late
              ? `${facts.daysLate} full day(s) late gives ${facts.penalty.percent}% of ${formatCents(facts.totalCents)} = ${formatCents(facts.penalty.penaltyCents)}, already credited ${formatCents(facts.creditedCents)}`
              : 'the order is not late, so no late-delivery credit is owed';
            throw new ToolError(`A credit of ${formatCents(amountCents)} exceeds the late-delivery credit cap for order ${orderId}: ${basis}; at most ${formatCents(remaining)} may be credited.`);
          }
          database.prepare('INSERT INTO credit_memos (order_id, amount_cents, reason, created_at, idempotency_key) VALUES (?, ?, ?, ?, ?)')
            .run(orderId, amountCents, reason, clock().toISOString(), context.idempotencyKey);
        }
        return describeMemo((existing ?? database.prepare('SELECT * FROM credit_memos WHERE idempotency_key = ?').get(context.idempotencyKey)) as CreditMemoRow);
      });
    },
    // The memo row carries the idempotency key, so a crashed attempt can be looked up.
    async reconcile(_args, context) {
      const row = database.prepare('SELECT * FROM credit_memos WHERE idempotency_key = ?').get(context.idempotencyKey) as CreditMemoRow | undefined;
      return row === undefined ? { found: false } : { found: true, result: describeMemo(row) };
    },
  });

  function describeMemo(memo: CreditMemoRow) {
    const after = requireOrderFacts(database, memo.order_id, clock());
    const remainingAfter = Math.max(0, after.penalty.penaltyCents - after.creditedCents);
    return {
      creditMemoId: memo.id,
      orderId: memo.order_id,
      amountCents: memo.amount_cents,
      reason: memo.reason,
      createdAt: memo.created_at,
      creditedCents: after.creditedCents,
      remainingCreditCents: remainingAfter,
      summary: `Issued ${formatCents(memo.amount_cents)} store credit on order ${memo.order_id}; credited so far ${formatCents(after.creditedCents)}, at most ${formatCents(remainingAfter)} more.`,
      customerSummary: `We added ${formatCents(memo.amount_cents)} in store credit to your account for the late delivery of order ${memo.order_id}. Store credit never expires and is used automatically on your next order.`,
    };
  }
}
