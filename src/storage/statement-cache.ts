import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Prepare each SQL text once and reuse it: preparing is a parse and plan on every call,
 * which costs more than running a small indexed statement.
 * @example const prepared = createStatementCache(database); prepared('SELECT 1').get();
 */
export function createStatementCache(database: DatabaseSync): (sql: string) => StatementSync {
  const statements = new Map<string, StatementSync>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
