import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { Redis } from 'ioredis';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
import { createRedisClient } from './redis-client.ts';
import { startRedisTestServer } from '../../test/support/redis-test-server.ts';
import type { RedisTestServer } from '../../test/support/redis-test-server.ts';

// Our own redis-server child, so stopping it never touches the shared Redis on 6379.
let server: RedisTestServer;

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
  server = await startRedisTestServer();
  client = createRedisClient(server.url, { commandTimeout: 1_000 });
  // The service logs these; here they are the expected noise of a dying server.
  client.on('error', () => {});
});

afterAll(async () => {
  client?.disconnect();
  await server?.dispose();
});

describe('RedisCheckpointSaver when Redis fails mid-run', () => {
  it('rejects with STORAGE_ERROR when Redis hangs, then resumes the thread once it answers again', async () => {
    const saver = new RedisCheckpointSaver({ client, keyPrefix: 'fault' });
    const gate = createGate();
    const config = { configurable: { thread_id: randomUUID() } };
    const run = buildGraph(saver, gate).invoke({ steps: [] }, { ...config, durability: 'sync' });
    await gate.entered;

    server.pause();
    gate.release();
    const failure = await run.catch((error: unknown) => error);
    server.resume();

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

    await server.kill();
    gate.release();
    const failure = await run.catch((error: unknown) => error);
    await server.restart();

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
