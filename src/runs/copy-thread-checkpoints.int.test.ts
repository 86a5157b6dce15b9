import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Annotation, Command, END, START, StateGraph, interrupt } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { RedisCheckpointSaver, SqliteCheckpointSaver } from '../checkpoint/index.ts';
import { openDatabase } from '../storage/index.ts';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { copyThreadCheckpoints } from './copy-thread-checkpoints.ts';

const { client, prefix } = useRedisTestPrefix('copy-thread');
const database = openDatabase(':memory:', { vectors: false });

afterAll(() => {
  database.close();
});

const State = Annotation.Root({
  log: Annotation<string[]>({ reducer: (left, right) => [...left, ...right], default: () => [] }),
  decision: Annotation<string>(),
});

// A parent graph whose middle node is a subgraph that stops at an interrupt: the thread then
// holds checkpoints in two namespaces and a pending interrupt write.
function buildGraph(checkpointer: BaseCheckpointSaver) {
  const review = new StateGraph(State)
    .addNode('ask', () => ({ decision: interrupt<string, string>('approve?'), log: ['asked'] }))
    .addEdge(START, 'ask')
    .addEdge('ask', END)
    .compile();
  return new StateGraph(State)
    .addNode('draft', () => ({ log: ['drafted'] }))
    .addNode('review', review)
    .addNode('publish', (state) => ({ log: [`published:${state.decision}`] }))
    .addEdge(START, 'draft')
    .addEdge('draft', 'review')
    .addEdge('review', 'publish')
    .addEdge('publish', END)
    .compile({ checkpointer });
}

const savers: Array<[string, () => BaseCheckpointSaver]> = [
  ['SqliteCheckpointSaver', () => new SqliteCheckpointSaver({ database })],
  ['RedisCheckpointSaver', () => new RedisCheckpointSaver({ client, keyPrefix: `${prefix}checkpoints` })],
];

describe.each(savers)('copyThreadCheckpoints with %s', (_name, createSaver) => {
  it('copies every namespace and the pending interrupt: the copy resumes, the original stays paused', async () => {
    const checkpointer = createSaver();
    const graph = buildGraph(checkpointer);
    // A tenant other than the default: the copy must stay that tenant's.
    const original = { configurable: { thread_id: randomUUID(), tenant_id: 'acme' } };
    await graph.invoke({ log: [] }, original);
    const paused = await graph.getState(original, { subgraphs: true });
    expect(paused.next).toEqual(['review']);

    const copy = { configurable: { thread_id: randomUUID(), tenant_id: 'acme' } };
    const copied = await copyThreadCheckpoints(checkpointer, 'acme', original.configurable.thread_id, copy.configurable.thread_id);
    const namespaces = new Set<string>();
    for await (const tuple of checkpointer.list(original)) namespaces.add(String(tuple.config.configurable?.checkpoint_ns));
    expect(namespaces.size).toBe(2);
    expect(copied).toBeGreaterThan(3);

    const copyState = await graph.getState(copy, { subgraphs: true });
    expect(copyState.values).toEqual(paused.values);
    expect(copyState.tasks[0]!.interrupts).toEqual(paused.tasks[0]!.interrupts);
    const history = async (config: typeof original) => {
      const ids: string[] = [];
      for await (const snapshot of graph.getStateHistory(config)) ids.push(String(snapshot.config.configurable?.checkpoint_id));
      return ids;
    };
    expect(await history(copy)).toEqual(await history(original));

    const finished = await graph.invoke(new Command({ resume: 'yes' }), copy);
    expect(finished.log.at(-1)).toBe('published:yes');
    expect((await graph.getState(original)).next).toEqual(['review']);
    // Resuming the original afterwards runs exactly as the copy did, with its own answer.
    const resumedOriginal = await graph.invoke(new Command({ resume: 'no' }), original);
    expect(resumedOriginal.log).toEqual([...finished.log.slice(0, -1), 'published:no']);
  });

  it('copies nothing from a thread without checkpoints', async () => {
    expect(await copyThreadCheckpoints(createSaver(), 'acme', randomUUID(), randomUUID())).toBe(0);
  });

  it("copies only the tenant's own thread when another tenant uses the same thread id", async () => {
    const checkpointer = createSaver();
    const graph = buildGraph(checkpointer);
    const threadId = randomUUID();
    await graph.invoke({ log: [] }, { configurable: { thread_id: threadId, tenant_id: 'acme' } });
    const copyId = randomUUID();
    expect(await copyThreadCheckpoints(checkpointer, 'rival', threadId, copyId)).toBe(0);
    expect((await graph.getState({ configurable: { thread_id: copyId, tenant_id: 'rival' } })).values).toEqual({});
    expect((await graph.getState({ configurable: { thread_id: copyId, tenant_id: 'acme' } })).values).toEqual({});
  });
});
