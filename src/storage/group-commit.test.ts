import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushGroupCommit, groupCommit } from './group-commit.ts';
import { openDatabase } from './sqlite-database.ts';

describe('groupCommit', () => {
  let directory: string;
  let file: string;
  let database: DatabaseSync;
  let commits: number;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'overseer-group-commit-'));
    file = path.join(directory, 'test.db');
    database = openDatabase(file, { vectors: false });
    database.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
    // Count the commits SQLite is asked for on this connection.
    commits = 0;
    const exec = database.exec.bind(database);
    database.exec = (sql: string) => {
      if (sql === 'COMMIT') commits += 1;
      return exec(sql);
    };
  });

  afterEach(() => {
    if (database.isOpen) database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const insert = (name: string) => () => Number(database.prepare('INSERT INTO items (name) VALUES (?)').run(name).lastInsertRowid);
  const names = (connection: DatabaseSync) =>
    (connection.prepare('SELECT name FROM items ORDER BY id').all() as Array<{ name: string }>).map((row) => row.name);

  it('commits the writes queued in one turn together, in order, and resolves with their results', async () => {
    const results = await Promise.all(['a', 'b', 'c'].map((name) => groupCommit(database, insert(name))));
    expect(results).toEqual([1, 2, 3]);
    expect(commits).toBe(1);
    expect(names(database)).toEqual(['a', 'b', 'c']);
  });

  it('has committed a write when its promise resolves: another connection sees it', async () => {
    const reader = new DatabaseSync(file);
    try {
      const pending = groupCommit(database, insert('visible'));
      expect(names(reader)).toEqual([]);
      await pending;
      expect(names(reader)).toEqual(['visible']);
    } finally {
      reader.close();
    }
  });

  it('undoes and rejects only the write that throws; the others of its turn commit', async () => {
    const settled = await Promise.allSettled([
      groupCommit(database, insert('first')),
      groupCommit(database, () => {
        insert('half-done')();
        insert('first')(); // UNIQUE violation: the whole write must be undone
      }),
      groupCommit(database, insert('third')),
    ]);
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(names(database)).toEqual(['first', 'third']);
    expect(database.isTransaction).toBe(false);
  });

  it('rejects the whole batch when a write makes SQLite abandon the transaction, and claims nothing durable', async () => {
    const settled = await Promise.allSettled([
      groupCommit(database, insert('first')),
      // OR ROLLBACK: the constraint failure ends the whole transaction, not just this statement.
      groupCommit(database, () => database.prepare("INSERT OR ROLLBACK INTO items (name) VALUES ('first')").run()),
      groupCommit(database, insert('third')),
    ]);
    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(names(database)).toEqual([]);
    expect(database.isTransaction).toBe(false);
    expect(await groupCommit(database, insert('after'))).toBeGreaterThan(0);
  });

  it('lets each write see the writes queued before it (read-modify-write stays consistent)', async () => {
    database.exec("INSERT INTO items (name) VALUES ('counter:0')");
    const bump = () => {
      const row = database.prepare("SELECT name FROM items WHERE name LIKE 'counter:%'").get() as { name: string };
      const next = Number(row.name.split(':')[1]) + 1;
      database.prepare('UPDATE items SET name = ? WHERE name = ?').run(`counter:${next}`, row.name);
      return next;
    };
    expect(await Promise.all([1, 2, 3, 4].map(() => groupCommit(database, bump)))).toEqual([1, 2, 3, 4]);
    expect(names(database)).toEqual(['counter:4']);
  });

  it('puts writes queued while a batch commits into the next commit', async () => {
    const nested = await groupCommit(database, () => groupCommit(database, insert('later')));
    expect(await nested).toBe(1);
    expect(commits).toBe(2);
  });

  it('rejects every write of a batch and leaves no transaction open when the commit cannot start', async () => {
    const blocker = new DatabaseSync(file);
    blocker.exec('PRAGMA busy_timeout = 0');
    database.exec('PRAGMA busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const settled = await Promise.allSettled([groupCommit(database, insert('x')), groupCommit(database, insert('y'))]);
      expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
      expect(database.isTransaction).toBe(false);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(await groupCommit(database, insert('after'))).toBe(1);
  });

  it('flushGroupCommit commits what is queued at once, so closing a database loses nothing', async () => {
    const pending = groupCommit(database, insert('before-close'));
    flushGroupCommit(database);
    database.close();
    await expect(pending).resolves.toBe(1);
    const reopened = new DatabaseSync(file);
    try {
      expect(names(reopened)).toEqual(['before-close']);
    } finally {
      reopened.close();
    }
  });
});
