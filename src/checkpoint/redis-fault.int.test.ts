import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { Redis } from 'ioredis';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
import { createRedisClient } from './redis-client.ts';

// Our own redis-server child on a free port, so stopping it never touches the shared
// Redis on 6379. Append-only with fsync on every write: a restart keeps what was committed.

let directory: string;
let port: number;
let server: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startRedis(): Promise<ChildProcess> {
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', directory, '--save', '',
    '--appendonly', 'yes', '--appendfsync', 'always',
  ]);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Lets the test hold the slow node until Redis is down: no sleeps, no timing. */
function createGate() {
  let signalEntered = (): void => {};
  let release = (): void => {};
  const entered = new Promise<void>((resolve) => (signalEntered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return { entered, released, signalEntered, release };
}

function openGate(): ReturnType<typeof createGate> {
  const gate = createGate();
  gate.release();
  return gate;
}

const State = Annotation.Root({
  steps: Annotation<string[]>({ reducer: (left, right) => left.concat(right), default: () => [] }),
});

function buildGraph(saver: RedisCheckpointSaver, gate: ReturnType<typeof createGate>) {
  return new StateGraph(State)
    .addNode('plan', () => ({ steps: ['plan'] }))
    .addNode('research', async () => {
      gate.signalEntered();
      await gate.released;
      return { steps: ['research'] };
    })
    .addNode('answer', () => ({ steps: ['answer'] }))
    .addEdge(START, 'plan')
    .addEdge('plan', 'research')
    .addEdge('research', 'answer')
    .addEdge('answer', END)
    .compile({ checkpointer: saver });
}

async function historyOf(saver: RedisCheckpointSaver, threadId: string) {
  const history = [];
  for await (const tuple of saver.list({ configurable: { thread_id: threadId } })) history.push(tuple);
  return history;
}

/** Every checkpoint but the first points at the next older one: no gaps, no orphans. */
function expectLinkedHistory(history: Awaited<ReturnType<typeof historyOf>>): void {
  history.forEach((tuple, position) => {
    const older = history[position + 1];
    expect(tuple.parentConfig?.configurable?.checkpoint_id).toBe(older?.checkpoint.id);
  });
}

let client: Redis;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'overseer-redis-fault-'));
  port = await freePort();
  server = await startRedis();
  client = createRedisClient(`redis://127.0.0.1:${port}`, { commandTimeout: 1_000 });
  // The service logs these; here they are the expected noise of a dying server.
  client.on('error', () => {});
});

afterAll(async () => {
  client?.disconnect();
  if (server && server.exitCode === null) {
    server.kill('SIGCONT');
    await stopRedis(server);
  }
  await rm(directory, { recursive: true, force: true });
});

describe('RedisCheckpointSaver when Redis fails mid-run', () => {
  it('rejects with STORAGE_ERROR when Redis hangs, then resumes the thread once it answers again', async () => {
    const saver = new RedisCheckpointSaver({ client, keyPrefix: 'fault' });
    const gate = createGate();
    const config = { configurable: { thread_id: randomUUID() } };
    const run = buildGraph(saver, gate).invoke({ steps: [] }, { ...config, durability: 'sync' });
    await gate.entered;

    server!.kill('SIGSTOP');
    gate.release();
    const failure = await run.catch((error: unknown) => error);
    server!.kill('SIGCONT');

    expect(failure).toMatchObject({ code: 'STORAGE_ERROR', message: 'Checkpoint store unavailable' });
    const resumed = await buildGraph(saver, openGate()).invoke(null, config);
    expect(resumed.steps).toEqual(['plan', 'research', 'answer']);
    const history = await historyOf(saver, config.configurable.thread_id);
    expectLinkedHistory(history);
    expect((await saver.getTuple(config))?.checkpoint.channel_values).toMatchObject({
      steps: ['plan', 'research', 'answer'],
    });
  });

  it('rejects with STORAGE_ERROR when Redis dies, then resumes from the last committed checkpoint after a restart', async () => {
    const saver = new RedisCheckpointSaver({ client, keyPrefix: 'fault' });
    const gate = createGate();
    const config = { configurable: { thread_id: randomUUID() } };
    const graph = buildGraph(saver, gate);
    const run = graph.invoke({ steps: [] }, { ...config, durability: 'sync' });
    await gate.entered;
    const committed = await saver.getTuple(config);

    await stopRedis(server!);
    gate.release();
    const failure = await run.catch((error: unknown) => error);
    server = await startRedis();

    expect(failure).toMatchObject({ code: 'STORAGE_ERROR', message: 'Checkpoint store unavailable' });
    const afterRestart = await saver.getTuple(config);
    expect(afterRestart?.checkpoint).toEqual(committed?.checkpoint);
    expect((await graph.getState(config)).next).toEqual(['research']);

    const resumed = await buildGraph(saver, openGate()).invoke(null, config);
    expect(resumed.steps).toEqual(['plan', 'research', 'answer']);
    const history = await historyOf(saver, config.configurable.thread_id);
    expectLinkedHistory(history);
    expect(history.map((tuple) => tuple.metadata?.step)).toEqual([3, 2, 1, 0, -1]);
  });
});
