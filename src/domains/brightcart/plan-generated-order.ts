import { addDays, calendarDateOf, daysBetween } from './calendar.ts';
import { carriers, paymentMethods, products, shippingFeeCents, type Product } from './sample-catalog.ts';
import { ordersReferenceDate } from './scenario-orders.ts';
import type { SeededRandom } from './seeded-random.ts';
import { latePenaltyOf, promisedByOf, type ShippingService } from './shipping-policy.ts';

const hourMs = 3_600_000;
const reference = ordersReferenceDate.toISOString().replace('.000Z', 'Z');

export interface PlannedOrder {
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

/**
 * One generated order's story as of the reference date: placed, maybe cancelled, shipped
 * a day or so later, delivered on time or (about one in five) late, sometimes refunded or
 * credited afterwards. Only events dated before the reference date are kept.
 */
export function planGeneratedOrder(random: SeededRandom, orderId: number, day: string, customerCount: number): PlannedOrder {
  const serviceRoll = random.next();
  const service: ShippingService = serviceRoll < 0.7 ? 'standard' : serviceRoll < 0.9 ? 'express' : 'overnight';
  const itemCount = random.chance(0.6) ? 1 : random.chance(0.75) ? 2 : 3;
  const chosen = new Set<Product>();
  while (chosen.size < itemCount) chosen.add(random.pick(products));
  const orderedAt = `${day}T${randomTimeOfDay(random)}`;
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
  const deliveredAt = `${deliveryDay}T${randomTimeOfDay(random, 9, 20)}`;
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

function totalOf(planned: PlannedOrder): number {
  const subtotal = planned.items.reduce((sum, item) => sum + item.product.priceCents * item.quantity, 0);
  return subtotal + shippingFeeCents(planned.service, subtotal);
}

// Follow-up records dated after the reference moment have not happened yet.
function pushIfPast(list: PlannedOrder['refunds'], entry: PlannedOrder['refunds'][number]): void {
  if (entry.createdAt <= reference) list.push(entry);
}

/** A `HH:MM:00Z` time of day between the given hours. */
export function randomTimeOfDay(random: SeededRandom, fromHour = 7, toHour = 22): string {
  const hour = String(random.integer(fromHour, toHour)).padStart(2, '0');
  const minute = String(random.integer(0, 59)).padStart(2, '0');
  return `${hour}:${minute}:00Z`;
}

function addHours(timestamp: string, hours: number): string {
  return new Date(Date.parse(timestamp) + hours * hourMs).toISOString().replace('.000Z', 'Z');
}
