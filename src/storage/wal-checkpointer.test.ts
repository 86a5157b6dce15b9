import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './sqlite-database.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';

describe('startWalCheckpointer', () => {
  let directory: string;
  let file: string;
  let database: DatabaseSync;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'overseer-wal-'));
    file = path.join(directory, 'test.db');
    database = openDatabase(file, { vectors: false });
    // Only the worker may move pages into the database file in these tests.
    database.exec('PRAGMA wal_autocheckpoint = 0');
    database.exec('CREATE TABLE payload (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  });

  afterEach(() => {
    if (database.isOpen) database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const writeMegabytes = (count: number) => {
    const insert = database.prepare('INSERT INTO payload (body) VALUES (?)');
    for (let index = 0; index < count * 16; index += 1) insert.run(Buffer.alloc(64 * 1024, index % 251));
  };

  it('copies committed WAL frames into the database file from its worker thread', async () => {
    const checkpointer = startWalCheckpointer(database, { intervalMs: 10 });
    try {
      const before = statSync(file).size;
      writeMegabytes(2);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(2 * 1024 * 1024);
      await expect.poll(() => statSync(file).size, { timeout: 5_000, interval: 20 }).toBeGreaterThan(before + 2 * 1024 * 1024);
    } finally {
      await checkpointer.stop();
    }
  });

  it('folds the WAL in and truncates it when stopped, and the data stays readable', async () => {
    const checkpointer = startWalCheckpointer(database, { intervalMs: 60_000 });
    writeMegabytes(1);
    await checkpointer.stop();
    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(database.prepare('SELECT count(*) AS count FROM payload').get()).toEqual({ count: 16 });
  });

  it('finishes stopping before the process ends, though the worker alone would not keep it alive', async () => {
    const script = path.resolve(import.meta.dirname, '../../test/fixtures/stop-wal-checkpointer.ts');
    const other = path.join(directory, 'other.db');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, other]);
    expect(stdout.trim()).toBe('stopped');
    // The last connection to close removes an empty WAL file altogether.
    expect(existsSync(`${other}-wal`) ? statSync(`${other}-wal`).size : 0).toBe(0);
  });

  it('starts nothing for an in-memory database', async () => {
    const memory = openDatabase(':memory:', { vectors: false });
    try {
      await expect(startWalCheckpointer(memory).stop()).resolves.toBeUndefined();
    } finally {
      memory.close();
    }
  });
});
