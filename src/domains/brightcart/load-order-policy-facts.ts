import type { DatabaseSync } from 'node:sqlite';
import { calendarDateOf } from './calendar.ts';
import { loadOrderFacts, type OrderFacts } from './load-order-facts.ts';
import type { RefundReason } from './order-arguments.ts';
import { refundReasonOf } from './refund-reason-of.ts';
import { daysSinceDelivery } from './shipping-policy.ts';

export interface RefundFact {
  id: number;
  amountCents: number;
  reason: RefundReason;
  createdAt: string;
  idempotencyKey: string | null;
}

export interface ReturnFact {
  sku: string;
  productName: string;
  quantity: number;
  unitPriceCents: number;
  status: 'started' | 'received';
  condition: 'unused' | 'used' | null;
  receivedAt: string | null;
}

export interface DamageReportFact {
  sku: string;
  productName: string;
  category: string;
  quantity: number;
  unitPriceCents: number;
  kind: 'damaged' | 'defective' | 'wrong_item';
  reportedAt: string;
}

/** What the order policy rules judge a call on, read from the orders database for that call. */
export interface OrderPolicyFacts {
  orderId: number;
  /** The calendar date the facts are as of (UTC). */
  asOf: string;
  /** The instant they were looked up, for rules counted in hours. */
  checkedAt: string;
  /** Undefined for an order that does not exist. */
  order?: OrderFacts;
  daysSinceDelivery: number | null;
  refunds: RefundFact[];
  creditMemos: Array<{ id: number; amountCents: number; idempotencyKey: string | null }>;
  returns: ReturnFact[];
  damageReports: DamageReportFact[];
}

/** Look up everything the refund, credit and cancellation rules need for one order, as of `now`. */
export function loadOrderPolicyFacts(database: DatabaseSync, orderId: number, now: Date): OrderPolicyFacts {
  const asOf = calendarDateOf(now);
  const order = loadOrderFacts(database, orderId, now);
  const empty = { orderId, asOf, checkedAt: now.toISOString(), daysSinceDelivery: null, refunds: [], creditMemos: [], returns: [], damageReports: [] };
  if (order === undefined) return empty;
  const refunds = (database.prepare('SELECT id, amount_cents, reason, created_at, idempotency_key FROM refunds WHERE order_id = ? ORDER BY id').all(orderId) as
    Array<{ id: number; amount_cents: number; reason: string; created_at: string; idempotency_key: string | null }>)
    .map((row) => ({ id: row.id, amountCents: row.amount_cents, reason: refundReasonOf(row.reason), createdAt: row.created_at, idempotencyKey: row.idempotency_key }));
  const creditMemos = (database.prepare('SELECT id, amount_cents, idempotency_key FROM credit_memos WHERE order_id = ? ORDER BY id').all(orderId) as
    Array<{ id: number; amount_cents: number; idempotency_key: string | null }>)
    .map((row) => ({ id: row.id, amountCents: row.amount_cents, idempotencyKey: row.idempotency_key }));
  const item = (sku: string) => order.items.find((candidate) => candidate.sku === sku);
  const returns = (database.prepare('SELECT sku, quantity, status, condition, received_at FROM returns WHERE order_id = ? ORDER BY id').all(orderId) as
    Array<{ sku: string; quantity: number; status: ReturnFact['status']; condition: ReturnFact['condition']; received_at: string | null }>)
    .map((row) => ({
      sku: row.sku, productName: item(row.sku)?.productName ?? row.sku, quantity: row.quantity,
      unitPriceCents: item(row.sku)?.unitPriceCents ?? 0, status: row.status, condition: row.condition, receivedAt: row.received_at,
    }));
  const damageReports = (database.prepare('SELECT sku, kind, reported_at FROM damage_reports WHERE order_id = ? ORDER BY id').all(orderId) as
    Array<{ sku: string; kind: DamageReportFact['kind']; reported_at: string }>)
    .map((row) => ({
      sku: row.sku, productName: item(row.sku)?.productName ?? row.sku, category: item(row.sku)?.category ?? 'unknown',
      quantity: item(row.sku)?.quantity ?? 0, unitPriceCents: item(row.sku)?.unitPriceCents ?? 0, kind: row.kind, reportedAt: row.reported_at,
    }));
  const deliveredAt = order.shipment.deliveredAt;
  return { ...empty, order, daysSinceDelivery: deliveredAt ? daysSinceDelivery(deliveredAt, asOf) : null, refunds, creditMemos, returns, damageReports };
}

/** The facts as an approver and the audit log see them: the money and delivery position, no customer details. */
export function describeOrderPolicyFacts(facts: OrderPolicyFacts): Record<string, unknown> {
  const { order } = facts;
  if (order === undefined) return { orderId: facts.orderId, exists: false, asOf: facts.asOf };
  return {
    orderId: facts.orderId,
    asOf: facts.asOf,
    status: order.status,
    paymentMethod: order.paymentMethod,
    paidCents: order.paidCents,
    refundedCents: order.refundedCents,
    creditedCents: order.creditedCents,
    promisedBy: order.promisedBy,
    deliveredAt: order.shipment.deliveredAt,
    daysLate: order.daysLate,
    daysSinceDelivery: facts.daysSinceDelivery,
    refunds: facts.refunds.map(({ amountCents, reason }) => ({ amountCents, reason })),
    returns: facts.returns.map(({ sku, quantity, status, condition }) => ({ sku, quantity, status, condition })),
    damageReports: facts.damageReports.map(({ sku, kind, reportedAt }) => ({ sku, kind, reportedAt })),
  };
}
