import type { DatabaseSync } from 'node:sqlite';
import type { RunnableConfig } from '@langchain/core/runnables';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ERROR, INTERRUPT, emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import type { Checkpoint, CheckpointMetadata, CheckpointTuple } from '@langchain/langgraph-checkpoint';
import { AppError } from '../errors.ts';
import { openDatabase } from '../storage/index.ts';
import { SqliteCheckpointSaver } from './sqlite-checkpoint-saver.ts';
import { selectLatestCheckpointSql } from './sqlite-checkpoint-statements.ts';
import { describeCheckpointTenantIsolation } from './checkpoint-tenant-conformance.ts';

const loopMetadata: CheckpointMetadata = { source: 'loop', step: 0, parents: {} };

function checkpointWith(values: Record<string, unknown>, versions: Record<string, number>): Checkpoint {
  return { ...emptyCheckpoint(), id: uuid6(-1), channel_values: values, channel_versions: versions };
}

async function collect(iterable: AsyncIterable<CheckpointTuple>): Promise<CheckpointTuple[]> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of iterable) tuples.push(tuple);
  return tuples;
}

describe('SqliteCheckpointSaver', () => {
  let database: DatabaseSync;
  let saver: SqliteCheckpointSaver;
  const thread = { configurable: { thread_id: 'thread-1', checkpoint_ns: '' } };

  beforeEach(() => {
    database = openDatabase(':memory:', { vectors: false });
    saver = new SqliteCheckpointSaver({ database });
  });

  afterEach(() => {
    database.close();
  });

  const count = (table: string): number =>
    Number(database.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n);

  it('finds the newest checkpoint through the primary key, with no scan and no sort', () => {
    const plan = database
      .prepare(`EXPLAIN QUERY PLAN ${selectLatestCheckpointSql}`)
      .all('default', 'thread-1', '')
      .map((row) => String(row.detail))
      .join('\n');
    expect(plan).toMatch(/SEARCH checkpoint_checkpoints USING INDEX sqlite_autoindex_checkpoint_checkpoints_1/);
    expect(plan).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it('returns the newest checkpoint of a thread and lists the thread newest first', async () => {
    const ids: string[] = [];
    let config: RunnableConfig = thread;
    for (let step = 0; step < 5; step += 1) {
      config = await saver.put(config, checkpointWith({}, {}), { ...loopMetadata, step }, {});
      ids.push(String(config.configurable?.checkpoint_id));
    }
    const latest = await saver.getTuple({ configurable: { thread_id: 'thread-1' } });
    expect(latest?.checkpoint.id).toBe(ids[4]);
    expect(latest?.parentConfig?.configurable?.checkpoint_id).toBe(ids[3]);

    const listed = await collect(saver.list({ configurable: { thread_id: 'thread-1' } }));
    expect(listed.map((tuple) => tuple.checkpoint.id)).toEqual([...ids].reverse());
    const page = await collect(saver.list(thread, { before: { configurable: { checkpoint_id: ids[3] } }, limit: 2 }));
    expect(page.map((tuple) => tuple.checkpoint.id)).toEqual([ids[2], ids[1]]);
  });

  it('lists every namespace of a thread when no checkpoint_ns is given', async () => {
    await saver.put(thread, checkpointWith({}, {}), loopMetadata, {});
    await saver.put({ configurable: { thread_id: 'thread-1', checkpoint_ns: 'child:1' } }, checkpointWith({}, {}), loopMetadata, {});
    await saver.put({ configurable: { thread_id: 'thread-2' } }, checkpointWith({}, {}), loopMetadata, {});
    const namespaces = (await collect(saver.list({ configurable: { thread_id: 'thread-1' } }))).map(
      (tuple) => tuple.config.configurable?.checkpoint_ns,
    );
    expect(namespaces.sort()).toEqual(['', 'child:1']);
    expect(await collect(saver.list({}))).toHaveLength(3);
  });

  it('filters the list on metadata values of every JSON type', async () => {
    const metadata = {
      ...loopMetadata,
      source: 'update',
      'user.id': 'u-7',
      urgent: true,
      score: 2.5,
      reviewer: null,
      tags: ['refund'],
      owner: { team: 'billing', region: 'eu' },
    } as CheckpointMetadata;
    const stored = await saver.put(thread, checkpointWith({}, {}), metadata, {});
    await saver.put(stored, checkpointWith({}, {}), { ...loopMetadata, reviewer: undefined } as CheckpointMetadata, {});
    const matching = async (filter: Record<string, unknown>) =>
      (await collect(saver.list(thread, { filter }))).map((tuple) => tuple.metadata?.source);

    expect(await matching({ source: 'update', 'user.id': 'u-7', urgent: true, score: 2.5, reviewer: null })).toEqual(['update']);
    expect(await matching({ owner: { region: 'eu', team: 'billing' }, tags: ['refund'] })).toEqual(['update']);
    expect(await matching({ owner: { team: 'billing' } })).toEqual([]);
    expect(await matching({ urgent: 'true' })).toEqual([]);
    expect(await matching({ score: '2.5' })).toEqual([]);
    expect(await matching({ reviewer: undefined })).toEqual(['loop']);
    expect(await matching({ step: 0 })).toEqual(['loop', 'update']);
    expect(await collect(saver.list(thread, { filter: { owner: { team: 'billing', region: 'eu' } }, limit: 1 }))).toHaveLength(1);
  });

  it('round-trips Maps, Sets, bytes and LangChain messages in channel values and writes', async () => {
    const values = {
      messages: [new HumanMessage('Refund order 42'), new AIMessage({ content: '', tool_calls: [{ id: 'call-1', name: 'refund', args: { order: 42 } }] })],
      seen: new Set(['a', 'b']),
      totals: new Map([['eu', 3]]),
      attachment: new Uint8Array([0, 1, 255]),
    };
    const config = await saver.put(thread, checkpointWith(values, { messages: 1, seen: 1, totals: 1, attachment: 1 }), loopMetadata, {
      messages: 1,
      seen: 1,
      totals: 1,
      attachment: 1,
    });
    await saver.putWrites(config, [['messages', new ToolMessage({ content: 'refunded', tool_call_id: 'call-1' })]], 'task-1');

    const tuple = await saver.getTuple(config);
    const loaded = tuple?.checkpoint.channel_values as typeof values;
    expect(loaded.messages[0]).toBeInstanceOf(HumanMessage);
    expect(loaded.messages[1]).toBeInstanceOf(AIMessage);
    expect((loaded.messages[1] as AIMessage).tool_calls?.[0]?.args).toEqual({ order: 42 });
    expect(loaded.seen).toEqual(new Set(['a', 'b']));
    expect(loaded.totals).toEqual(new Map([['eu', 3]]));
    expect(loaded.attachment).toEqual(new Uint8Array([0, 1, 255]));
    expect(tuple?.pendingWrites?.[0]?.[2]).toBeInstanceOf(ToolMessage);
  });

  it('stores a channel value once and lets later checkpoints reuse it until its version changes', async () => {
    const big = { text: 'x'.repeat(1000) };
    let config = await saver.put(thread, checkpointWith({ document: big, counter: 1 }, { document: 1, counter: 1 }), loopMetadata, {
      document: 1,
      counter: 1,
    });
    for (let counter = 2; counter <= 4; counter += 1) {
      const next = checkpointWith({ document: big, counter }, { document: 1, counter });
      config = await saver.put(config, next, loopMetadata, { counter });
    }
    expect(count('checkpoint_blobs')).toBe(5);
    const latest = await saver.getTuple({ configurable: { thread_id: 'thread-1' } });
    expect(latest?.checkpoint.channel_values).toEqual({ document: big, counter: 4 });
  });

  it('replaces special-channel writes of a task but keeps its first ordinary write', async () => {
    const config = await saver.put(thread, checkpointWith({}, {}), loopMetadata, {});
    await saver.putWrites(config, [['answer', 'first'], [ERROR, 'timeout']], 'task-1');
    await saver.putWrites(config, [['answer', 'second'], [ERROR, 'rate limited']], 'task-1');
    await saver.putWrites(config, [[INTERRUPT, { question: 'approve?' }]], 'task-1');
    const tuple = await saver.getTuple(config);
    expect(tuple?.pendingWrites).toEqual([
      ['task-1', INTERRUPT, { question: 'approve?' }],
      ['task-1', ERROR, 'rate limited'],
      ['task-1', 'answer', 'first'],
    ]);
  });

  it('returns pending writes ordered by task path, then task id, then index', async () => {
    const config = await saver.put(thread, checkpointWith({}, {}), loopMetadata, {});
    await saver.putWrites(config, [['log', 'b0'], ['log', 'b1']], 'task-b', '~__pregel_pull, b');
    await saver.putWrites(config, [['log', 'a0']], 'task-z', '~__pregel_pull, a');
    await saver.putWrites(config, [['log', 'input']], 'task-y');
    await saver.putWrites(config, [['log', 'c0']], 'task-a', '~__pregel_pull, b');
    const tuple = await saver.getTuple(config);
    expect(tuple?.pendingWrites?.map((write) => write[2])).toEqual(['input', 'a0', 'c0', 'b0', 'b1']);
  });

  it('rolls back the channel blobs of a put whose checkpoint row cannot be stored', async () => {
    database.exec(`CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON checkpoint_checkpoints
      BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const failure = await saver.put(thread, checkpointWith({ answer: 42 }, { answer: 1 }), loopMetadata, { answer: 1 }).catch((error: unknown) => error);
    // One clear code for callers (HTTP 503), SQLite's own error kept as the cause.
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'STORAGE_ERROR' });
    expect(String((failure as AppError).cause)).toMatch(/refused/);
    expect(count('checkpoint_blobs')).toBe(0);
    expect(database.isTransaction).toBe(false);
  });

  it('reports a database it cannot read as STORAGE_ERROR', async () => {
    await saver.put(thread, checkpointWith({ answer: 42 }, { answer: 1 }), loopMetadata, { answer: 1 });
    database.exec('DROP TABLE checkpoint_checkpoints');
    await expect(saver.getTuple(thread)).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    await expect(collect(saver.list(thread))).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
  });

  it('answers the latest checkpoint id of a namespace without loading the checkpoint', async () => {
    const first = await saver.put(thread, checkpointWith({ a: 1 }, { a: 1 }), loopMetadata, { a: 1 });
    const second = await saver.put(first, checkpointWith({ a: 2 }, { a: 2 }), loopMetadata, { a: 2 });
    const child = await saver.put({ configurable: { thread_id: 'thread-1', checkpoint_ns: 'child:1' } }, checkpointWith({ b: 1 }, { b: 1 }), loopMetadata, { b: 1 });
    expect(await saver.latestCheckpointId('thread-1')).toBe(second.configurable!.checkpoint_id);
    expect(await saver.latestCheckpointId('thread-1', 'child:1')).toBe(child.configurable!.checkpoint_id);
    expect(await saver.latestCheckpointId('no-such-thread')).toBeUndefined();
  });

  it('deletes the checkpoints, blobs and writes of one thread only', async () => {
    const other = { configurable: { thread_id: 'thread-2', checkpoint_ns: '' } };
    for (const config of [thread, other]) {
      const stored = await saver.put(config, checkpointWith({ answer: 42 }, { answer: 1 }), loopMetadata, { answer: 1 });
      await saver.putWrites(stored, [['answer', 43]], 'task-1');
    }
    await saver.deleteThread('thread-1');
    expect(await saver.getTuple(thread)).toBeUndefined();
    expect((await saver.getTuple(other))?.pendingWrites).toEqual([['task-1', 'answer', 43]]);
    expect([count('checkpoint_checkpoints'), count('checkpoint_blobs'), count('checkpoint_writes')]).toEqual([1, 1, 1]);
  });

  it('keeps stored checkpoints when another saver opens the same database', async () => {
    const config = await saver.put(thread, checkpointWith({ answer: 42 }, { answer: 1 }), loopMetadata, { answer: 1 });
    const again = new SqliteCheckpointSaver({ database });
    expect((await again.getTuple(config))?.checkpoint.channel_values).toEqual({ answer: 42 });
  });

  it('rejects a put or putWrites without a thread or checkpoint id as a bad request', async () => {
    const missingThread = saver.put({ configurable: {} }, checkpointWith({}, {}), loopMetadata, {});
    await expect(missingThread).rejects.toBeInstanceOf(AppError);
    await expect(missingThread).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(saver.putWrites(thread, [['answer', 1]], 'task-1')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('gives each next version a higher number than the current one', () => {
    const first = saver.getNextVersion(undefined);
    const second = saver.getNextVersion(first);
    const sibling = saver.getNextVersion(first);
    expect(first).toBeGreaterThanOrEqual(1);
    expect(second).toBeGreaterThan(first);
    expect(Math.floor(second)).toBe(Math.floor(first) + 1);
    expect(sibling).not.toBe(second);
  });
});

describeCheckpointTenantIsolation('SqliteCheckpointSaver', () => new SqliteCheckpointSaver({ database: openDatabase(':memory:', { vectors: false }) }));
