import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../../storage/index.ts';
import type { ToolContext, ToolDefinition } from '../../tools/index.ts';
import { createOrderTools } from './create-order-tools.ts';
import { ordersReferenceDate } from './scenario-orders.ts';
import { seedOrders } from './seed-orders.ts';

/** A freshly seeded in-memory database and its order tools, clocked at the seed's reference date. Tests only. */
export function createOrderToolsTestKit(clock: () => Date = () => ordersReferenceDate) {
  const database = openDatabase(':memory:', { vectors: false });
  seedOrders(database);
  const tools = new Map(createOrderTools({ database, clock }).map((tool) => [tool.name, tool]));
  async function call(name: string, args: unknown, context: Partial<ToolContext> = {}): Promise<any> {
    const tool = tools.get(name) as ToolDefinition;
    return tool.execute(tool.input.parse(args), { tenantId: 'tenant-1', idempotencyKey: randomUUID(), ...context });
  }
  function count(sql: string, ...parameters: number[]): number {
    return (database.prepare(sql).get(...parameters) as { count: number }).count;
  }
  return { database, call, count, firstOrderWhere: (where: string) => firstOrderWhere(database, where) };
}

function firstOrderWhere(database: DatabaseSync, where: string): number {
  const row = database.prepare(`SELECT o.id FROM orders o WHERE ${where} ORDER BY o.id LIMIT 1`).get() as { id: number } | undefined;
  if (row === undefined) throw new Error(`The seed has no order where ${where}`);
  return row.id;
}
