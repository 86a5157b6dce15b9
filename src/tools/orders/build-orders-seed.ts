import { addDays, calendarDateOf, daysBetween } from './calendar.ts';
import { carriers, firstNames, lastNames, paymentMethods, productBySku, products, shippingFeeCents, type Product } from './sample-catalog.ts';
import { ordersReferenceDate, scenarioOrders } from './scenario-orders.ts';
import { createSeededRandom, type SeededRandom } from './seeded-random.ts';
import { latePenaltyOf, promisedByOf, type ShippingService } from './shipping-policy.ts';

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
}

interface PlannedOrder {
  orderId: number;
  customerId: number;
  orderedAt: string;
  service: ShippingService;
  items: { product: Product; quantity: number }[];
  paymentMethod: string;
  paymentStatus: 'captured' | 'pending';
  carrier: string;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  refunds: { amountCents: number; reason: string; createdAt: string }[];
  creditMemos: { amountCents: number; reason: string; createdAt: string }[];
}

const seedNumber = 20_260_401;
const customerCount = 60;
const firstOrderId = 1001;
const lastOrderId = 1300;
const firstGeneratedDay = '2026-01-05';
const hourMs = 3_600_000;
const reference = ordersReferenceDate.toISOString().replace('.000Z', 'Z');

/**
 * The Brightcart sample data: pinned scenario orders 1001-1006 plus generated orders up
 * to 1300, all from a fixed seed and fixed 2026 dates, never the wall clock.
 */
export function buildOrdersSeed(): OrdersSeed {
  const random = createSeededRandom(seedNumber);
  const seed: OrdersSeed = { customers: [], orders: [], order_items: [], payments: [], shipments: [], refunds: [], credit_memos: [] };
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
  const dayOffsets = Array.from({ length: generatedCount }, () => random.integer(0, daysBetween(firstGeneratedDay, calendarDateOf(reference)) - 1))
    .sort((left, right) => left - right);
  dayOffsets.forEach((offset, index) => {
    addOrder(seed, planGeneratedOrder(random, firstOrderId + scenarioOrders.length + index, addDays(firstGeneratedDay, offset)));
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
    const createdAt = `${addDays('2025-01-01', random.integer(0, 360))}T${clock(random)}`;
    seed.customers.push({ id, name: `${first} ${last}`, email, created_at: createdAt });
  }
}

function planGeneratedOrder(random: SeededRandom, orderId: number, day: string): PlannedOrder {
  const serviceRoll = random.next();
  const service: ShippingService = serviceRoll < 0.7 ? 'standard' : serviceRoll < 0.9 ? 'express' : 'overnight';
  const itemCount = random.chance(0.6) ? 1 : random.chance(0.75) ? 2 : 3;
  const chosen = new Set<Product>();
  while (chosen.size < itemCount) chosen.add(random.pick(products));
  const orderedAt = `${day}T${clock(random)}`;
  const planned: PlannedOrder = {
    orderId,
    customerId: random.integer(1, customerCount),
    orderedAt,
    service,
    items: [...chosen].map((product) => ({ product, quantity: random.chance(0.85) ? 1 : 2 })),
    paymentMethod: random.pick(paymentMethods),
    paymentStatus: 'captured',
    carrier: service === 'overnight' ? 'FedEx' : random.pick(carriers),
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
    cancelReason: null,
    refunds: [],
    creditMemos: [],
  };
  const totalCents = totalOf(planned);
  const ageHours = (Date.parse(reference) - Date.parse(orderedAt)) / hourMs;

  if (ageHours > 24 && random.chance(0.04)) {
    planned.cancelledAt = addHours(orderedAt, random.integer(2, 20));
    planned.cancelReason = 'Customer changed their mind before shipment';
    planned.refunds.push({ amountCents: totalCents, reason: 'Order cancelled before shipment', createdAt: planned.cancelledAt });
    return planned;
  }
  const shippedAt = addHours(orderedAt, random.integer(8, 40));
  if (shippedAt > reference) {
    if (ageHours < 72 && random.chance(0.5)) planned.paymentStatus = 'pending';
    return planned;
  }
  planned.shippedAt = shippedAt;

  const promisedBy = promisedByOf(orderedAt, service);
  const shippedDay = calendarDateOf(shippedAt);
  // Parcels arrive the day after shipping at the earliest; about one in five runs late.
  const earliest = addDays(shippedDay, 1);
  const lateDay = addDays(promisedBy, random.integer(1, 6));
  const onTimeDay = addDays(earliest, random.integer(0, Math.max(0, daysBetween(earliest, promisedBy))));
  const candidate = random.chance(0.2) ? lateDay : onTimeDay;
  const deliveryDay = candidate < earliest ? earliest : candidate;
  const deliveredAt = `${deliveryDay}T${clock(random, 9, 20)}`;
  if (deliveredAt > reference) return planned;
  planned.deliveredAt = deliveredAt;

  const daysLate = Math.max(0, daysBetween(promisedBy, deliveryDay));
  if (daysLate > 0 && random.chance(0.3)) {
    pushIfPast(planned.refunds, { amountCents: totalCents, reason: 'Late delivery: full refund on request', createdAt: addHours(deliveredAt, random.integer(20, 120)) });
  } else if (daysLate > 0 && random.chance(0.4)) {
    const { penaltyCents } = latePenaltyOf({ totalCents, daysLate, fullyRefunded: false });
    pushIfPast(planned.creditMemos, { amountCents: penaltyCents, reason: `Late delivery credit (${daysLate} days late)`, createdAt: addHours(deliveredAt, random.integer(20, 72)) });
  } else if (daysLate === 0 && random.chance(0.06)) {
    const returned = random.pick(planned.items).product;
    pushIfPast(planned.refunds, { amountCents: returned.priceCents, reason: `Returned unused item: ${returned.name}`, createdAt: addHours(deliveredAt, random.integer(72, 480)) });
  }
  return planned;
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

function totalOf(planned: PlannedOrder): number {
  const subtotal = planned.items.reduce((sum, item) => sum + item.product.priceCents * item.quantity, 0);
  return subtotal + shippingFeeCents(planned.service, subtotal);
}

// Follow-up records dated after the reference moment have not happened yet.
function pushIfPast(list: PlannedOrder['refunds'], entry: PlannedOrder['refunds'][number]): void {
  if (entry.createdAt <= reference) list.push(entry);
}

function clock(random: SeededRandom, fromHour = 7, toHour = 22): string {
  const hour = String(random.integer(fromHour, toHour)).padStart(2, '0');
  const minute = String(random.integer(0, 59)).padStart(2, '0');
  return `${hour}:${minute}:00Z`;
}

function addHours(timestamp: string, hours: number): string {
  return new Date(Date.parse(timestamp) + hours * hourMs).toISOString().replace('.000Z', 'Z');
}
