import { addDays, calendarDateOf, daysBetween } from './calendar.ts';

/**
 * Brightcart's shipping and late-delivery rules, in one place so every tool (and the
 * seed) computes them the same way as the published policy.
 */
export type ShippingService = 'standard' | 'express' | 'overnight';

export const slaDaysByService: Record<ShippingService, number> = { standard: 7, express: 3, overnight: 1 };
export const latePenaltyPercentPerDay = 10;
export const latePenaltyCapPercent = 50;
/** A late order may be refunded in full on request within this many days of delivery. */
export const lateRefundWindowDays = 30;

/** Whole days from a delivery timestamp to an `asOf` calendar date (YYYY-MM-DD). */
export function daysSinceDelivery(deliveredAt: string, asOf: string): number {
  const delivered = Date.parse(deliveredAt.slice(0, 10));
  return Math.floor((Date.parse(asOf.slice(0, 10)) - delivered) / 86_400_000);
}

/** The promised delivery date: the order date plus the service's SLA days. */
export function promisedByOf(orderedAt: string, service: ShippingService): string {
  return addDays(calendarDateOf(orderedAt), slaDaysByService[service]);
}

/**
 * Full calendar days (UTC) after the promised date: until delivery, or until `now` while
 * the parcel is still on its way. Zero when on time.
 */
export function daysLateOf(input: { promisedBy: string; deliveredAt: string | null; now: Date }): number {
  const endDate = calendarDateOf(input.deliveredAt ?? input.now);
  return Math.max(0, daysBetween(input.promisedBy, endDate));
}

export interface LatePenalty {
  percent: number;
  penaltyCents: number;
}

/**
 * 10% of the order total per full day late, capped at 50%, rounded to the nearest cent;
 * nothing for an order that was fully refunded.
 */
export function latePenaltyOf(input: { totalCents: number; daysLate: number; fullyRefunded: boolean }): LatePenalty {
  if (input.fullyRefunded || input.daysLate <= 0) return { percent: 0, penaltyCents: 0 };
  const percent = Math.min(input.daysLate * latePenaltyPercentPerDay, latePenaltyCapPercent);
  return { percent, penaltyCents: Math.round((input.totalCents * percent) / 100) };
}
