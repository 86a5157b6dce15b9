import type { DatabaseSync } from 'node:sqlite';
import { questionDigest, type AnswerCache } from './answer-cache.ts';

const schema = `
CREATE TABLE IF NOT EXISTS answer_cache (
  tenant_id TEXT NOT NULL,
  question_sha256 TEXT NOT NULL,
  generation TEXT NOT NULL,
  value TEXT NOT NULL,
  cached_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, question_sha256)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS answer_cache_by_age ON answer_cache (cached_at);
`;

export interface SqliteAnswerCacheOptions {
  /** How long an answer is served; older ones are misses and are pruned. */
  ttlMs: number;
  clock?: () => Date;
}

/**
 * The answer cache in the embedded SQLite database: one row per tenant and question, holding
 * the generation it was answered under (a row of another generation is a miss, and the next
 * answer replaces it), so the table grows with distinct questions, not with writes.
 * @example const cache = createSqliteAnswerCache(database, { ttlMs: 86_400_000 });
 */
export function createSqliteAnswerCache(database: DatabaseSync, options: SqliteAnswerCacheOptions): AnswerCache {
  database.exec(schema);
  const now = () => (options.clock?.() ?? new Date()).getTime();
  const read = database.prepare('SELECT value FROM answer_cache WHERE tenant_id = ? AND question_sha256 = ? AND generation = ? AND cached_at > ?');
  const write = database.prepare(`INSERT INTO answer_cache (tenant_id, question_sha256, generation, value, cached_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (tenant_id, question_sha256) DO UPDATE SET generation = excluded.generation, value = excluded.value, cached_at = excluded.cached_at`);
  const prune = database.prepare('DELETE FROM answer_cache WHERE cached_at <= ?');
  return {
    async get(tenantId, key) {
      const row = read.get(tenantId, questionDigest(key.question), key.generation, now() - options.ttlMs) as { value: string } | undefined;
      return row ? JSON.parse(row.value) : undefined;
    },
    async set(tenantId, key, value) {
      const at = now();
      write.run(tenantId, questionDigest(key.question), key.generation, JSON.stringify(value), at);
      prune.run(at - options.ttlMs);
    },
  };
}
