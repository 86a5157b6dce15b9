/**
 * Orders 1001-1006 are pinned for end-to-end tests and documentation examples; the
 * generator never touches them. Their stories (as of `ordersReferenceDate`):
 * - 1001 standard, $129.99 by card, delivered 4 days after its promised date, no refunds
 * - 1002 express, $54.50, delivered on time
 * - 1003 overnight, shipped, not delivered, past its promised date
 * - 1004 standard, $842.00, delivered 2 days late (a full refund needs manager approval)
 * - 1005 delivered 3 days late and already fully refunded
 * - 1006 paid, not yet shipped (cancellable)
 */
export interface ScenarioOrder {
  orderId: number;
  customer: { id: number; name: string; email: string; createdAt: string };
  orderedAt: string;
  service: 'standard' | 'express' | 'overnight';
  items: { sku: string; quantity: number }[];
  paymentMethod: 'card' | 'paypal' | 'gift_card';
  carrier: 'UPS' | 'FedEx' | 'USPS';
  shippedAt: string | null;
  deliveredAt: string | null;
  refunds: { amountCents: number; reason: string; createdAt: string }[];
}

/** The moment the seed data describes; use it as the tools' clock for reproducible answers. */
export const ordersReferenceDate = new Date('2026-04-01T12:00:00.000Z');

export const scenarioOrders: readonly ScenarioOrder[] = [
  {
    orderId: 1001,
    customer: { id: 1, name: 'Maya Patel', email: 'maya.patel@example.com', createdAt: '2025-06-14T10:02:00Z' },
    orderedAt: '2026-03-02T15:20:00Z', service: 'standard', items: [{ sku: 'KIT-002', quantity: 1 }],
    paymentMethod: 'card', carrier: 'UPS', shippedAt: '2026-03-03T10:00:00Z', deliveredAt: '2026-03-13T16:45:00Z', refunds: [],
  },
  {
    orderId: 1002,
    customer: { id: 2, name: 'Daniel Okafor', email: 'daniel.okafor@example.com', createdAt: '2025-08-01T18:40:00Z' },
    orderedAt: '2026-03-03T09:10:00Z', service: 'express', items: [{ sku: 'ELEC-002', quantity: 1 }],
    paymentMethod: 'paypal', carrier: 'FedEx', shippedAt: '2026-03-03T18:00:00Z', deliveredAt: '2026-03-05T13:30:00Z', refunds: [],
  },
  {
    orderId: 1003,
    customer: { id: 3, name: 'Sofia Lindqvist', email: 'sofia.lindqvist@example.com', createdAt: '2025-11-20T08:15:00Z' },
    orderedAt: '2026-03-26T08:00:00Z', service: 'overnight', items: [{ sku: 'ELEC-006', quantity: 1 }],
    paymentMethod: 'card', carrier: 'FedEx', shippedAt: '2026-03-26T17:00:00Z', deliveredAt: null, refunds: [],
  },
  {
    orderId: 1004,
    customer: { id: 4, name: 'James Whitaker', email: 'james.whitaker@example.com', createdAt: '2025-03-09T12:00:00Z' },
    orderedAt: '2026-03-05T11:00:00Z', service: 'standard', items: [{ sku: 'ELEC-003', quantity: 1 }],
    paymentMethod: 'card', carrier: 'UPS', shippedAt: '2026-03-06T09:00:00Z', deliveredAt: '2026-03-14T15:00:00Z', refunds: [],
  },
  {
    orderId: 1005,
    customer: { id: 5, name: 'Aiko Tanaka', email: 'aiko.tanaka@example.com', createdAt: '2025-09-30T21:30:00Z' },
    orderedAt: '2026-02-16T10:00:00Z', service: 'standard', items: [{ sku: 'ELEC-001', quantity: 1 }],
    paymentMethod: 'card', carrier: 'USPS', shippedAt: '2026-02-17T09:00:00Z', deliveredAt: '2026-02-26T12:00:00Z',
    refunds: [{ amountCents: 7999, reason: 'Late delivery: full refund on request', createdAt: '2026-02-27T09:30:00Z' }],
  },
  {
    orderId: 1006,
    customer: { id: 6, name: 'Lucas Moreau', email: 'lucas.moreau@example.com', createdAt: '2026-01-11T16:05:00Z' },
    orderedAt: '2026-03-31T19:45:00Z', service: 'standard', items: [{ sku: 'HOME-002', quantity: 1 }, { sku: 'HOME-005', quantity: 1 }],
    paymentMethod: 'card', carrier: 'UPS', shippedAt: null, deliveredAt: null, refunds: [],
  },
];
