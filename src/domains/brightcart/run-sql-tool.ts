import type { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { checkReadOnlySql, defineTool, ToolError } from '../../tools/index.ts';
import { orderScopes } from './order-arguments.ts';

export const runSqlMaxRows = 200;

/**
 * `run_sql`: one read-only SQL query over the orders database. Two locks: the statement is
 * checked by a tokenizer first, and then runs with `PRAGMA query_only` inside a transaction
 * that is always rolled back, so even a statement the check missed cannot change anything.
 */
export function createRunSqlTool(dependencies: { database: DatabaseSync }) {
  const { database } = dependencies;
  return defineTool({
    name: 'run_sql',
    description: `Run one read-only SQLite SELECT over the Brightcart orders database (tables customers, orders, order_items, payments, shipments, refunds, credit_memos, returns, damage_reports). At most ${runSqlMaxRows} rows come back.`,
    risk: 'read',
    scopes: [orderScopes.read],
    input: z.strictObject({ query: z.string().trim().min(1).max(4_000).describe('One SELECT statement') }),
    async execute({ query }) {
      const check = checkReadOnlySql(query);
      if (!check.ok) throw new ToolError(check.reason);
      // node:sqlite is synchronous: nothing else uses the connection between these lines.
      database.exec('PRAGMA query_only = ON');
      database.exec('BEGIN');
      try {
        const statement = database.prepare(query);
        const rows: unknown[] = [];
        let truncated = false;
        for (const row of statement.iterate()) {
          if (rows.length === runSqlMaxRows) { truncated = true; break; }
          rows.push({ ...(row as object) });
        }
        return { columns: statement.columns().map((column) => column.name), rows, truncated };
      } catch (error) {
        throw new ToolError(`The query failed: ${(error as Error).message}`);
      } finally {
        database.exec('ROLLBACK');
        database.exec('PRAGMA query_only = OFF');
      }
    },
  });
}
