import type { DatabaseSync } from 'node:sqlite';
import { guardStorage, guardStorageAsync } from '../errors.ts';
import { groupCommit } from '../storage/index.ts';
import { canonicalJson } from '../tools/index.ts';
import { chainAuditRecord, clampAuditLimit, type AuditLog, type AuditRecord } from './audit-log.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

interface AuditRow {
  seq: number;
  tenant_id: string;
  at: string;
  type: AuditRecord['type'];
  run_id: string | null;
  thread_id: string | null;
  actor: string | null;
  data_json: string;
  previous_hash: string;
  hash: string;
}

// The triggers make the table append-only for everyone using SQL, this service included;
// `audit_heads` remembers the last record so cutting records off the end shows too.
const schema = `
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  run_id TEXT,
  thread_id TEXT,
  actor TEXT,
  data_json TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (tenant_id, seq)
) STRICT;
CREATE INDEX IF NOT EXISTS audit_log_thread ON audit_log (tenant_id, thread_id, seq);
CREATE INDEX IF NOT EXISTS audit_log_run ON audit_log (tenant_id, run_id, seq);
CREATE TABLE IF NOT EXISTS audit_heads (
  tenant_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`;

/**
 * The audit log in SQLite (tables `audit_log`, `audit_heads`): each append reads the
 * tenant's head and inserts the next record atomically.
 * @example const audit = createSqliteAuditLog(database); await audit.append({ tenantId, type: 'run.started', runId });
 */
export function createSqliteAuditLog(database: DatabaseSync, options: { clock?: () => Date } = {}): AuditLog {
  const clock = options.clock ?? (() => new Date());
  database.exec(schema);
  const selectHead = database.prepare('SELECT seq, hash FROM audit_heads WHERE tenant_id = ?');
  const insert = database.prepare(
    `INSERT INTO audit_log (seq, tenant_id, at, type, run_id, thread_id, actor, data_json, previous_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upsertHead = database.prepare(
    'INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
  );
  const selectChain = database.prepare('SELECT * FROM audit_log WHERE tenant_id = ? ORDER BY id');
  const selectTenants = database.prepare('SELECT tenant_id FROM audit_heads UNION SELECT DISTINCT tenant_id FROM audit_log ORDER BY 1');

  return {
    // Appends commit with the other writes of the turn; each reads the head inside its own
    // write, so records queued together still chain in order.
    append: (entry) => guardStorageAsync(unavailable, () => groupCommit(database, () => {
      const head = selectHead.get(entry.tenantId) as { seq: number; hash: string } | undefined;
      const record = chainAuditRecord(entry, head, clock());
      insert.run(record.seq, record.tenantId, record.at, record.type, record.runId ?? null, record.threadId ?? null,
        record.actor ?? null, canonicalJson(record.data), record.previousHash, record.hash);
      upsertHead.run(record.tenantId, record.seq, record.hash);
      return record;
    })),
    query: async (query) => storage(() => {
      const conditions = ['tenant_id = ?', 'seq > ?'];
      const values: Array<string | number> = [query.tenantId, query.after ?? 0];
      if (query.threadId !== undefined) { conditions.push('thread_id = ?'); values.push(query.threadId); }
      if (query.runId !== undefined) { conditions.push('run_id = ?'); values.push(query.runId); }
      if (query.type !== undefined) { conditions.push('type = ?'); values.push(query.type); }
      if (query.actor !== undefined) { conditions.push('actor = ?'); values.push(query.actor); }
      if (query.before !== undefined) { conditions.push('seq < ?'); values.push(query.before); }
      const order = query.order === 'desc' ? 'DESC' : 'ASC';
      const rows = database.prepare(`SELECT * FROM audit_log WHERE ${conditions.join(' AND ')} ORDER BY seq ${order} LIMIT ?`)
        .all(...values, clampAuditLimit(query.limit)) as unknown as AuditRow[];
      return rows.map(toRecord);
    }),
    verify: async (tenantId) => storage(() => {
      const records = (selectChain.all(tenantId) as unknown as AuditRow[]).map(toRecord);
      return verifyAuditChain(tenantId, records, selectHead.get(tenantId) as { seq: number; hash: string } | undefined);
    }),
    tenants: async () => storage(() => (selectTenants.all() as Array<{ tenant_id: string }>).map((row) => row.tenant_id)),
  };
}

const unavailable = 'The audit log is unavailable';
const storage = <T>(work: () => T) => guardStorage(unavailable, work);

function toRecord(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    tenantId: row.tenant_id,
    at: row.at,
    type: row.type,
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    ...(row.thread_id === null ? {} : { threadId: row.thread_id }),
    ...(row.actor === null ? {} : { actor: row.actor }),
    data: JSON.parse(row.data_json),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
