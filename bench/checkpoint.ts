/**
 * Checkpointer latency: `put` and `getTuple(latest)` p50/p99 with 10 and with 10,000
 * checkpoints in a thread, for RedisCheckpointSaver, MemorySaver and SqliteCheckpointSaver,
 * plus Redis round trips per call.
 *
 *   npm exec -- node --import tsx bench/checkpoint.ts
 *
 * REDIS_URL overrides the Redis on 127.0.0.1:6379. Keys use a unique prefix and are
 * deleted at the end; the SQLite file lives in a temporary directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunnableConfig } from '@langchain/core/runnables';
import { MemorySaver, emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import type { BaseCheckpointSaver, CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import { RedisCheckpointSaver } from '../src/checkpoint/redis-checkpoint-saver.ts';
import { createRedisClient } from '../src/checkpoint/redis-client.ts';
import { SqliteCheckpointSaver } from '../src/checkpoint/sqlite-checkpoint-saver.ts';
import { openDatabase } from '../src/storage/index.ts';
import { deleteKeysMatching } from '../test/support/redis-keys.ts';

const smallThreads = 1_000;
const largeThreadSize = 10_000;
const samples = 1_000;
const metadata: CheckpointMetadata = { source: 'loop', step: 0, parents: {} };
const question = 'How do I rotate the signing keys without downtime? '.repeat(20);

/** One step of a typical run: a constant question, a changing counter and notes. */
async function putStep(saver: BaseCheckpointSaver, config: RunnableConfig, step: number): Promise<RunnableConfig> {
  const versions = { question: 1, step: step + 1, notes: step + 1 };
  const checkpoint = {
    ...emptyCheckpoint(),
    id: uuid6(-1),
    channel_values: { question, step, notes: `note ${step} `.repeat(50) },
    channel_versions: versions,
  };
  const changed = step === 0 ? versions : { step: step + 1, notes: step + 1 };
  return saver.put(config, checkpoint, { ...metadata, step }, changed);
}

async function fillThread(saver: BaseCheckpointSaver, threadId: string, size: number): Promise<RunnableConfig> {
  let config: RunnableConfig = { configurable: { thread_id: threadId, checkpoint_ns: '' } };
  for (let step = 0; step < size; step += 1) config = await putStep(saver, config, step);
  return config;
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function percentile(durations: number[], fraction: number): number {
  const sorted = [...durations].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

interface Figures {
  put: number[];
  latest: number[];
}

/** `put` on many 10-checkpoint threads; `getTuple(latest)` repeatedly on one. */
async function measureSmall(saver: BaseCheckpointSaver): Promise<Figures> {
  const figures: Figures = { put: [], latest: [] };
  for (let thread = 0; thread < smallThreads; thread += 1) {
    const config = await fillThread(saver, randomUUID(), 10);
    figures.put.push(await time(() => putStep(saver, config, 10)));
  }
  const latest = { configurable: { thread_id: (await fillThread(saver, randomUUID(), 10)).configurable?.thread_id } };
  for (let sample = 0; sample < samples; sample += 1) figures.latest.push(await time(() => saver.getTuple(latest)));
  return figures;
}

/** The same on one thread grown to 10,000 checkpoints. */
async function measureLarge(saver: BaseCheckpointSaver): Promise<Figures> {
  const figures: Figures = { put: [], latest: [] };
  const threadId = randomUUID();
  let config = await fillThread(saver, threadId, largeThreadSize);
  for (let sample = 0; sample < samples; sample += 1) {
    const step = largeThreadSize + sample;
    const started = performance.now();
    config = await putStep(saver, config, step);
    figures.put.push(performance.now() - started);
  }
  const latest = { configurable: { thread_id: threadId } };
  for (let sample = 0; sample < samples; sample += 1) figures.latest.push(await time(() => saver.getTuple(latest)));
  return figures;
}

function format(milliseconds: number): string {
  return milliseconds.toFixed(3).padStart(8);
}

async function main(): Promise<void> {
  const client = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `bench:checkpoint:${randomUUID()}`;
  const directory = mkdtempSync(join(tmpdir(), 'overseer-bench-'));
  const database = openDatabase(join(directory, 'checkpoints.db'), { vectors: false });
  const savers: Array<[string, BaseCheckpointSaver]> = [
    ['RedisCheckpointSaver', new RedisCheckpointSaver({ client, keyPrefix: prefix })],
    ['MemorySaver', new MemorySaver()],
    ['SqliteCheckpointSaver', new SqliteCheckpointSaver({ database })],
  ];
  try {
    // Warm the JIT and the Redis script cache before anything is timed.
    for (const [, saver] of savers) await measureSmall(saver);

    const redis = savers[0]![1];
    const writes = { count: 0 };
    const originalWrite = client.stream.write.bind(client.stream);
    client.stream.write = ((...args: Parameters<typeof originalWrite>) => {
      writes.count += 1;
      return originalWrite(...args);
    }) as typeof client.stream.write;
    const config = await fillThread(redis, randomUUID(), 10);
    writes.count = 0;
    for (let step = 10; step < 110; step += 1) await putStep(redis, config, step);
    const putRoundTrips = writes.count / 100;
    writes.count = 0;
    for (let sample = 0; sample < 100; sample += 1) await redis.getTuple({ configurable: config.configurable });
    const latestRoundTrips = writes.count / 100;
    client.stream.write = originalWrite;

    console.log(`put and getTuple(latest) latency in ms, ${samples} samples each\n`);
    console.log('saver                  checkpoints  put p50  put p99  latest p50  latest p99');
    for (const [name, saver] of savers) {
      for (const [size, figures] of [
        [10, await measureSmall(saver)],
        [largeThreadSize, await measureLarge(saver)],
      ] as const) {
        console.log(
          `${name.padEnd(22)} ${String(size).padStart(11)} ${format(percentile(figures.put, 0.5))} ${format(percentile(figures.put, 0.99))}` +
            `    ${format(percentile(figures.latest, 0.5))}    ${format(percentile(figures.latest, 0.99))}`,
        );
      }
    }
    console.log(`\nRedis round trips: ${putRoundTrips} per put, ${latestRoundTrips} per getTuple(latest)`);
  } finally {
    await deleteKeysMatching(client, `${prefix}:*`);
    client.disconnect();
    database.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
