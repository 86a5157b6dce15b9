import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Annotation, Command, END, START, StateGraph, interrupt } from '@langchain/langgraph';
import { createRedisThreadKeys } from './redis-checkpoint-keys.ts';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';

const redis = useRedisTestPrefix('redis-graph');
const { client } = redis;
const prefix = `${redis.prefix}checkpoints`;
const saver = new RedisCheckpointSaver({ client, keyPrefix: prefix });

const State = Annotation.Root({
  document: Annotation<string>(),
  value: Annotation<string>(),
});

function buildChainGraph() {
  return new StateGraph(State)
    .addNode('first', (state) => ({ value: `${state.value}1` }))
    .addNode('second', (state) => ({ value: `${state.value}2` }))
    .addNode('third', (state) => ({ value: `${state.value}3` }))
    .addEdge(START, 'first')
    .addEdge('first', 'second')
    .addEdge('second', 'third')
    .addEdge('third', END)
    .compile({ checkpointer: saver });
}

describe('RedisCheckpointSaver under a real StateGraph', () => {
  it('writes a channel that no node changes only once across the whole run', async () => {
    const threadId = randomUUID();
    const config = { configurable: { thread_id: threadId } };
    await buildChainGraph().invoke({ document: 'd'.repeat(5_000), value: '' }, config);

    const blobFields = await client.hkeys(createRedisThreadKeys(prefix, 'default', threadId).blobs);
    const documentBlobs = blobFields.filter((field) => field.split('\u0000')[1] === 'document');
    expect(documentBlobs).toHaveLength(1);
    expect((await saver.getTuple(config))?.checkpoint.channel_values).toMatchObject({ value: '123' });
  });

  it('keeps both branches intact when a past checkpoint is forked with updateState', async () => {
    const graph = buildChainGraph();
    const config = { configurable: { thread_id: randomUUID() } };
    await graph.invoke({ document: 'd', value: '' }, config);
    const history = [];
    for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
    const afterFirst = history.find((snapshot) => snapshot.values.value === '1');

    // The fork bumps `value` from the same version the original `second` step did.
    const forked = await graph.updateState(afterFirst!.config, { value: 'forked' });

    expect((await graph.getState(forked)).values.value).toBe('forked');
    expect((await graph.getState(history[0]!.config)).values.value).toBe('123');
    expect((await graph.getState(history[1]!.config)).values.value).toBe('12');
  });

  it('checkpoints a subgraph in its own namespace and resumes it after an interrupt', async () => {
    const Approval = Annotation.Root({ value: Annotation<string>() });
    const child = new StateGraph(Approval)
      .addNode('ask', () => ({ value: `approved by ${interrupt('approve?') as string}` }))
      .addEdge(START, 'ask')
      .compile();
    const parent = new StateGraph(Approval)
      .addNode('review', child)
      .addNode('finish', (state) => ({ value: `${state.value}, done` }))
      .addEdge(START, 'review')
      .addEdge('review', 'finish')
      .compile({ checkpointer: saver });
    const config = { configurable: { thread_id: randomUUID() } };

    await parent.invoke({ value: '' }, config);
    const paused = await parent.getState(config, { subgraphs: true });
    const childState = paused.tasks[0]?.state as { config: { configurable: { checkpoint_ns: string } } } | undefined;
    const namespaces = new Set<string>();
    for await (const tuple of saver.list(config)) namespaces.add(tuple.config.configurable?.checkpoint_ns as string);
    const result = await parent.invoke(new Command({ resume: 'ana' }), config);

    expect(paused.next).toEqual(['review']);
    expect(childState?.config.configurable.checkpoint_ns).toMatch(/^review:/);
    expect(namespaces).toContain('');
    expect(namespaces).toContain(childState?.config.configurable.checkpoint_ns);
    expect(result.value).toBe('approved by ana, done');
  });
});
