import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunnableConfig } from '@langchain/core/runnables';
import { Annotation, Command, END, START, StateGraph, interrupt } from '@langchain/langgraph';
import { emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import type { BaseCheckpointSaver, Checkpoint, CheckpointMetadata, CheckpointTuple } from '@langchain/langgraph-checkpoint';

/** Overseer's savers: the tenant-aware `deleteThread` and `latestCheckpointId` beside the contract. */
export interface TenantAwareSaver extends BaseCheckpointSaver {
  deleteThread(threadId: string, tenantId?: string): Promise<void>;
  latestCheckpointId(threadId: string, namespace?: string, tenantId?: string): Promise<string | undefined>;
}

const metadata: CheckpointMetadata = { source: 'loop', step: 0, parents: {} };

function checkpointOf(value: string, id = uuid6(-1)): Checkpoint {
  return { ...emptyCheckpoint(), id, channel_values: { value }, channel_versions: { value: 1 } };
}

const configOf = (threadId: string, tenantId?: string, checkpointId?: string): RunnableConfig => ({
  configurable: {
    thread_id: threadId,
    checkpoint_ns: '',
    ...(tenantId === undefined ? {} : { tenant_id: tenantId }),
    ...(checkpointId === undefined ? {} : { checkpoint_id: checkpointId }),
  },
});

async function collect(iterable: AsyncIterable<CheckpointTuple>): Promise<CheckpointTuple[]> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of iterable) tuples.push(tuple);
  return tuples;
}

const State = Annotation.Root({
  log: Annotation<string[]>({ reducer: (left, right) => [...left, ...right], default: () => [] }),
  decision: Annotation<string>(),
});

// A parent whose middle node is a subgraph that stops at an interrupt, as Overseer's
// supervisor does with its executor: checkpoints in two namespaces and a pending interrupt.
function buildGraph(checkpointer: BaseCheckpointSaver) {
  const review = new StateGraph(State)
    .addNode('ask', () => ({ decision: interrupt<string, string>('approve?'), log: ['asked'] }))
    .addEdge(START, 'ask')
    .addEdge('ask', END)
    .compile();
  return new StateGraph(State)
    .addNode('draft', (state) => ({ log: [`drafted:${state.log[0] ?? ''}`] }))
    .addNode('review', review)
    .addNode('publish', (state) => ({ log: [`published:${state.decision}`] }))
    .addEdge(START, 'draft')
    .addEdge('draft', 'review')
    .addEdge('review', 'publish')
    .addEdge('publish', END)
    .compile({ checkpointer });
}

/**
 * What both savers promise about tenants: the tenant (`configurable.tenant_id`, `default` when
 * absent) is part of every key, so two tenants using the same thread id never see, change or
 * delete each other's checkpoints, writes or history.
 */
export function describeCheckpointTenantIsolation(name: string, createSaver: () => TenantAwareSaver): void {
  describe(`${name} (tenant isolation)`, () => {
    it('keeps two tenants\' checkpoints of the same thread id apart', async () => {
      const saver = createSaver();
      const threadId = `support-${randomUUID()}`;
      const acme = await saver.put(configOf(threadId, 'acme'), checkpointOf('acme secret'), metadata, { value: 1 });
      await saver.put(configOf(threadId, 'rival'), checkpointOf('rival note'), metadata, { value: 1 });

      expect((await saver.getTuple(configOf(threadId, 'acme')))?.checkpoint.channel_values).toEqual({ value: 'acme secret' });
      expect((await saver.getTuple(configOf(threadId, 'rival')))?.checkpoint.channel_values).toEqual({ value: 'rival note' });
      // The default tenant (no tenant_id) has no such thread, and acme's id finds nothing for rival.
      expect(await saver.getTuple(configOf(threadId))).toBeUndefined();
      expect(await saver.getTuple(configOf(threadId, 'rival', String(acme.configurable?.checkpoint_id)))).toBeUndefined();
      expect((await collect(saver.list(configOf(threadId, 'rival')))).map((tuple) => tuple.checkpoint.channel_values)).toEqual([
        { value: 'rival note' },
      ]);
      expect(await saver.latestCheckpointId(threadId, '', 'rival')).not.toBe(acme.configurable?.checkpoint_id);
      expect(await saver.latestCheckpointId(threadId, '', 'acme')).toBe(acme.configurable?.checkpoint_id);
      expect(await saver.latestCheckpointId(threadId)).toBeUndefined();
    });

    it('keeps pending writes apart even under the same checkpoint id', async () => {
      const saver = createSaver();
      const threadId = `support-${randomUUID()}`;
      const checkpointId = uuid6(-1);
      const acme = await saver.put(configOf(threadId, 'acme'), checkpointOf('a', checkpointId), metadata, { value: 1 });
      const rival = await saver.put(configOf(threadId, 'rival'), checkpointOf('r', checkpointId), metadata, { value: 1 });
      await saver.putWrites(acme, [['value', 'acme write']], 'task-1');
      await saver.putWrites(rival, [['value', 'rival write']], 'task-1');

      const acmeTuple = await saver.getTuple(configOf(threadId, 'acme', checkpointId));
      const rivalTuple = await saver.getTuple(configOf(threadId, 'rival', checkpointId));
      expect(acmeTuple?.pendingWrites).toEqual([['task-1', 'value', 'acme write']]);
      expect(rivalTuple?.pendingWrites).toEqual([['task-1', 'value', 'rival write']]);
      expect(acmeTuple?.checkpoint.channel_values).toEqual({ value: 'a' });
    });

    it('returns configs that name a tenant other than the default, so a config fed back stays with its tenant', async () => {
      const saver = createSaver();
      const threadId = `support-${randomUUID()}`;
      const first = await saver.put(configOf(threadId, 'acme'), checkpointOf('one'), metadata, { value: 1 });
      const second = await saver.put(first, checkpointOf('two'), { ...metadata, step: 1 }, { value: 2 });
      expect(second.configurable?.tenant_id).toBe('acme');
      const tuple = await saver.getTuple(configOf(threadId, 'acme'));
      expect(tuple?.config.configurable?.tenant_id).toBe('acme');
      expect(tuple?.parentConfig?.configurable?.tenant_id).toBe('acme');
      expect((await saver.getTuple(tuple!.parentConfig!))?.checkpoint.channel_values).toEqual({ value: 'one' });

      const plain = await saver.put(configOf(threadId), checkpointOf('default'), metadata, { value: 1 });
      expect(plain.configurable).not.toHaveProperty('tenant_id');
      expect((await saver.getTuple(configOf(threadId)))?.config.configurable).not.toHaveProperty('tenant_id');
    });

    it('lists without a thread id only the tenant\'s own threads', async () => {
      const saver = createSaver();
      const tenant = `tenant-${randomUUID()}`;
      const shared = `shared-${randomUUID()}`;
      await saver.put(configOf(shared, tenant), checkpointOf('mine'), metadata, { value: 1 });
      await saver.put(configOf(`own-${randomUUID()}`, tenant), checkpointOf('mine too'), metadata, { value: 1 });
      await saver.put(configOf(shared, `other-${randomUUID()}`), checkpointOf('theirs'), metadata, { value: 1 });
      await saver.put(configOf(shared), checkpointOf('the default tenant\'s'), metadata, { value: 1 });

      const listed = await collect(saver.list({ configurable: { tenant_id: tenant } }));
      expect(listed.map((tuple) => tuple.checkpoint.channel_values.value).sort()).toEqual(['mine', 'mine too']);
      expect(listed.every((tuple) => tuple.config.configurable?.tenant_id === tenant)).toBe(true);
    });

    it('does not mix up ids holding the characters a key layout could split on', async () => {
      const saver = createSaver();
      const suffix = randomUUID();
      const pairs: Array<[string, string]> = [
        [`a:b-${suffix}`, 'c'],
        ['a', `b-${suffix}:c`],
        [`a{b}-${suffix}`, 'c'],
        ['a', `{b}-${suffix}c`],
        [`a%3A-${suffix}`, 'c'],
      ];
      for (const [tenant, threadId] of pairs) {
        await saver.put(configOf(threadId, tenant), checkpointOf(`${tenant}|${threadId}`), metadata, { value: 1 });
      }
      for (const [tenant, threadId] of pairs) {
        const tuples = await collect(saver.list(configOf(threadId, tenant)));
        expect(tuples.map((tuple) => tuple.checkpoint.channel_values.value)).toEqual([`${tenant}|${threadId}`]);
        expect(tuples[0]!.config.configurable).toMatchObject({ tenant_id: tenant, thread_id: threadId });
      }
    });

    it('deletes one tenant\'s thread and leaves the same thread id of the others', async () => {
      const saver = createSaver();
      const threadId = `support-${randomUUID()}`;
      const acme = await saver.put(configOf(threadId, 'acme'), checkpointOf('acme'), metadata, { value: 1 });
      await saver.putWrites(acme, [['value', 'pending']], 'task-1');
      await saver.put(configOf(threadId, 'rival'), checkpointOf('rival'), metadata, { value: 1 });
      await saver.put(configOf(threadId), checkpointOf('default'), metadata, { value: 1 });

      await saver.deleteThread(threadId, 'rival');
      expect(await saver.getTuple(configOf(threadId, 'rival'))).toBeUndefined();
      expect((await saver.getTuple(configOf(threadId, 'acme')))?.pendingWrites).toEqual([['task-1', 'value', 'pending']]);
      // The contract's one-argument form deletes the default tenant's thread, and only it.
      await saver.deleteThread(threadId);
      expect(await saver.getTuple(configOf(threadId))).toBeUndefined();
      expect((await saver.getTuple(configOf(threadId, 'acme')))?.checkpoint.channel_values).toEqual({ value: 'acme' });
    });

    it('runs, pauses and resumes a graph for two tenants on the same thread id, each on its own state', async () => {
      const graph = buildGraph(createSaver());
      const threadId = `support-${randomUUID()}`;
      const acme = { configurable: { thread_id: threadId, tenant_id: 'acme' } };
      const rival = { configurable: { thread_id: threadId, tenant_id: 'rival' } };
      await graph.invoke({ log: ['acme asks'] }, acme);
      expect((await graph.getState(rival)).values).toEqual({});
      await graph.invoke({ log: ['rival asks'] }, rival);
      expect((await graph.getState(acme)).next).toEqual(['review']);

      const acmeDone = await graph.invoke(new Command({ resume: 'yes' }), acme);
      expect(acmeDone.log.slice(0, 2)).toEqual(['acme asks', 'drafted:acme asks']);
      expect(acmeDone.log.at(-1)).toBe('published:yes');
      expect(JSON.stringify(acmeDone.log)).not.toContain('rival');
      expect((await graph.getState(rival)).next).toEqual(['review']);
      const rivalDone = await graph.invoke(new Command({ resume: 'no' }), rival);
      expect(rivalDone.log.slice(0, 2)).toEqual(['rival asks', 'drafted:rival asks']);
      expect(rivalDone.log.at(-1)).toBe('published:no');
      expect(JSON.stringify(rivalDone.log)).not.toContain('acme');
      const acmeHistory: unknown[] = [];
      for await (const snapshot of graph.getStateHistory(acme)) acmeHistory.push(snapshot.values);
      expect(acmeHistory.length).toBeGreaterThan(3);
      expect(JSON.stringify(acmeHistory)).not.toContain('rival');
    });
  });
}
