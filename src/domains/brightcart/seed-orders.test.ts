import type { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../storage/index.ts';
import { buildOrdersSeed } from './build-orders-seed.ts';
import { scenarioDamageReports, scenarioReturns } from './scenario-cases.ts';
import { seedOrders } from './seed-orders.ts';
import { promisedByOf, type ShippingService } from './shipping-policy.ts';

const tables = ['customers', 'orders', 'order_items', 'payments', 'shipments', 'refunds', 'credit_memos', 'returns', 'damage_reports'] as const;

function seeded(): DatabaseSync {
  const database = openDatabase(':memory:', { vectors: false });
  seedOrders(database);
  return database;
}

function dump(database: DatabaseSync): Record<string, unknown[]> {
  return Object.fromEntries(tables.map((table) => [table, database.prepare(`SELECT * FROM ${table} ORDER BY id`).all()]));
}

function one<T>(database: DatabaseSync, sql: string, ...parameters: (string | number)[]): T {
  return database.prepare(sql).get(...parameters) as T;
}

describe('seedOrders', () => {
  it('writes the same rows every time', () => {
    expect(dump(seeded())).toEqual(dump(seeded()));
    expect(buildOrdersSeed()).toEqual(buildOrdersSeed());
  });

  it('seeds only an empty orders table', () => {
    const database = seeded();
    const before = dump(database);
    expect(seedOrders(database).seeded).toBe(false);
    expect(dump(database)).toEqual(before);
  });

  it('creates orders 1001 to 1300 and a few hundred related rows', () => {
    const database = seeded();
    expect(one(database, 'SELECT COUNT(*) AS count, MIN(id) AS low, MAX(id) AS high FROM orders')).toEqual({ count: 300, low: 1001, high: 1300 });
    expect(one<{ count: number }>(database, 'SELECT COUNT(*) AS count FROM customers').count).toBe(60);
    for (const table of ['order_items', 'payments', 'shipments']) {
      expect(one<{ count: number }>(database, `SELECT COUNT(*) AS count FROM ${table}`).count).toBeGreaterThan(200);
    }
    expect(one<{ count: number }>(database, 'SELECT COUNT(*) AS count FROM refunds').count).toBeGreaterThan(5);
    expect(one<{ count: number }>(database, 'SELECT COUNT(*) AS count FROM credit_memos').count).toBeGreaterThan(5);
  });

  it('keeps the data consistent with the policy and with itself', () => {
    const database = seeded();
    const orders = database.prepare('SELECT id, ordered_at, shipping_service, promised_by, subtotal_cents, total_cents FROM orders').all() as
      { id: number; ordered_at: string; shipping_service: ShippingService; promised_by: string; subtotal_cents: number; total_cents: number }[];
    for (const order of orders) {
      expect(order.promised_by).toBe(promisedByOf(order.ordered_at, order.shipping_service));
      expect(one<{ sum: number }>(database, 'SELECT SUM(quantity * unit_price_cents) AS sum FROM order_items WHERE order_id = ?', order.id).sum).toBe(order.subtotal_cents);
    }
    const overRefunded = database.prepare(
      `SELECT o.id FROM orders o WHERE (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds r WHERE r.order_id = o.id)
         > (SELECT COALESCE(SUM(amount_cents), 0) FROM payments p WHERE p.order_id = o.id AND p.status = 'captured')`,
    ).all();
    expect(overRefunded).toEqual([]);
    const mismatchedStatus = database.prepare(
      `SELECT o.id FROM orders o LEFT JOIN shipments s ON s.order_id = o.id WHERE
         (o.status = 'delivered' AND s.delivered_at IS NULL) OR (o.status = 'shipped' AND (s.id IS NULL OR s.delivered_at IS NOT NULL))
         OR (o.status IN ('placed', 'cancelled') AND s.id IS NOT NULL)`,
    ).all();
    expect(mismatchedStatus).toEqual([]);
    expect(one<{ count: number }>(database, "SELECT COUNT(*) AS count FROM payments WHERE status = 'pending'").count).toBeGreaterThan(0);
  });

  it('pins the scenario orders', () => {
    const database = seeded();
    const order = (id: number) => one<Record<string, unknown>>(database,
      `SELECT o.shipping_service, o.total_cents, o.status, o.promised_by, s.shipped_at, s.delivered_at,
              (SELECT method FROM payments WHERE order_id = o.id) AS method,
              (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE order_id = o.id) AS refunded
       FROM orders o LEFT JOIN shipments s ON s.order_id = o.id WHERE o.id = ?`, id);
    expect(order(1001)).toMatchObject({ shipping_service: 'standard', total_cents: 12999, method: 'card', promised_by: '2026-03-09', delivered_at: '2026-03-13T16:45:00Z', refunded: 0 });
    expect(order(1002)).toMatchObject({ shipping_service: 'express', total_cents: 5450, promised_by: '2026-03-06', delivered_at: '2026-03-05T13:30:00Z' });
    expect(order(1003)).toMatchObject({ shipping_service: 'overnight', status: 'shipped', promised_by: '2026-03-27', delivered_at: null });
    expect(order(1004)).toMatchObject({ shipping_service: 'standard', total_cents: 84200, promised_by: '2026-03-12', delivered_at: '2026-03-14T15:00:00Z', refunded: 0 });
    expect(order(1005)).toMatchObject({ status: 'delivered', total_cents: 7999, refunded: 7999 });
    expect(order(1006)).toMatchObject({ status: 'placed', shipped_at: null });
  });

  it('pins returns and damage reports on delivered, on-time, unrefunded orders that hold the items', () => {
    const database = seeded();
    for (const entry of [...scenarioReturns, ...scenarioDamageReports]) {
      const order = one<{ status: string; delivered_at: string; promised_by: string; refunds: number; items: number }>(database,
        `SELECT o.status, s.delivered_at, o.promised_by,
                (SELECT COUNT(*) FROM refunds WHERE order_id = o.id) AS refunds,
                (SELECT COUNT(*) FROM order_items WHERE order_id = o.id AND sku = ?) AS items
         FROM orders o JOIN shipments s ON s.order_id = o.id WHERE o.id = ?`, entry.sku, entry.orderId);
      expect(order, `order ${entry.orderId}`).toMatchObject({ status: 'delivered', refunds: 0, items: 1 });
      expect(order.delivered_at.slice(0, 10) <= order.promised_by, `order ${entry.orderId} on time`).toBe(true);
      const after = 'receivedAt' in entry ? entry.startedAt : entry.reportedAt;
      expect(after > order.delivered_at, `order ${entry.orderId} case after delivery`).toBe(true);
    }
    expect(one<{ count: number }>(database, 'SELECT COUNT(*) AS count FROM returns').count).toBe(scenarioReturns.length);
    expect(one<{ count: number }>(database, 'SELECT COUNT(*) AS count FROM damage_reports').count).toBe(scenarioDamageReports.length);
  });
});
