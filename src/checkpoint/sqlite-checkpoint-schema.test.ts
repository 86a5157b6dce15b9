import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import type { Checkpoint, CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import { openDatabase } from '../storage/index.ts';
import { SqliteCheckpointSaver } from './sqlite-checkpoint-saver.ts';

// The checkpoint tables exactly as the previous version created them: no tenant anywhere.
const untenantedSchema = `
CREATE TABLE checkpoint_checkpoints (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  parent_checkpoint_id TEXT,
  checkpoint_type TEXT NOT NULL,
  checkpoint BLOB NOT NULL,
  metadata TEXT NOT NULL,
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
);
CREATE TABLE checkpoint_blobs (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  version TEXT NOT NULL,
  type TEXT NOT NULL,
  blob BLOB,
  PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
);
CREATE TABLE checkpoint_writes (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  blob BLOB,
  task_path TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
);`;

const metadata: CheckpointMetadata = { source: 'loop', step: 0, parents: {} };

function checkpointOf(value: unknown, versions: Record<string, number>): Checkpoint {
  return { ...emptyCheckpoint(), id: uuid6(-1), channel_values: { value }, channel_versions: versions };
}

/**
 * Write threads the way the previous version did: serialize with today's saver (same serde, same
 * row contents) into a scratch database, then copy the rows, minus the tenant, into old tables.
 */
async function writeUntenantedDatabase(file: string, threads: Array<{ threadId: string; values: string[] }>) {
  const scratch = new SqliteCheckpointSaver({ database: openDatabase(':memory:', { vectors: false }) });
  for (const { threadId, values } of threads) {
    let config = { configurable: { thread_id: threadId, checkpoint_ns: '' } };
    for (const [step, value] of values.entries()) {
      config = (await scratch.put(config, checkpointOf(value, { value: step + 1 }), { ...metadata, step }, { value: step + 1 })) as typeof config;
    }
    await scratch.putWrites(config, [['value', `pending on ${threadId}`]], 'task-1');
  }
  const old = openDatabase(file, { vectors: false });
  old.exec(untenantedSchema);
  const copy = (table: string, columns: string) => {
    const rows = scratch.database.prepare(`SELECT ${columns} FROM ${table}`).all();
    const insert = old.prepare(`INSERT INTO ${table} (${columns}) VALUES (${columns.split(',').map(() => '?').join(', ')})`);
    for (const row of rows) insert.run(...(Object.values(row) as never[]));
  };
  copy('checkpoint_checkpoints', 'thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint_type, checkpoint, metadata');
  copy('checkpoint_blobs', 'thread_id, checkpoint_ns, channel, version, type, blob');
  copy('checkpoint_writes', 'thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob, task_path');
  scratch.database.close();
  return old;
}

describe('SqliteCheckpointSaver on a database written before checkpoints were keyed by tenant', () => {
  let directory: string;
  let file: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const open = (database: DatabaseSync) => new SqliteCheckpointSaver({ database, log });

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'overseer-checkpoint-migration-'));
    file = join(directory, 'overseer.db');
    lines.length = 0;
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('migrates once at start, says so in one line, and reads the old checkpoints back as the default tenant', async () => {
    const old = await writeUntenantedDatabase(file, [{ threadId: 'support-42', values: ['hello', 'hello again'] }]);
    old.close();

    const database = openDatabase(file, { vectors: false });
    const saver = open(database);
    expect(lines).toEqual(['migrated checkpoint tables to per-tenant keys: 2 checkpoints (0 threads given to the tenant of their thread record, 1 to "default")']);
    const tuple = await saver.getTuple({ configurable: { thread_id: 'support-42' } });
    expect(tuple?.checkpoint.channel_values).toEqual({ value: 'hello again' });
    expect(tuple?.pendingWrites).toEqual([['task-1', 'value', 'pending on support-42']]);
    expect((await saver.getTuple(tuple!.parentConfig!))?.checkpoint.channel_values).toEqual({ value: 'hello' });
    expect(await saver.getTuple({ configurable: { thread_id: 'support-42', tenant_id: 'acme' } })).toBeUndefined();
    const columns = database.prepare('PRAGMA table_info(checkpoint_writes)').all().map((column) => column.name);
    expect(columns[0]).toBe('tenant_id');
    database.close();

    // Opening the migrated file again changes nothing and logs nothing.
    const again = openDatabase(file, { vectors: false });
    const reopened = open(again);
    expect(lines).toHaveLength(1);
    expect((await reopened.getTuple({ configurable: { thread_id: 'support-42' } }))?.checkpoint.id).toBe(tuple?.checkpoint.id);
    again.close();
  });

  it('gives a thread to the tenant of its thread record when exactly one tenant has one', async () => {
    const old = await writeUntenantedDatabase(file, [
      { threadId: 'acme-conversation-42', values: ['acme asks'] },
      { threadId: 'collided', values: ['whose?'] },
      { threadId: 'embedded', values: ['no record'] },
    ]);
    // The run repository's thread records, as they were: one owner, two owners, none.
    old.exec(`CREATE TABLE run_threads (tenant_id TEXT NOT NULL, thread_id TEXT NOT NULL, PRIMARY KEY (tenant_id, thread_id));
      INSERT INTO run_threads VALUES ('acme', 'acme-conversation-42'), ('acme', 'collided'), ('rival', 'collided');`);
    old.close();

    const database = openDatabase(file, { vectors: false });
    const saver = open(database);
    expect(lines).toEqual(['migrated checkpoint tables to per-tenant keys: 3 checkpoints (1 threads given to the tenant of their thread record, 2 to "default")']);
    const acme = await saver.getTuple({ configurable: { thread_id: 'acme-conversation-42', tenant_id: 'acme' } });
    expect(acme?.checkpoint.channel_values).toEqual({ value: 'acme asks' });
    expect(acme?.pendingWrites).toEqual([['task-1', 'value', 'pending on acme-conversation-42']]);
    expect(await saver.getTuple({ configurable: { thread_id: 'acme-conversation-42' } })).toBeUndefined();
    // A thread id two tenants used had one mixed history: neither tenant inherits it.
    expect(await saver.getTuple({ configurable: { thread_id: 'collided', tenant_id: 'acme' } })).toBeUndefined();
    expect(await saver.getTuple({ configurable: { thread_id: 'collided', tenant_id: 'rival' } })).toBeUndefined();
    expect((await saver.getTuple({ configurable: { thread_id: 'collided' } }))?.checkpoint.channel_values).toEqual({ value: 'whose?' });
    expect((await saver.getTuple({ configurable: { thread_id: 'embedded' } }))?.checkpoint.channel_values).toEqual({ value: 'no record' });
    database.close();
  });

  it('leaves the old tables untouched when the migration fails half way', async () => {
    const old = await writeUntenantedDatabase(file, [{ threadId: 'support-42', values: ['hello'] }]);
    // A table in the way of the rebuild: the migration cannot rename checkpoint_writes.
    old.exec('CREATE TABLE checkpoint_writes_untenanted (x)');
    old.close();

    const database = openDatabase(file, { vectors: false });
    expect(() => open(database)).toThrow();
    expect(lines).toEqual([]);
    const columns = database.prepare('PRAGMA table_info(checkpoint_checkpoints)').all().map((column) => column.name);
    expect(columns).not.toContain('tenant_id');
    expect(database.prepare('SELECT count(*) AS n FROM checkpoint_checkpoints').get()?.n).toBe(1);
    database.close();
  });
});
