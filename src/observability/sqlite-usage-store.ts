import type { DatabaseSync } from 'node:sqlite';
import { createStatementCache, groupCommit } from '../storage/index.ts';
import { dayOf, emptyCounters, noThreadKey, noTierKey, type UsageCounters, type UsageGrouping, type UsageStore } from './model-usage.ts';

const schema = `
CREATE TABLE IF NOT EXISTS model_usage (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  run_id TEXT,
  thread_id TEXT,
  role TEXT NOT NULL,
  model TEXT NOT NULL,
  day TEXT NOT NULL,
  at TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cached_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_nano_usd INTEGER NOT NULL,
  estimated INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS model_usage_by_day ON model_usage (tenant_id, day);
CREATE INDEX IF NOT EXISTS model_usage_by_run ON model_usage (tenant_id, run_id);
`;

const sums = `COUNT(*) AS calls, COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens,
  COALESCE(SUM(cached_tokens), 0) AS cachedTokens, COALESCE(SUM(reasoning_tokens), 0) AS reasoningTokens,
  COALESCE(SUM(cost_nano_usd), 0) AS costNanoUsd, COALESCE(SUM(estimated), 0) AS estimatedCalls`;

// Only these columns are ever interpolated into a query.
const columnByGrouping: Record<UsageGrouping, string> = {
  agent: 'role',
  model: 'model',
  tier: `COALESCE(tier, '${noTierKey}')`,
  day: 'day',
  thread: `COALESCE(thread_id, '${noThreadKey}')`,
};

type CounterRow = UsageCounters & { key?: string };

/**
 * Model usage in the embedded SQLite database: one row per model call in `model_usage`,
 * summed by query. Writes share the group commit of the other embedded stores.
 * @example const usage = createSqliteUsageStore(openDatabase('./data/overseer.db'));
 */
export function createSqliteUsageStore(database: DatabaseSync): UsageStore {
  database.exec(schema);
  // Added with model routing: databases from before it gain the column, their rows stay unrouted.
  const columns = database.prepare('PRAGMA table_info(model_usage)').all() as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'tier')) database.exec('ALTER TABLE model_usage ADD COLUMN tier TEXT');
  const prepared = createStatementCache(database);

  const counters = (row: CounterRow | undefined): UsageCounters => {
    const result = emptyCounters();
    for (const name of Object.keys(result) as Array<keyof UsageCounters>) result[name] = Number(row?.[name] ?? 0);
    return result;
  };

  return {
    async record(usage) {
      await groupCommit(database, () =>
        prepared(`INSERT INTO model_usage (tenant_id, run_id, thread_id, role, model, day, at, input_tokens, output_tokens,
          cached_tokens, reasoning_tokens, cost_nano_usd, estimated, tier) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
          usage.tenantId, usage.runId ?? null, usage.threadId ?? null, usage.role, usage.model, dayOf(usage.at), usage.at,
          usage.inputTokens, usage.outputTokens, usage.cachedTokens, usage.reasoningTokens, usage.costNanoUsd, usage.estimated ? 1 : 0,
          usage.tier ?? null,
        ));
    },

    async forRun(tenantId, runId) {
      return counters(prepared(`SELECT ${sums} FROM model_usage WHERE tenant_id = ? AND run_id = ?`).get(tenantId, runId) as CounterRow | undefined);
    },

    async summarize({ tenantId, from, to, groupBy }) {
      const where = 'tenant_id = ? AND day >= ? AND day <= ?';
      // '~' sorts after every digit: no upper bound.
      const parameters = [tenantId, from ?? '', to ?? '~'];
      const totals = counters(prepared(`SELECT ${sums} FROM model_usage WHERE ${where}`).get(...parameters) as CounterRow | undefined);
      if (!groupBy) return { totals, groups: [] };
      const column = columnByGrouping[groupBy];
      const rows = prepared(`SELECT ${column} AS key, ${sums} FROM model_usage WHERE ${where} GROUP BY key ORDER BY key`).all(...parameters) as unknown as CounterRow[];
      return { totals, groups: rows.map((row) => ({ key: String(row.key), counters: counters(row) })) };
    },
  };
}
