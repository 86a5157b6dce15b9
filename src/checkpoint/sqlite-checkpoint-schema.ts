import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from '../storage/index.ts';
import { defaultTenant } from './checkpoint-tenant.ts';

// The layout of the official savers (checkpoints, blobs, writes) under a `checkpoint_`
// prefix, because the embedded database file is shared with retrieval, runs and audit.
// Channel values live in `checkpoint_blobs`, one row per (channel, version), so a
// checkpoint that leaves a channel unchanged points at the blob an ancestor stored.
// Every key starts with the tenant: two tenants may use the same thread id.
const tables = {
  checkpoint_checkpoints: `(
  tenant_id TEXT NOT NULL DEFAULT '${defaultTenant}',
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  parent_checkpoint_id TEXT,
  checkpoint_type TEXT NOT NULL,
  checkpoint BLOB NOT NULL,
  metadata TEXT NOT NULL,
  PRIMARY KEY (tenant_id, thread_id, checkpoint_ns, checkpoint_id)
)`,
  checkpoint_blobs: `(
  tenant_id TEXT NOT NULL DEFAULT '${defaultTenant}',
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  version TEXT NOT NULL,
  type TEXT NOT NULL,
  blob BLOB,
  PRIMARY KEY (tenant_id, thread_id, checkpoint_ns, channel, version)
)`,
  checkpoint_writes: `(
  tenant_id TEXT NOT NULL DEFAULT '${defaultTenant}',
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  blob BLOB,
  task_path TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
)`,
} as const;

type TableName = keyof typeof tables;
const tableNames = Object.keys(tables) as TableName[];

/** The columns each table had before the tenant was added, copied as they are. */
const untenantedColumns: Record<TableName, string> = {
  checkpoint_checkpoints: 'thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint_type, checkpoint, metadata',
  checkpoint_blobs: 'thread_id, checkpoint_ns, channel, version, type, blob',
  checkpoint_writes: 'thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob, task_path',
};

export interface CheckpointTablesOptions {
  /** Where the one-line migration notice goes; defaults to the console. */
  log?: (line: string) => void;
}

/**
 * Create the checkpoint tables if they are missing; safe to call on every start. A database
 * written before checkpoints were keyed by tenant is migrated first, once (see
 * `migrateUntenantedTables`); a database already migrated is left alone.
 */
export function createCheckpointTables(database: DatabaseSync, options: CheckpointTablesOptions = {}): void {
  if (hasUntenantedLayout(database)) {
    const migrated = migrateUntenantedTables(database);
    (options.log ?? console.log)(
      `migrated checkpoint tables to per-tenant keys: ${migrated.checkpoints} checkpoints ` +
        `(${migrated.ownedThreads} threads given to the tenant of their thread record, ${migrated.defaultThreads} to "${defaultTenant}")`,
    );
  }
  for (const name of tableNames) database.exec(`CREATE TABLE IF NOT EXISTS ${name} ${tables[name]}`);
}

function columnsOf(database: DatabaseSync, table: string): string[] {
  return (database.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((column) => column.name);
}

function hasUntenantedLayout(database: DatabaseSync): boolean {
  const columns = columnsOf(database, 'checkpoint_checkpoints');
  return columns.length > 0 && !columns.includes('tenant_id');
}

/**
 * Rebuild the three tables with the tenant in every key, inside one transaction (a failure
 * leaves the old tables as they were). Before, any tenant's runs on a thread id wrote the same
 * checkpoints, so a thread's checkpoints go to the tenant of its thread record when exactly one
 * tenant has a record of that id (the run repository's `run_threads`, in the same file), and to
 * `default` otherwise (no record: an embedded graph's thread; several: a collision, which no
 * one tenant may inherit).
 */
function migrateUntenantedTables(database: DatabaseSync) {
  const hasThreadRecords = columnsOf(database, 'run_threads').includes('tenant_id');
  const ownerOf = (table: string) =>
    hasThreadRecords
      ? `coalesce((SELECT min(owner.tenant_id) FROM run_threads AS owner WHERE owner.thread_id = ${table}.thread_id HAVING count(*) = 1), '${defaultTenant}')`
      : `'${defaultTenant}'`;
  const count = (sql: string) => Number((database.prepare(sql).get() as { n: number | bigint }).n);
  return inTransaction(database, () => {
    const threads = count('SELECT count(DISTINCT thread_id) AS n FROM checkpoint_checkpoints');
    const ownedThreads = hasThreadRecords
      ? count(`SELECT count(DISTINCT thread_id) AS n FROM checkpoint_checkpoints AS checkpoint
          WHERE (SELECT count(*) FROM run_threads AS owner WHERE owner.thread_id = checkpoint.thread_id) = 1`)
      : 0;
    for (const name of tableNames) {
      // Tables that a partial old schema lacks are simply created empty.
      if (columnsOf(database, name).length === 0) {
        database.exec(`CREATE TABLE ${name} ${tables[name]}`);
        continue;
      }
      const old = `${name}_untenanted`;
      database.exec(`ALTER TABLE ${name} RENAME TO ${old}`);
      database.exec(`CREATE TABLE ${name} ${tables[name]}`);
      const columns = untenantedColumns[name];
      database.exec(`INSERT INTO ${name} (tenant_id, ${columns}) SELECT ${ownerOf(old)}, ${columns} FROM ${old}`);
      database.exec(`DROP TABLE ${old}`);
    }
    return {
      checkpoints: count('SELECT count(*) AS n FROM checkpoint_checkpoints'),
      ownedThreads,
      defaultThreads: threads - ownedThreads,
    };
  });
}
