import type { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { SqliteStore } from './sqlite-store.ts';
import { describeStoreBehaviour } from './store-behaviour.ts';

const databases: DatabaseSync[] = [];

describeStoreBehaviour({
  name: 'SqliteStore',
  create: (options) => {
    const database = openDatabase(':memory:');
    databases.push(database);
    const store = new SqliteStore({ database, ...options });
    return { store, sweepExpired: () => store.sweepExpired() };
  },
  cleanup: () => {
    for (const database of databases.splice(0)) database.close();
  },
  capabilities: { clock: true, lexicalQuery: true, prunesEmptyNamespaces: true, ttl: true },
});

describe('SqliteStore', () => {
  it('keeps items in a file across store instances', async () => {
    const database = openDatabase(':memory:');
    await new SqliteStore({ database }).put(['users'], 'ada', { name: 'Ada' });
    expect((await new SqliteStore({ database }).get(['users'], 'ada'))?.value).toEqual({ name: 'Ada' });
    database.close();
  });

  it('answers a namespace-prefix search from a range of the primary key', () => {
    const database = openDatabase(':memory:');
    new SqliteStore({ database });
    const plan = database
      .prepare("EXPLAIN QUERY PLAN SELECT key FROM store_items WHERE (namespace = ? OR (namespace >= ? AND namespace < ?))")
      .all('docs', 'docs.', 'docs/') as Array<{ detail: string }>;
    const details = plan.map((row) => row.detail).join('\n');
    expect(details).toMatch(/SEARCH store_items USING PRIMARY KEY/);
    expect(details).not.toMatch(/SCAN store_items/);
    database.close();
  });

  it('rolls a failing batch back so none of its writes land', async () => {
    const database = openDatabase(':memory:');
    const store = new SqliteStore({ database });
    await expect(
      store.batch([
        { namespace: ['notes'], key: 'a', value: { ok: true } },
        { namespace: ['notes'], key: 'b', value: { ok: true }, ttl: -1 } as never,
      ]),
    ).rejects.toThrow(RangeError);
    expect(await store.get(['notes'], 'a')).toBeNull();
    database.close();
  });
});
