import { addDays, calendarDateOf, daysBetween } from './calendar.ts';
import { planGeneratedOrder, randomTimeOfDay, type PlannedOrder } from './plan-generated-order.ts';
import { firstNames, lastNames, productBySku, shippingFeeCents } from './sample-catalog.ts';
import { scenarioDamageReports, scenarioReturns } from './scenario-cases.ts';
import { ordersReferenceDate, scenarioOrders } from './scenario-orders.ts';
import { createSeededRandom, type SeededRandom } from './seeded-random.ts';
import { promisedByOf } from './shipping-policy.ts';

export type SeedRow = Record<string, string | number | null>;

/** Rows per table, in an order that satisfies the foreign keys. */
export interface OrdersSeed {
  customers: SeedRow[];
  orders: SeedRow[];
  order_items: SeedRow[];
  payments: SeedRow[];
  shipments: SeedRow[];
  refunds: SeedRow[];
  credit_memos: SeedRow[];
  returns: SeedRow[];
  damage_reports: SeedRow[];
}

const seedNumber = 20_260_401;
const customerCount = 60;
const firstOrderId = 1001;
const lastOrderId = 1300;
const firstGeneratedDay = '2026-01-05';

/**
 * The Brightcart sample data: pinned scenario orders 1001-1006 plus generated orders up
 * to 1300, all from a fixed seed and fixed 2026 dates, never the wall clock.
 */
export function buildOrdersSeed(): OrdersSeed {
  const random = createSeededRandom(seedNumber);
  const seed: OrdersSeed = { customers: [], orders: [], order_items: [], payments: [], shipments: [], refunds: [], credit_memos: [], returns: [], damage_reports: [] };
  for (const scenario of scenarioOrders) {
    const { id, name, email, createdAt } = scenario.customer;
    seed.customers.push({ id, name, email, created_at: createdAt });
  }
  addGeneratedCustomers(seed, random);
  for (const scenario of scenarioOrders) {
    addOrder(seed, {
      orderId: scenario.orderId,
      customerId: scenario.customer.id,
      orderedAt: scenario.orderedAt,
      service: scenario.service,
      items: scenario.items.map((item) => ({ product: productBySku(item.sku), quantity: item.quantity })),
      paymentMethod: scenario.paymentMethod,
      paymentStatus: 'captured',
      carrier: scenario.carrier,
      shippedAt: scenario.shippedAt,
      deliveredAt: scenario.deliveredAt,
      cancelledAt: null,
      cancelReason: null,
      refunds: scenario.refunds,
      creditMemos: [],
    });
  }
  const generatedCount = lastOrderId - firstOrderId + 1 - scenarioOrders.length;
  const dayOffsets = Array.from({ length: generatedCount }, () => random.integer(0, daysBetween(firstGeneratedDay, calendarDateOf(ordersReferenceDate)) - 1))
    .sort((left, right) => left - right);
  dayOffsets.forEach((offset, index) => {
    addOrder(seed, planGeneratedOrder(random, firstOrderId + scenarioOrders.length + index, addDays(firstGeneratedDay, offset), customerCount));
  });
  // After the generated orders, and without drawing from `random`, so no generated order changes.
  scenarioReturns.forEach((entry, index) => {
    seed.returns.push({
      id: index + 1, order_id: entry.orderId, sku: entry.sku, quantity: entry.quantity, status: entry.status,
      condition: entry.condition, started_at: entry.startedAt, received_at: entry.receivedAt,
    });
  });
  scenarioDamageReports.forEach((entry, index) => {
    seed.damage_reports.push({ id: index + 1, order_id: entry.orderId, sku: entry.sku, kind: entry.kind, reported_at: entry.reportedAt });
  });
  return seed;
}

function addGeneratedCustomers(seed: OrdersSeed, random: SeededRandom): void {
  const emails = new Set(seed.customers.map((customer) => customer.email));
  for (let id = seed.customers.length + 1; id <= customerCount; id += 1) {
    const first = random.pick(firstNames);
    const last = random.pick(lastNames);
    const base = `${first}.${last}`.toLowerCase();
    const email = emails.has(`${base}@example.com`) ? `${base}${id}@example.com` : `${base}@example.com`;
    emails.add(email);
    const createdAt = `${addDays('2025-01-01', random.integer(0, 360))}T${randomTimeOfDay(random)}`;
    seed.customers.push({ id, name: `${first} ${last}`, email, created_at: createdAt });
  }
}

function addOrder(seed: OrdersSeed, planned: PlannedOrder): void {
  const subtotalCents = planned.items.reduce((sum, item) => sum + item.product.priceCents * item.quantity, 0);
  const shippingCents = shippingFeeCents(planned.service, subtotalCents);
  const status = planned.cancelledAt ? 'cancelled' : planned.deliveredAt ? 'delivered' : planned.shippedAt ? 'shipped' : 'placed';
  seed.orders.push({
    id: planned.orderId,
    customer_id: planned.customerId,
    ordered_at: planned.orderedAt,
    shipping_service: planned.service,
    promised_by: promisedByOf(planned.orderedAt, planned.service),
    subtotal_cents: subtotalCents,
    shipping_cents: shippingCents,
    total_cents: subtotalCents + shippingCents,
    status,
    cancelled_at: planned.cancelledAt,
    cancel_reason: planned.cancelReason,
  });
  for (const item of planned.items) {
    seed.order_items.push({
      id: seed.order_items.length + 1,
      order_id: planned.orderId,
      sku: item.product.sku,
      product_name: item.product.name,
      category: item.product.category,
      quantity: item.quantity,
      unit_price_cents: item.product.priceCents,
    });
  }
  seed.payments.push({
    id: seed.payments.length + 1,
    order_id: planned.orderId,
    method: planned.paymentMethod,
    status: planned.paymentStatus,
    amount_cents: subtotalCents + shippingCents,
    created_at: planned.orderedAt,
  });
  if (planned.shippedAt !== null) {
    seed.shipments.push({
      id: seed.shipments.length + 1,
      order_id: planned.orderId,
      carrier: planned.carrier,
      tracking_number: `${planned.carrier.toUpperCase()}-${planned.orderId}-${planned.shippedAt.slice(5, 10).replace('-', '')}`,
      shipped_at: planned.shippedAt,
      delivered_at: planned.deliveredAt,
    });
  }
  for (const refund of planned.refunds) {
    seed.refunds.push({ id: seed.refunds.length + 1, order_id: planned.orderId, amount_cents: refund.amountCents, reason: refund.reason, created_at: refund.createdAt, idempotency_key: null });
  }
  for (const memo of planned.creditMemos) {
    seed.credit_memos.push({ id: seed.credit_memos.length + 1, order_id: planned.orderId, amount_cents: memo.amountCents, reason: memo.reason, created_at: memo.createdAt, idempotency_key: null });
  }
}
