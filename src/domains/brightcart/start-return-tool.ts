import { z } from 'zod';
import { inTransaction } from '../../storage/index.ts';
import { defineTool, ToolError } from '../../tools/index.ts';
import { calendarDateOf } from './calendar.ts';
import { requireDeliveredItem, requireOrderFacts } from './load-order-facts.ts';
import { orderIdArgument, orderScopes } from './order-arguments.ts';
import type { OrderToolsDependencies } from './order-tools-dependencies.ts';
import { refundDestinationOf } from './refund-timing.ts';

/** Days the customer has, once a return is started, to drop the parcel off (returns policy). */
export const returnDropOffDays = 14;

interface ReturnRow {
  id: number;
  order_id: number;
  sku: string;
  quantity: number;
  started_at: string;
}

/**
 * `start_return`: open a return for items of a delivered order. Whether the order is still inside
 * its return window is for the policy rules to decide before this runs; the tool keeps the
 * records consistent (the item is on the order, never more returned than was bought).
 */
export function createStartReturnTool(dependencies: OrderToolsDependencies) {
  const { database, clock } = dependencies;
  // The row a call made carries its idempotency key: a repeat or a reconcile finds it by that.
  const rowByKey = (key: string) => database.prepare('SELECT * FROM returns WHERE idempotency_key = ?').get(key) as unknown as ReturnRow | undefined;
  return defineTool({
    name: 'start_return',
    description: 'Start a return of unused items from a delivered Brightcart order (within 30 days of delivery). '
      + 'Give the item\'s SKU from lookup_order and how many. The refund follows once the return is received and inspected.',
    risk: 'write',
    scopes: [orderScopes.cancel],
    input: z.strictObject({
      orderId: orderIdArgument,
      sku: z.string().trim().min(1).max(40).describe('The SKU of the item to return, as lookup_order lists it'),
      quantity: z.number().int().positive().max(100).describe('How many of that item to return'),
    }),
    async execute({ orderId, sku, quantity }, context) {
      return inTransaction(database, () => {
        const existing = rowByKey(context.idempotencyKey);
        if (existing) return describeReturn(existing);
        const { item } = requireDeliveredItem(database, orderId, sku, clock(), 'nothing can be returned');
        const { returned } = database.prepare('SELECT COALESCE(SUM(quantity), 0) AS returned FROM returns WHERE order_id = ? AND sku = ?').get(orderId, sku) as { returned: number };
        if (returned + quantity > item.quantity) {
          throw new ToolError(`Order ${orderId} has ${item.quantity} × ${item.productName}, ${returned} already being returned; ${quantity} more cannot be returned.`);
        }
        database.prepare("INSERT INTO returns (order_id, sku, quantity, status, started_at, idempotency_key) VALUES (?, ?, ?, 'started', ?, ?)")
          .run(orderId, sku, quantity, clock().toISOString(), context.idempotencyKey);
        return describeReturn(rowByKey(context.idempotencyKey)!);
      });
    },
    async reconcile(_args, context) {
      const row = rowByKey(context.idempotencyKey);
      return row === undefined ? { found: false } : { found: true, result: describeReturn(row) };
    },
  });

  function describeReturn(row: ReturnRow) {
    const facts = requireOrderFacts(database, row.order_id, clock());
    const item = facts.items.find((candidate) => candidate.sku === row.sku);
    const dropOffBy = calendarDateOf(new Date(Date.parse(row.started_at) + returnDropOffDays * 86_400_000));
    const what = `${row.quantity} × ${item?.productName ?? row.sku}`;
    return {
      returnId: row.id,
      orderId: row.order_id,
      sku: row.sku,
      quantity: row.quantity,
      status: 'started' as const,
      startedAt: row.started_at,
      dropOffBy,
      summary: `Return ${row.id} started on order ${row.order_id} for ${what}; drop-off by ${dropOffBy}.`,
      customerSummary: `Your return of ${what} from order ${row.order_id} is started. Print the prepaid return label from Orders, `
        + `or show the QR code at a partner drop-off point, and drop the parcel off by ${dropOffBy}. `
        + `Once it arrives we inspect it within 3 business days and refund it to ${refundDestinationOf(facts.paymentMethod)}; `
        + 'the $6.95 return label is deducted from the refund.',
    };
  }
}
