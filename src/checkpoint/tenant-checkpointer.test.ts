import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Annotation, END, START, StateGraph, interrupt } from '@langchain/langgraph';
import { openDatabase } from '../storage/index.ts';
import { SqliteCheckpointSaver } from './sqlite-checkpoint-saver.ts';
import { createTenantCheckpointer } from './tenant-checkpointer.ts';

const State = Annotation.Root({
  log: Annotation<string[]>({ reducer: (left, right) => [...left, ...right], default: () => [] }),
});

function buildGraph(checkpointer: SqliteCheckpointSaver) {
  const review = new StateGraph(State)
    .addNode('ask', () => ({ log: [`answer:${interrupt<string, string>('approve?')}`] }))
    .addEdge(START, 'ask')
    .addEdge('ask', END)
    .compile();
  return new StateGraph(State)
    .addNode('draft', () => ({ log: ['drafted'] }))
    .addNode('review', review)
    .addEdge(START, 'draft')
    .addEdge('draft', 'review')
    .addEdge('review', END)
    .compile({ checkpointer });
}

type TaskState = { values: unknown; next: string[] };

describe('createTenantCheckpointer', () => {
  const saver = new SqliteCheckpointSaver({ database: openDatabase(':memory:', { vectors: false }) });

  it("reads a paused subgraph task's state from the tenant's own thread", async () => {
    const graph = buildGraph(saver);
    const config = { configurable: { thread_id: randomUUID(), tenant_id: 'acme' } };
    await graph.invoke({ log: [] }, config);
    // LangGraph reads the task's state with a config of the thread id alone, which names the
    // default tenant: through the bare saver the subgraph looks empty.
    const bare = await graph.getState(config, { subgraphs: true });
    expect((bare.tasks[0]!.state as TaskState).next).toEqual([]);

    const scoped = graph.withConfig({});
    scoped.checkpointer = createTenantCheckpointer(saver, 'acme');
    const state = await scoped.getState(config, { subgraphs: true });
    expect((state.tasks[0]!.state as TaskState).next).toEqual(['ask']);
    expect((state.tasks[0]!.state as TaskState).values).toEqual({ log: ['drafted'] });
  });

  it('acts for its tenant whatever tenant a config names, and deletes only its thread', async () => {
    const threadId = randomUUID();
    const graph = buildGraph(saver);
    await graph.invoke({ log: [] }, { configurable: { thread_id: threadId, tenant_id: 'acme' } });
    await graph.invoke({ log: [] }, { configurable: { thread_id: threadId, tenant_id: 'rival' } });
    const rival = createTenantCheckpointer(saver, 'rival');
    const claimed = await rival.getTuple({ configurable: { thread_id: threadId, tenant_id: 'acme' } });
    expect(claimed?.config.configurable?.tenant_id).toBe('rival');

    await rival.deleteThread(threadId);
    expect(await saver.getTuple({ configurable: { thread_id: threadId, tenant_id: 'rival' } })).toBeUndefined();
    expect(await saver.getTuple({ configurable: { thread_id: threadId, tenant_id: 'acme' } })).toBeDefined();
  });
});
