import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import { ERROR, emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import type { Checkpoint, CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import { AppError } from '../errors.ts';
import { createRedisThreadKeys, listThreadKeys } from './redis-checkpoint-keys.ts';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
import { createRedisClient } from './redis-client.ts';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { describeCheckpointTenantIsolation } from './checkpoint-tenant-conformance.ts';

const redis = useRedisTestPrefix('redis-saver');
const { client } = redis;
const prefix = `${redis.prefix}checkpoints`;
const metadata: CheckpointMetadata = { source: 'loop', step: 0, parents: {} };

function createSaver(options: { ttlSeconds?: number; refreshTtlOnRead?: boolean } = {}): RedisCheckpointSaver {
  return new RedisCheckpointSaver({ client, keyPrefix: prefix, ...options });
}

function checkpointWith(values: Record<string, unknown>, versions: Record<string, number | string>): Checkpoint {
  return { ...emptyCheckpoint(), id: uuid6(0), channel_values: values, channel_versions: versions };
}

function threadKeys(threadId: string): string[] {
  return listThreadKeys(createRedisThreadKeys(prefix, 'default', threadId));
}

/** Socket writes (network round trips) and commands the client sends while `work` runs. */
async function countTraffic(work: () => Promise<unknown>): Promise<{ roundTrips: number; commands: string[] }> {
  const writes = vi.spyOn(client.stream, 'write');
  const sent = vi.spyOn(client, 'sendCommand');
  try {
    await work();
    return { roundTrips: writes.mock.calls.length, commands: sent.mock.calls.map(([command]) => command.name) };
  } finally {
    writes.mockRestore();
    sent.mockRestore();
  }
}

describe('RedisCheckpointSaver', () => {
  it('sends each put and putWrites as one MULTI/EXEC round trip', async () => {
    const saver = createSaver({ ttlSeconds: 600 });
    const thread: RunnableConfig = { configurable: { thread_id: randomUUID(), checkpoint_ns: '' } };
    const checkpoint = checkpointWith({ a: 'one', b: [1, 2] }, { a: 1, b: 1 });
    let saved = thread;

    const put = await countTraffic(async () => {
      saved = await saver.put(thread, checkpoint, metadata, { a: 1, b: 1 });
    });
    const putWrites = await countTraffic(() => saver.putWrites(saved, [['a', 'two'], ['b', [3]]], 'task-1'));
    // The first read on a Redis that has never seen the load script pays one extra round trip
    // (EVALSHA answers NOSCRIPT, then EVAL); the steady state is what this test is about.
    await saver.getTuple(thread);
    const latest = await countTraffic(() => saver.getTuple(thread));

    expect(put.roundTrips).toBe(1);
    expect(put.commands[0]).toBe('multi');
    expect(put.commands.at(-1)).toBe('exec');
    expect(putWrites.roundTrips).toBe(1);
    expect(putWrites.commands[0]).toBe('multi');
    expect(latest.roundTrips).toBe(1);
  });

  it('stores an unchanged channel once and shares its blob across checkpoints', async () => {
    const saver = createSaver();
    const threadId = randomUUID();
    const large = 'x'.repeat(10_000);
    const first = await saver.put(
      { configurable: { thread_id: threadId } },
      checkpointWith({ document: large, counter: 1 }, { document: 1, counter: 1 }),
      metadata,
      { document: 1, counter: 1 },
    );
    const second = await saver.put(
      first,
      checkpointWith({ document: large, counter: 2 }, { document: 1, counter: 2 }),
      metadata,
      { counter: 2 },
    );

    const blobs = createRedisThreadKeys(prefix, 'default', threadId).blobs;
    expect(await client.hlen(blobs)).toBe(3);
    expect((await saver.getTuple(second))?.checkpoint.channel_values).toEqual({ document: large, counter: 2 });
    expect((await saver.getTuple(first))?.checkpoint.channel_values).toEqual({ document: large, counter: 1 });
  });

  it('gives every key of the thread the same TTL on each write, so no blob outlives or predeceases its checkpoint', async () => {
    const ttlSeconds = 1_000;
    const saver = createSaver({ ttlSeconds });
    const threadId = randomUUID();
    const first = await saver.put(
      { configurable: { thread_id: threadId } },
      checkpointWith({ kept: 'value' }, { kept: 1 }),
      metadata,
      { kept: 1 },
    );
    await saver.putWrites(first, [['kept', 'next']], 'task-1');
    const keys = threadKeys(threadId);
    // Shorten every deadline, then write a checkpoint that reuses the old blob: the
    // write must push all seven keys (blob included) back to the full TTL.
    for (const key of keys) await client.pexpire(key, 100_000);
    await saver.put(first, checkpointWith({ kept: 'value' }, { kept: 1 }), metadata, {});

    const remaining = await Promise.all(keys.map((key) => client.pttl(key)));
    for (const milliseconds of remaining) {
      expect(milliseconds).toBeGreaterThan(900_000);
      expect(milliseconds).toBeLessThanOrEqual(ttlSeconds * 1000);
    }
  });

  it('extends the TTL on reads only when refreshTtlOnRead is set', async () => {
    const threadId = randomUUID();
    const writer = createSaver({ ttlSeconds: 1_000 });
    await writer.put({ configurable: { thread_id: threadId } }, checkpointWith({ a: 1 }, { a: 1 }), metadata, { a: 1 });
    const existing = (await Promise.all(threadKeys(threadId).map((key) => client.exists(key)))).reduce((a, b) => a + b);
    for (const key of threadKeys(threadId)) await client.pexpire(key, 100_000);

    await createSaver({ ttlSeconds: 1_000 }).getTuple({ configurable: { thread_id: threadId } });
    const unchanged = await Promise.all(threadKeys(threadId).map((key) => client.pttl(key)));
    await createSaver({ ttlSeconds: 1_000, refreshTtlOnRead: true }).getTuple({ configurable: { thread_id: threadId } });
    const refreshed = await Promise.all(threadKeys(threadId).map((key) => client.pttl(key)));

    expect(unchanged.filter((milliseconds) => milliseconds > 0 && milliseconds <= 100_000)).toHaveLength(existing);
    expect(refreshed.filter((milliseconds) => milliseconds > 900_000)).toHaveLength(existing);
  });

  it('removes every key of the thread on deleteThread and leaves other threads alone', async () => {
    const saver = createSaver({ ttlSeconds: 600 });
    const threadId = randomUUID();
    const otherThreadId = randomUUID();
    for (const namespace of ['', 'child:1']) {
      const saved = await saver.put(
        { configurable: { thread_id: threadId, checkpoint_ns: namespace } },
        checkpointWith({ a: 1 }, { a: 1 }),
        metadata,
        { a: 1 },
      );
      await saver.putWrites(saved, [['a', 2]], 'task-1');
    }
    await saver.put({ configurable: { thread_id: otherThreadId } }, checkpointWith({ a: 1 }, { a: 1 }), metadata, {});
    expect(await client.exists(...threadKeys(threadId))).toBe(7);

    await saver.deleteThread(threadId);

    const [, left] = await client.scan('0', 'MATCH', `${prefix}:{${threadId}}*`, 'COUNT', 100_000);
    expect(left).toEqual([]);
    expect(await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: 'child:1' } })).toBeUndefined();
    expect(await saver.getTuple({ configurable: { thread_id: otherThreadId } })).toBeDefined();
  });

  it('round-trips Maps, Sets, binary data and LangChain messages through the serde', async () => {
    const saver = createSaver();
    const binary = new Uint8Array(Array.from({ length: 256 }, (_, index) => index));
    const values = {
      map: new Map<string, unknown>([['k', { nested: [1, 2] }]]),
      set: new Set(['a', 'b']),
      binary,
      messages: [
        new HumanMessage({ content: 'hello', id: 'h1' }),
        new AIMessage({ content: '', id: 'a1', tool_calls: [{ id: 'call-1', name: 'lookup', args: { q: 'x' } }] }),
      ],
    };
    const versions = { map: 1, set: 1, binary: 1, messages: 1 };
    const saved = await saver.put({ configurable: { thread_id: randomUUID() } }, checkpointWith(values, versions), metadata, versions);

    const restored = (await saver.getTuple(saved))?.checkpoint.channel_values as typeof values;
    expect(restored.map).toEqual(values.map);
    expect(restored.set).toEqual(values.set);
    expect(Buffer.from(restored.binary).equals(Buffer.from(binary))).toBe(true);
    expect(restored.messages[0]).toBeInstanceOf(HumanMessage);
    expect(restored.messages[1]).toBeInstanceOf(AIMessage);
    expect((restored.messages[1] as AIMessage).tool_calls?.[0]?.args).toEqual({ q: 'x' });
  });

  it('returns pending writes ordered by task path, keeps the first ordinary write and overwrites special ones', async () => {
    const saver = createSaver();
    const saved = await saver.put({ configurable: { thread_id: randomUUID() } }, checkpointWith({}, {}), metadata, {});
    await saver.putWrites(saved, [['out', 'late']], 'task-b', '~__pregel_pull, b');
    await saver.putWrites(saved, [['out', 'early']], 'task-z', '~__pregel_pull, a');
    await saver.putWrites(saved, [['out', 'ignored retry']], 'task-b', '~__pregel_pull, b');
    await saver.putWrites(saved, [[ERROR, 'first failure']], 'task-c', '~__pregel_pull, c');
    await saver.putWrites(saved, [[ERROR, 'second failure']], 'task-c', '~__pregel_pull, c');

    expect((await saver.getTuple(saved))?.pendingWrites).toEqual([
      ['task-z', 'out', 'early'],
      ['task-b', 'out', 'late'],
      ['task-c', ERROR, 'second failure'],
    ]);
  });

  it('answers the latest checkpoint id of a namespace in one round trip, without loading it', async () => {
    const saver = createSaver();
    const threadId = randomUUID();
    const root = { configurable: { thread_id: threadId, checkpoint_ns: '' } };
    const first = await saver.put(root, checkpointWith({ a: 1 }, { a: 1 }), metadata, { a: 1 });
    const second = await saver.put(first, checkpointWith({ a: 2 }, { a: 2 }), metadata, { a: 2 });
    await saver.put({ configurable: { thread_id: threadId, checkpoint_ns: 'child:1' } }, checkpointWith({ b: 1 }, { b: 1 }), metadata, { b: 1 });
    const traffic = await countTraffic(async () => {
      expect(await saver.latestCheckpointId(threadId)).toBe(second.configurable!.checkpoint_id);
    });
    expect(traffic).toEqual({ roundTrips: 1, commands: ['zrevrangebylex'] });
    expect(await saver.latestCheckpointId(threadId, 'child:1')).toBe((await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: 'child:1' } }))!.checkpoint.id);
    expect(await saver.latestCheckpointId(randomUUID())).toBeUndefined();
  });

  it('lists every namespace of a thread newest first', async () => {
    const saver = createSaver();
    const threadId = randomUUID();
    const ids: string[] = [];
    for (const namespace of ['', 'child:1', '', 'child:1']) {
      const checkpoint = checkpointWith({}, {});
      ids.push(checkpoint.id);
      await saver.put({ configurable: { thread_id: threadId, checkpoint_ns: namespace } }, checkpoint, metadata, {});
    }
    const listed: string[] = [];
    for await (const tuple of saver.list({ configurable: { thread_id: threadId } })) listed.push(tuple.checkpoint.id);
    expect(listed).toEqual([...ids].reverse());
  });

  it('keeps the default tenant on the key layout of before tenants and puts any other tenant in the hash tag', async () => {
    const saver = createSaver();
    const threadId = `support:{42}-${randomUUID()}`;
    const encoded = encodeURIComponent(threadId);
    await saver.put({ configurable: { thread_id: threadId } }, checkpointWith({}, {}), metadata, {});
    await saver.put({ configurable: { thread_id: threadId, tenant_id: 'acme:eu' } }, checkpointWith({}, {}), metadata, {});
    const keys = (await client.keys(`${prefix}:*${encoded.slice(-36)}*`)).sort();
    expect(keys).toContain(`${prefix}:{${encoded}}:timeline`);
    expect(keys).toContain(`${prefix}:{acme%3Aeu:${encoded}}:timeline`);
    expect(keys).toHaveLength(2 * 4);
    // One hash tag per tenant's thread: every key of it on one cluster slot.
    const tags = new Set(keys.map((key) => key.slice(key.indexOf('{'), key.indexOf('}') + 1)));
    expect(tags).toEqual(new Set([`{${encoded}}`, `{acme%3Aeu:${encoded}}`]));
  });

  it('fails with STORAGE_ERROR when Redis cannot be reached', async () => {
    const unreachable = createRedisClient('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => null });
    unreachable.on('error', () => {});
    const saver = new RedisCheckpointSaver({ client: unreachable, keyPrefix: prefix });
    try {
      const failure = await saver.getTuple({ configurable: { thread_id: 't' } }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'STORAGE_ERROR', message: 'Checkpoint store unavailable' });
      expect((failure as AppError).cause).toBeInstanceOf(Error);
    } finally {
      unreachable.disconnect();
    }
  });
});

describeCheckpointTenantIsolation('RedisCheckpointSaver', () => createSaver());
