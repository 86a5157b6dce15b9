import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { getLoadablePath } from 'sqlite-vec';

export interface OpenDatabaseOptions {
  /** Load the sqlite-vec extension for dense vectors (default true). */
  vectors?: boolean;
}

/**
 * Open the embedded SQLite database with the settings every module relies on:
 * WAL so readers never block the writer, a busy timeout instead of instant SQLITE_BUSY,
 * foreign keys on, and sqlite-vec loaded for dense search.
 * @example const database = openDatabase(':memory:');
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): DatabaseSync {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const database = new DatabaseSync(file, { allowExtension: options.vectors !== false });
  if (options.vectors !== false) {
    database.loadExtension(getLoadablePath());
    // Extensions stay loadable only while we load them; closing the door afterwards means
    // SQL text that reaches the database can never load a library of its own.
    database.enableLoadExtension(false);
  }
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = NORMAL');
  database.exec('PRAGMA busy_timeout = 5000');
  database.exec('PRAGMA foreign_keys = ON');
  // A larger page cache and memory-mapped reads keep hot checkpoint and run pages off the
  // syscall path; the WAL is checkpointed less often, in bigger, cheaper batches.
  database.exec('PRAGMA cache_size = -65536');
  database.exec('PRAGMA mmap_size = 268435456');
  database.exec('PRAGMA temp_store = MEMORY');
  database.exec('PRAGMA wal_autocheckpoint = 4000');
  return database;
}

/** Run `work` in one transaction; rolls back on any thrown error. */
export function inTransaction<T>(database: DatabaseSync, work: () => T): T {
  database.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    database.exec('COMMIT');
    return result;
  } catch (error) {
    database.exec('ROLLBACK');
    throw error;
  }
}
