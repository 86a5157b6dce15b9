import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** One row of `checkpoint_checkpoints`, as every select of the saver returns it. */
export interface CheckpointRow {
  tenant_id: string;
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  checkpoint_type: string;
  checkpoint: Uint8Array;
  metadata: string;
}

/** A stored value (channel blob or pending write) with the serde type that reads it back. */
export interface TypedValueRow {
  type: string;
  blob: Uint8Array | null;
}

export interface ChannelBlobRow extends TypedValueRow {
  channel: string;
}

export interface PendingWriteRow extends TypedValueRow {
  task_id: string;
  channel: string;
}

export const checkpointColumns =
  'tenant_id, thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint_type, checkpoint, metadata';

// Binary collation compares UTF-8 bytes, which is code point order: the same order as
// `compareWritesSortKeys`, so pending writes come back as live execution applies them.
const pendingWritesOrder = 'ORDER BY task_path, task_id, idx';

/** Walks the primary key backwards: the newest checkpoint of a thread is the first entry read. */
export const selectLatestCheckpointSql = `SELECT ${checkpointColumns} FROM checkpoint_checkpoints
  WHERE tenant_id = ? AND thread_id = ? AND checkpoint_ns = ?
  ORDER BY checkpoint_id DESC LIMIT 1`;

export type CheckpointStatements = ReturnType<typeof prepareCheckpointStatements>;

/**
 * Prepare the fixed statements of the saver once, so each call only binds and steps. Every
 * statement takes the tenant first, then the thread: the order of the primary keys.
 */
export function prepareCheckpointStatements(database: DatabaseSync) {
  const prepare = (sql: string): StatementSync => database.prepare(sql);
  return {
    selectCheckpoint: prepare(
      `SELECT ${checkpointColumns} FROM checkpoint_checkpoints
       WHERE tenant_id = ? AND thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?`,
    ),
    selectLatestCheckpoint: prepare(selectLatestCheckpointSql),
    selectLatestCheckpointId: prepare(
      `SELECT checkpoint_id FROM checkpoint_checkpoints WHERE tenant_id = ? AND thread_id = ? AND checkpoint_ns = ?
       ORDER BY checkpoint_id DESC LIMIT 1`,
    ),
    selectNewestCheckpointId: prepare(
      `SELECT checkpoint_id FROM checkpoint_checkpoints WHERE tenant_id = ? AND thread_id = ? ORDER BY checkpoint_id DESC LIMIT 1`,
    ),
    upsertCheckpoint: prepare(
      `INSERT INTO checkpoint_checkpoints (${checkpointColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET
         parent_checkpoint_id = excluded.parent_checkpoint_id,
         checkpoint_type = excluded.checkpoint_type,
         checkpoint = excluded.checkpoint,
         metadata = excluded.metadata`,
    ),
    // The first argument is a JSON object channel → version; each pair is one primary key lookup.
    selectChannelBlobs: prepare(
      `SELECT b.channel, b.type, b.blob
       FROM json_each(?) AS v
       CROSS JOIN checkpoint_blobs AS b
       WHERE b.tenant_id = ? AND b.thread_id = ? AND b.checkpoint_ns = ? AND b.channel = v.key AND b.version = v.value`,
    ),
    // A (channel, version) names one value, so a blob that exists is never rewritten.
    insertChannelBlob: prepare(
      `INSERT INTO checkpoint_blobs (tenant_id, thread_id, checkpoint_ns, channel, version, type, blob)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, thread_id, checkpoint_ns, channel, version) DO NOTHING`,
    ),
    selectPendingWrites: prepare(
      `SELECT task_id, channel, type, blob FROM checkpoint_writes
       WHERE tenant_id = ? AND thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?
       ${pendingWritesOrder}`,
    ),
    selectChannelWrites: prepare(
      `SELECT type, blob FROM checkpoint_writes
       WHERE tenant_id = ? AND thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ? AND channel = ?
       ${pendingWritesOrder}`,
    ),
    // Special channels (error, interrupt, ...) have fixed negative indexes and replace
    // the earlier write of their task; ordinary writes keep the first one stored.
    upsertWrite: prepare(
      `INSERT INTO checkpoint_writes
         (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob, task_path)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx) DO UPDATE SET
         channel = excluded.channel, type = excluded.type, blob = excluded.blob, task_path = excluded.task_path`,
    ),
    insertWrite: prepare(
      `INSERT INTO checkpoint_writes
         (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob, task_path)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx) DO NOTHING`,
    ),
    deleteThreadCheckpoints: prepare('DELETE FROM checkpoint_checkpoints WHERE tenant_id = ? AND thread_id = ?'),
    deleteThreadBlobs: prepare('DELETE FROM checkpoint_blobs WHERE tenant_id = ? AND thread_id = ?'),
    deleteThreadWrites: prepare('DELETE FROM checkpoint_writes WHERE tenant_id = ? AND thread_id = ?'),
  };
}
