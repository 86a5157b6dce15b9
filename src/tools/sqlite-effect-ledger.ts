import type { DatabaseSync } from 'node:sqlite';
import { AppError, guardStorage } from '../errors.ts';
import type { EffectClaim, EffectClaimRequest, EffectLedger, EffectRecord, EffectStatus } from './effect-ledger.ts';

export interface SqliteEffectLedgerOptions {
  clock?: () => Date;
}

interface EffectRow {
  idempotency_key: string;
  tenant_id: string;
  tool_name: string;
  args_hash: string;
  status: EffectStatus;
  result_json: string | null;
  error_message: string | null;
  attempts: number;
  started_at: string;
  finished_at: string | null;
}

const schema = `
CREATE TABLE IF NOT EXISTS tool_effects (
  idempotency_key TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  tool_name TEXT NOT NULL,
  args_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('started', 'done', 'failed')),
  result_json TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL DEFAULT 1,
  started_at TEXT NOT NULL,
  finished_at TEXT
) STRICT`;

/**
 * The effect ledger in SQLite (table `tool_effects`, created if missing). Claims are a
 * single conditional INSERT or UPDATE, so two processes sharing the file cannot both win.
 * @example
 * const ledger = createSqliteEffectLedger(openDatabase('data/overseer.db'));
 */
export function createSqliteEffectLedger(database: DatabaseSync, options: SqliteEffectLedgerOptions = {}): EffectLedger {
  const clock = options.clock ?? (() => new Date());
  database.exec(schema);
  const insertStarted = database.prepare(
    `INSERT INTO tool_effects (idempotency_key, tenant_id, tool_name, args_hash, status, started_at)
     VALUES (?, ?, ?, ?, 'started', ?) ON CONFLICT (idempotency_key) DO NOTHING`,
  );
  const reclaimFailed = database.prepare(
    `UPDATE tool_effects SET status = 'started', attempts = attempts + 1, started_at = ?, error_message = NULL, finished_at = NULL
     WHERE idempotency_key = ? AND status = 'failed'`,
  );
  const markDone = database.prepare(
    `UPDATE tool_effects SET status = 'done', result_json = ?, finished_at = ? WHERE idempotency_key = ? AND status = 'started'`,
  );
  const markFailed = database.prepare(
    `UPDATE tool_effects SET status = 'failed', error_message = ?, finished_at = ? WHERE idempotency_key = ? AND status = 'started'`,
  );
  const selectOne = database.prepare('SELECT * FROM tool_effects WHERE idempotency_key = ?');

  function read(key: string): EffectRecord | undefined {
    const row = selectOne.get(key) as EffectRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  function claim(key: string, request: EffectClaimRequest): EffectClaim {
    const now = clock().toISOString();
    if (insertStarted.run(key, request.tenantId, request.toolName, request.argsHash, now).changes === 1) return { state: 'new' };
    const existing = read(key)!;
    if (existing.tenantId !== request.tenantId || existing.toolName !== request.toolName || existing.argsHash !== request.argsHash) {
      return { state: 'conflict', record: existing };
    }
    if (existing.status === 'done') return { state: 'done', result: existing.result };
    if (existing.status === 'started') return { state: 'in_doubt', startedAt: existing.startedAt };
    if (reclaimFailed.run(now, key).changes === 1) return { state: 'new' };
    // Another process re-claimed the failed attempt between our read and our update.
    return claim(key, request);
  }

  function finish(statement: typeof markDone, key: string, value: string, outcome: string): void {
    if (statement.run(value, clock().toISOString(), key).changes === 1) return;
    throw new AppError('CONFLICT', `Cannot record ${outcome} for effect "${key}": it is not in progress`, {
      details: { idempotencyKey: key, status: read(key)?.status ?? 'missing' },
    });
  }

  return {
    begin: async (key, request) => storage(() => claim(key, request)),
    complete: async (key, result) => storage(() => finish(markDone, key, JSON.stringify(result ?? null), 'a result')),
    fail: async (key, message) => storage(() => finish(markFailed, key, message, 'a failure')),
    get: async (key) => storage(() => read(key)),
  };
}

// SQLite faults are infrastructure failures: callers see one typed error, the cause keeps the detail.
const storage = <T>(work: () => T) => guardStorage('The effect ledger is unavailable', work);

function toRecord(row: EffectRow): EffectRecord {
  const record: EffectRecord = {
    idempotencyKey: row.idempotency_key,
    tenantId: row.tenant_id,
    toolName: row.tool_name,
    argsHash: row.args_hash,
    status: row.status,
    attempts: row.attempts,
    startedAt: row.started_at,
  };
  if (row.result_json !== null) record.result = JSON.parse(row.result_json);
  if (row.error_message !== null) record.errorMessage = row.error_message;
  if (row.finished_at !== null) record.finishedAt = row.finished_at;
  return record;
}
