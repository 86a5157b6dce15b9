/**
 * Returns and damage reports pinned on generated orders (delivered on time, nothing refunded),
 * so every refund reason has a case on each side of its rule. `seed-orders.test.ts` checks
 * the orders still fit their story.
 */
export interface ScenarioReturn {
  orderId: number;
  sku: string;
  quantity: number;
  status: 'started' | 'received';
  condition: 'unused' | 'used' | null;
  startedAt: string;
  receivedAt: string | null;
}

export interface ScenarioDamageReport {
  orderId: number;
  sku: string;
  kind: 'damaged' | 'defective' | 'wrong_item';
  reportedAt: string;
}

export const scenarioReturns: readonly ScenarioReturn[] = [
  // Two unused duvet covers of a card order, received: refundable less the $6.95 label.
  { orderId: 1229, sku: 'HOME-001', quantity: 2, status: 'received', condition: 'unused', startedAt: '2026-03-20T10:00:00Z', receivedAt: '2026-03-27T15:00:00Z' },
  // Started but not received yet: nothing to refund for it.
  { orderId: 1239, sku: 'HOME-002', quantity: 1, status: 'started', condition: null, startedAt: '2026-03-30T09:00:00Z', receivedAt: null },
  // Came back used: a person decides.
  { orderId: 1250, sku: 'KIT-003', quantity: 1, status: 'received', condition: 'used', startedAt: '2026-03-26T09:00:00Z', receivedAt: '2026-03-30T11:00:00Z' },
  // A gift-card order's return: refunded to the gift card at once.
  { orderId: 1266, sku: 'HOME-001', quantity: 1, status: 'received', condition: 'unused', startedAt: '2026-03-30T09:00:00Z', receivedAt: '2026-03-31T16:00:00Z' },
];

export const scenarioDamageReports: readonly ScenarioDamageReport[] = [
  // Reported the morning after delivery: inside 48 hours.
  { orderId: 1275, sku: 'HOME-003', kind: 'damaged', reportedAt: '2026-04-01T09:00:00Z' },
  // Reported five days after delivery: outside 48 hours, and not electronics.
  { orderId: 1245, sku: 'HOME-004', kind: 'damaged', reportedAt: '2026-03-29T10:00:00Z' },
  // Electronics that would not switch on, reported within 30 days: dead on arrival.
  { orderId: 1248, sku: 'ELEC-005', kind: 'defective', reportedAt: '2026-03-30T18:00:00Z' },
];
