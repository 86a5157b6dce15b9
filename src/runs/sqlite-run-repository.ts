import type { DatabaseSync } from 'node:sqlite';
import { AppError } from '../errors.ts';
import { createStatementCache, groupCommit, guardStorageErrors } from '../storage/index.ts';
import { metadataMatches, type RunRepository, type ThreadSearch } from './run-repository.ts';
import type { RunRecord, ThreadRecord } from './run-records.ts';

const schema = `
CREATE TABLE IF NOT EXISTS run_threads (
  tenant_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL,
  metadata TEXT NOT NULL,
  thread_values TEXT,
  interrupts TEXT NOT NULL,
  PRIMARY KEY (tenant_id, thread_id)
);
CREATE INDEX IF NOT EXISTS run_threads_by_update ON run_threads (tenant_id, updated_at);
CREATE TABLE IF NOT EXISTS run_records (
  run_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_records_by_thread ON run_records (tenant_id, thread_id, created_at);
CREATE INDEX IF NOT EXISTS run_records_by_status ON run_records (status);
CREATE INDEX IF NOT EXISTS run_records_by_tenant ON run_records (tenant_id, created_at, run_id);
CREATE INDEX IF NOT EXISTS run_records_by_tenant_status ON run_records (tenant_id, status, created_at, run_id);
CREATE INDEX IF NOT EXISTS run_records_active ON run_records (tenant_id, thread_id, status, created_at);
`;

interface ThreadRow {
  tenant_id: string;
  thread_id: string;
  created_at: string;
  updated_at: string;
  status: string;
  metadata: string;
  thread_values: string | null;
  interrupts: string;
}

function toThread(row: ThreadRow): ThreadRecord {
  return {
    thread_id: row.thread_id,
    tenant_id: row.tenant_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    status: row.status as ThreadRecord['status'],
    metadata: JSON.parse(row.metadata),
    values: row.thread_values === null ? null : JSON.parse(row.thread_values),
    interrupts: JSON.parse(row.interrupts),
  };
}

const sortColumns: Record<ThreadSearch['sortBy'], string> = {
  thread_id: 'thread_id',
  status: 'status',
  created_at: 'created_at',
  updated_at: 'updated_at',
};

/**
 * Thread and run records in the embedded SQLite database. Run records are stored whole as
 * JSON next to the columns that queries filter on. SQLite failures become `STORAGE_ERROR`.
 * @example const repository = createSqliteRunRepository(openDatabase('./data/overseer.db'));
 */
export function createSqliteRunRepository(database: DatabaseSync, clock: () => Date = () => new Date()): RunRepository {
  database.exec(schema);
  const prepared = createStatementCache(database);
  const now = () => clock().toISOString();
  const selectThread = prepared('SELECT * FROM run_threads WHERE tenant_id = ? AND thread_id = ?');
  const selectRun = prepared('SELECT record FROM run_records WHERE tenant_id = ? AND run_id = ?');
  // Record writes commit together with the run's checkpoints and audit records (one commit per
  // turn of the event loop instead of one per statement).
  const write = <T>(work: () => T) => groupCommit(database, work);

  function readThread(tenantId: string, threadId: string): ThreadRecord | undefined {
    const row = selectThread.get(tenantId, threadId) as ThreadRow | undefined;
    return row ? toThread(row) : undefined;
  }

  function matchingThreads(tenantId: string, search: Partial<ThreadSearch>): ThreadRecord[] {
    const conditions = ['tenant_id = ?'];
    const parameters: string[] = [tenantId];
    if (search.status) {
      conditions.push('status = ?');
      parameters.push(search.status);
    }
    if (search.ids?.length) {
      conditions.push(`thread_id IN (${search.ids.map(() => '?').join(', ')})`);
      parameters.push(...search.ids);
    }
    const order = `${sortColumns[search.sortBy ?? 'created_at']} ${search.sortOrder === 'asc' ? 'ASC' : 'DESC'}`;
    const rows = prepared(`SELECT * FROM run_threads WHERE ${conditions.join(' AND ')} ORDER BY ${order}, thread_id`)
      .all(...parameters) as unknown as ThreadRow[];
    return rows.map(toThread).filter((thread) => metadataMatches(thread.metadata, search.metadata));
  }

  return guardStorageErrors<RunRepository>({
    async createThread(thread) {
      await write(() => prepared(
          `INSERT INTO run_threads (tenant_id, thread_id, created_at, updated_at, status, metadata, thread_values, interrupts)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          thread.tenant_id,
          thread.thread_id,
          thread.created_at,
          thread.updated_at,
          thread.status,
          JSON.stringify(thread.metadata),
          thread.values === null || thread.values === undefined ? null : JSON.stringify(thread.values),
          JSON.stringify(thread.interrupts),
        ));
      return thread;
    },
    async getThread(tenantId, threadId) {
      return readThread(tenantId, threadId);
    },
    updateThread: (tenantId, threadId, patch) => write(() => {
      // Read inside the write: a patch queued just before this one is already applied.
      const current = readThread(tenantId, threadId);
      if (!current) return undefined;
      const next: ThreadRecord = {
        ...current,
        metadata: patch.metadata ? { ...current.metadata, ...patch.metadata } : current.metadata,
        status: patch.status ?? current.status,
        values: patch.values !== undefined ? patch.values : current.values,
        interrupts: patch.interrupts ?? current.interrupts,
        updated_at: now(),
      };
      prepared(
          'UPDATE run_threads SET metadata = ?, status = ?, thread_values = ?, interrupts = ?, updated_at = ? WHERE tenant_id = ? AND thread_id = ?',
        )
        .run(
          JSON.stringify(next.metadata),
          next.status,
          next.values === null || next.values === undefined ? null : JSON.stringify(next.values),
          JSON.stringify(next.interrupts),
          next.updated_at,
          tenantId,
          threadId,
        );
      return next;
    }),
    deleteThread: (tenantId, threadId) => write(() => {
      prepared('DELETE FROM run_records WHERE tenant_id = ? AND thread_id = ?').run(tenantId, threadId);
      const result = prepared('DELETE FROM run_threads WHERE tenant_id = ? AND thread_id = ?').run(tenantId, threadId);
      return Number(result.changes) > 0;
    }),
    async searchThreads(tenantId, search) {
      return matchingThreads(tenantId, search).slice(search.offset, search.offset + search.limit);
    },
    async countThreads(tenantId, search) {
      return matchingThreads(tenantId, search).length;
    },

    putRun: (run) => write(() => {
      const owner = prepared('SELECT tenant_id FROM run_records WHERE run_id = ?').get(run.run_id) as { tenant_id: string } | undefined;
      if (owner && owner.tenant_id !== run.tenant_id) throw new AppError('CONFLICT', `Run ${run.run_id} already exists`);
      prepared(
          `INSERT INTO run_records (run_id, tenant_id, thread_id, created_at, status, record) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, record = excluded.record`,
        )
        .run(run.run_id, run.tenant_id, run.thread_id, run.created_at, run.status, JSON.stringify(run));
    }),
    async getRun(tenantId, runId) {
      const row = selectRun.get(tenantId, runId) as { record: string } | undefined;
      return row ? (JSON.parse(row.record) as RunRecord) : undefined;
    },
    async listRuns(tenantId, threadId, options) {
      const rows = prepared(
          `SELECT record FROM run_records WHERE tenant_id = ? AND thread_id = ? ${options.status ? 'AND status = ?' : ''}
           ORDER BY created_at DESC, run_id DESC LIMIT ? OFFSET ?`,
        )
        .all(...[tenantId, threadId, ...(options.status ? [options.status] : []), options.limit, options.offset]) as Array<{ record: string }>;
      return rows.map((row) => JSON.parse(row.record) as RunRecord);
    },
    async listTenantRuns(tenantId, { limit, offset, status, before }) {
      const conditions = ['tenant_id = ?'];
      const parameters: Array<string | number> = [tenantId];
      if (status) {
        conditions.push('status = ?');
        parameters.push(status);
      }
      if (before !== undefined) {
        // An unknown cursor makes the subquery NULL, so the comparison matches nothing.
        conditions.push('(created_at, run_id) < (SELECT created_at, run_id FROM run_records WHERE tenant_id = ? AND run_id = ?)');
        parameters.push(tenantId, before);
      }
      const rows = prepared(
          `SELECT record FROM run_records WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, run_id DESC LIMIT ? OFFSET ?`,
        )
        .all(...parameters, limit, offset) as Array<{ record: string }>;
      return rows.map((row) => JSON.parse(row.record) as RunRecord);
    },
    async activeRuns(tenantId, threadId) {
      const rows = prepared(
          `SELECT record FROM run_records WHERE tenant_id = ? AND thread_id = ? AND status IN ('pending', 'running')
           ORDER BY created_at ASC, run_id ASC`,
        )
        .all(tenantId, threadId) as Array<{ record: string }>;
      return rows.map((row) => JSON.parse(row.record) as RunRecord);
    },
    updateRun: (runId, patch) => write(() => {
      const row = prepared('SELECT record FROM run_records WHERE run_id = ?').get(runId) as { record: string } | undefined;
      if (!row) return;
      const run = { ...(JSON.parse(row.record) as RunRecord), ...patch, updated_at: now() };
      prepared('UPDATE run_records SET status = ?, record = ? WHERE run_id = ?').run(run.status, JSON.stringify(run), runId);
    }),
    deleteRun: (tenantId, runId) => write(() => {
      const result = prepared('DELETE FROM run_records WHERE tenant_id = ? AND run_id = ?').run(tenantId, runId);
      return Number(result.changes) > 0;
    }),
    async staleRuns() {
      const rows = prepared(`SELECT record FROM run_records WHERE status IN ('pending', 'running') ORDER BY created_at ASC`)
        .all() as Array<{ record: string }>;
      return rows.map((row) => JSON.parse(row.record) as RunRecord);
    },
  }, 'Run store unavailable');
}
