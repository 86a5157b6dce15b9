import type { DatabaseSync } from 'node:sqlite';

interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface CommitGroup {
  queue: QueuedWrite[];
  scheduled: boolean;
}

/** Bounds how long one shared transaction holds SQLite's write lock. */
const maxWritesPerCommit = 256;
const groups = new WeakMap<DatabaseSync, CommitGroup>();

/**
 * Run `work` in a write transaction that it shares with the other writes queued on the same
 * connection in this turn of the event loop, and resolve once that transaction has committed.
 *
 * Why: a run on a thread makes about ten small writes (checkpoints, task writes, run and
 * thread records, audit records), and with twenty runs in flight a commit each was the
 * biggest single cost of the server. Each write still sees the ones queued before it, runs in
 * its own savepoint (a write that throws is undone alone and rejects alone), and is durable
 * when its promise resolves, exactly as with a transaction of its own. The shared transaction
 * opens and commits inside one synchronous flush, so no other code (nor another connection of
 * this process) ever waits on a transaction left open across turns.
 *
 * `work` must be synchronous and must not open a transaction itself.
 * @example const record = await groupCommit(database, () => insert.run(id, json));
 */
export function groupCommit<T>(database: DatabaseSync, work: () => T): Promise<T> {
  let group = groups.get(database);
  if (!group) {
    group = { queue: [], scheduled: false };
    groups.set(database, group);
  }
  const queued = group;
  return new Promise<T>((resolve, reject) => {
    queued.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    if (!queued.scheduled) {
      queued.scheduled = true;
      // After the I/O callbacks of this turn: every request that arrived together joins in.
      setImmediate(() => flushGroupCommit(database));
    }
  });
}

/**
 * Commit what is queued on `database` now (also called before a database is closed, so no
 * queued write is lost).
 */
export function flushGroupCommit(database: DatabaseSync): void {
  const group = groups.get(database);
  if (!group) return;
  group.scheduled = false;
  while (group.queue.length > 0) {
    commitBatch(database, group.queue.splice(0, maxWritesPerCommit));
  }
}

function commitBatch(database: DatabaseSync, batch: QueuedWrite[]): void {
  const outcomes: Array<() => void> = [];
  let failed: unknown;
  try {
    database.exec('BEGIN IMMEDIATE');
  } catch (error) {
    for (const write of batch) write.reject(error);
    return;
  }
  for (const write of batch) {
    try {
      database.exec('SAVEPOINT group_write');
    } catch (error) {
      failed = error;
      break;
    }
    try {
      const value = write.work();
      database.exec('RELEASE group_write');
      outcomes.push(() => write.resolve(value));
    } catch (error) {
      try {
        database.exec('ROLLBACK TO group_write');
        database.exec('RELEASE group_write');
      } catch (rollbackError) {
        failed = rollbackError;
      }
      outcomes.push(() => write.reject(error));
      if (failed) break;
    }
  }
  if (!failed) {
    try {
      database.exec('COMMIT');
    } catch (error) {
      failed = error;
    }
  }
  if (failed) {
    // Nothing of this batch is durable: every write of it is rejected with the reason (even one
    // that had failed on its own), and the transaction is undone if SQLite left it open.
    if (database.isOpen && database.isTransaction) {
      try {
        database.exec('ROLLBACK');
      } catch {
        // the connection already rolled back
      }
    }
    for (const write of batch) write.reject(failed);
    return;
  }
  for (const settle of outcomes) settle();
}
