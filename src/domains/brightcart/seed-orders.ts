import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from '../../storage/index.ts';
import { buildOrdersSeed, type OrdersSeed } from './build-orders-seed.ts';
import { ensureOrdersSchema } from './orders-schema.ts';

export interface SeedOrdersResult {
  /** False when orders already existed and nothing was written. */
  seeded: boolean;
  rows: Record<keyof OrdersSeed, number>;
}

/**
 * Create the orders schema and load the deterministic sample data, once: if `orders`
 * already has rows (seeded earlier, or real data), nothing is written.
 * @example seedOrders(openDatabase('data/overseer.db'));
 */
export function seedOrders(database: DatabaseSync): SeedOrdersResult {
  ensureOrdersSchema(database);
  const seed = buildOrdersSeed();
  const rows = Object.fromEntries(Object.entries(seed).map(([table, list]) => [table, list.length])) as SeedOrdersResult['rows'];
  return inTransaction(database, () => {
    // Checked inside the write transaction so two processes starting together seed once.
    const { count } = database.prepare('SELECT COUNT(*) AS count FROM orders').get() as { count: number };
    if (count > 0) return { seeded: false, rows };
    for (const [table, list] of Object.entries(seed) as [keyof OrdersSeed, OrdersSeed[keyof OrdersSeed]][]) {
      const columns = Object.keys(list[0] ?? {});
      if (columns.length === 0) continue;
      const insert = database.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      for (const row of list) insert.run(...columns.map((column) => row[column] ?? null));
    }
    return { seeded: true, rows };
  });
}
