import type { DatabaseSync } from 'node:sqlite';
import { ToolError } from '../../tools/index.ts';
import { daysLateOf, latePenaltyOf, type LatePenalty, type ShippingService } from './shipping-policy.ts';

export type OrderStatus = 'placed' | 'shipped' | 'delivered' | 'cancelled';
export type ShipmentStatus = 'not_shipped' | 'in_transit' | 'delivered' | 'cancelled';

export interface OrderItemFacts {
  sku: string;
  productName: string;
  category: string;
  quantity: number;
  unitPriceCents: number;
}

/** Everything the order tools reason about, read in one place and derived one way. */
export interface OrderFacts {
  orderId: number;
  status: OrderStatus;
  orderedAt: string;
  shippingService: ShippingService;
  promisedBy: string;
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
  cancelledAt: string | null;
  customer: { id: number; name: string; email: string };
  items: OrderItemFacts[];
  paymentMethod: string | null;
  paidCents: number;
  refundedCents: number;
  refundableRemainingCents: number;
  creditedCents: number;
  fullyRefunded: boolean;
  shipment: { status: ShipmentStatus; carrier: string | null; trackingNumber: string | null; shippedAt: string | null; deliveredAt: string | null };
  daysLate: number;
  late: boolean;
  penalty: LatePenalty;
}

interface OrderRow {
  id: number;
  status: OrderStatus;
  ordered_at: string;
  shipping_service: ShippingService;
  promised_by: string;
  subtotal_cents: number;
  shipping_cents: number;
  total_cents: number;
  cancelled_at: string | null;
  customer_id: number;
  customer_name: string;
  customer_email: string;
  carrier: string | null;
  tracking_number: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
}

/** Read one order with its money and shipping position as of `now`; undefined if unknown. */
export function loadOrderFacts(database: DatabaseSync, orderId: number, now: Date): OrderFacts | undefined {
  const row = database.prepare(
    `SELECT o.*, c.name AS customer_name, c.email AS customer_email,
            s.carrier, s.tracking_number, s.shipped_at, s.delivered_at
     FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN shipments s ON s.order_id = o.id
     WHERE o.id = ?`,
  ).get(orderId) as OrderRow | undefined;
  if (row === undefined) return undefined;

  const items = (database.prepare(
    'SELECT sku, product_name, category, quantity, unit_price_cents FROM order_items WHERE order_id = ? ORDER BY id',
  ).all(orderId) as { sku: string; product_name: string; category: string; quantity: number; unit_price_cents: number }[])
    .map((item) => ({ sku: item.sku, productName: item.product_name, category: item.category, quantity: item.quantity, unitPriceCents: item.unit_price_cents }));
  const payment = database.prepare(
    `SELECT COALESCE(SUM(amount_cents), 0) AS paid, MIN(method) AS method FROM payments WHERE order_id = ? AND status = 'captured'`,
  ).get(orderId) as { paid: number; method: string | null };
  const sumOf = (table: 'refunds' | 'credit_memos') =>
    (database.prepare(`SELECT COALESCE(SUM(amount_cents), 0) AS total FROM ${table} WHERE order_id = ?`).get(orderId) as { total: number }).total;
  const refundedCents = sumOf('refunds');
  const fullyRefunded = payment.paid > 0 && refundedCents >= payment.paid;

  // A cancelled order has no delivery to be late with.
  const daysLate = row.status === 'cancelled' ? 0 : daysLateOf({ promisedBy: row.promised_by, deliveredAt: row.delivered_at, now });
  return {
    orderId: row.id,
    status: row.status,
    orderedAt: row.ordered_at,
    shippingService: row.shipping_service,
    promisedBy: row.promised_by,
    subtotalCents: row.subtotal_cents,
    shippingCents: row.shipping_cents,
    totalCents: row.total_cents,
    cancelledAt: row.cancelled_at,
    customer: { id: row.customer_id, name: row.customer_name, email: row.customer_email },
    items,
    paymentMethod: payment.method,
    paidCents: payment.paid,
    refundedCents,
    refundableRemainingCents: Math.max(0, payment.paid - refundedCents),
    creditedCents: sumOf('credit_memos'),
    fullyRefunded,
    shipment: {
      status: shipmentStatusOf(row),
      carrier: row.carrier,
      trackingNumber: row.tracking_number,
      shippedAt: row.shipped_at,
      deliveredAt: row.delivered_at,
    },
    daysLate,
    late: daysLate > 0,
    penalty: latePenaltyOf({ totalCents: row.total_cents, daysLate, fullyRefunded }),
  };
}

function shipmentStatusOf(row: OrderRow): ShipmentStatus {
  if (row.status === 'cancelled') return 'cancelled';
  if (row.shipped_at === null) return 'not_shipped';
  return row.delivered_at === null ? 'in_transit' : 'delivered';
}

/** Like `loadOrderFacts`, but an unknown order is a refusal the model can read. */
export function requireOrderFacts(database: DatabaseSync, orderId: number, now: Date): OrderFacts {
  const facts = loadOrderFacts(database, orderId, now);
  if (facts === undefined) throw new ToolError(`There is no order ${orderId}. Check the order number with the customer.`);
  return facts;
}

/**
 * The facts of a delivered order and one of its items, for tools that act on an item after
 * delivery (returns, damage reports); otherwise a refusal the model can read. `cannot` finishes
 * the not-delivered sentence: "so nothing can be returned".
 */
export function requireDeliveredItem(database: DatabaseSync, orderId: number, sku: string, now: Date, cannot: string): { facts: OrderFacts; item: OrderFacts['items'][number] } {
  const facts = requireOrderFacts(database, orderId, now);
  if (facts.shipment.deliveredAt === null) throw new ToolError(`Order ${orderId} has not been delivered yet, so ${cannot}.`);
  const item = facts.items.find((candidate) => candidate.sku === sku);
  if (!item) throw new ToolError(`Order ${orderId} has no item ${sku}; its items are ${facts.items.map((candidate) => candidate.sku).join(', ')}.`);
  return { facts, item };
}
