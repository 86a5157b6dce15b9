import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { createSqliteUsageStore } from './sqlite-usage-store.ts';
import { describeUsageStoreContract } from './usage-store-conformance.ts';

describeUsageStoreContract('sqlite', async () => {
  const database = openDatabase(':memory:');
  return { store: createSqliteUsageStore(database), cleanup: async () => database.close() };
});

describe('SQLite usage store on a database from before model routing', () => {
  it('adds the tier column and keeps the earlier rows, as unrouted', async () => {
    const database = openDatabase(':memory:');
    database.exec(`CREATE TABLE model_usage (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, run_id TEXT, thread_id TEXT, role TEXT NOT NULL,
      model TEXT NOT NULL, day TEXT NOT NULL, at TEXT NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
      cached_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_nano_usd INTEGER NOT NULL, estimated INTEGER NOT NULL);
      INSERT INTO model_usage (tenant_id, role, model, day, at, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_nano_usd, estimated)
      VALUES ('acme', 'supervisor', 'gpt-4o-mini', '2026-04-01', '2026-04-01T10:00:00.000Z', 10, 1, 0, 0, 0, 0);`);
    const store = createSqliteUsageStore(database);
    await store.record({ tenantId: 'acme', role: 'executor', model: 'gpt-4o', tier: 'premium', at: '2026-04-01T11:00:00.000Z', inputTokens: 20, outputTokens: 2, cachedTokens: 0, reasoningTokens: 0, costNanoUsd: 0, estimated: false });
    const summary = await store.summarize({ tenantId: 'acme', groupBy: 'tier' });
    expect(summary.groups.map((group) => [group.key, group.counters.calls])).toEqual([['premium', 1], ['unrouted', 1]]);
    database.close();
  });
});
