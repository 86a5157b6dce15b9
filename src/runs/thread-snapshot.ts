import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { uuid6 } from '@langchain/langgraph-checkpoint';
import type { GraphCatalog } from '../graphs/index.ts';
import { graphIdOf, type RunRecord } from './run-records.ts';
import { toWireValue } from './to-wire-json.ts';

interface SnapshotTask {
  id: string;
  interrupts?: Array<{ id?: string; value: unknown }>;
}

/** A thread's values and pending interrupts (by task) as the API serves them. */
export async function readThreadSnapshot(catalog: GraphCatalog, record: Pick<RunRecord, 'assistant_id' | 'thread_id' | 'tenant_id' | 'kwargs'>) {
  const entry = catalog.get(graphIdOf(record));
  if (!entry) return undefined;
  const state = await entry.graph.getState({ configurable: { thread_id: record.thread_id, tenant_id: record.tenant_id } });
  const tasks = (state.tasks ?? []) as SnapshotTask[];
  const interruptsByTask: Record<string, unknown[]> = {};
  for (const task of tasks) if (task.interrupts?.length) interruptsByTask[task.id] = toWireValue(task.interrupts);
  const interrupts = Object.values(interruptsByTask).flat();
  const values = toWireValue<Record<string, unknown> | null>(state.values) ?? {};
  return { values, interruptsByTask, interrupts };
}

type TenantDeleteThread = (threadId: string, tenantId?: string) => Promise<void>;

/**
 * Delete one tenant's checkpoints of a thread. `BaseCheckpointSaver.deleteThread` takes no
 * config; Overseer's savers take the tenant as a second argument (see `SqliteCheckpointSaver`).
 */
export async function deleteThreadCheckpoints(checkpointer: BaseCheckpointSaver, tenantId: string, threadId: string): Promise<void> {
  await (checkpointer.deleteThread as TenantDeleteThread).call(checkpointer, threadId, tenantId);
}

/**
 * Make `checkpointId` the thread's state again by copying it to the head (or empty the thread
 * when there was none), so a rolled-back run leaves no trace in the state while its
 * checkpoints stay in the history. Works through the checkpointer contract alone.
 */
export async function restoreCheckpoint(
  checkpointer: BaseCheckpointSaver,
  tenantId: string,
  threadId: string,
  checkpointId: string | null,
): Promise<void> {
  if (!checkpointId) {
    await deleteThreadCheckpoints(checkpointer, tenantId, threadId);
    return;
  }
  const thread = { thread_id: threadId, checkpoint_ns: '', tenant_id: tenantId };
  const target = await checkpointer.getTuple({ configurable: { ...thread, checkpoint_id: checkpointId } });
  const head = await checkpointer.getTuple({ configurable: thread });
  if (!target || !head) return;
  await checkpointer.put(
    { ...head.config, configurable: { ...head.config.configurable, tenant_id: tenantId } },
    // Checkpoint ids must be uuid6 so they sort after the head in every saver.
    { ...target.checkpoint, id: uuid6(-3), ts: new Date().toISOString() },
    { ...target.metadata, source: 'update', step: (head.metadata?.step ?? 0) + 1 } as never,
    // The copied channel values are already stored under their versions.
    {},
  );
}

interface KnowsLatestCheckpointId {
  latestCheckpointId(threadId: string, namespace?: string, tenantId?: string): Promise<string | undefined>;
}

/**
 * The id of a thread's newest root checkpoint, or null for a thread without one. Our savers
 * answer from their index without loading the state (which grows with the conversation);
 * any other saver loads the latest tuple.
 */
export async function latestCheckpointIdOf(checkpointer: BaseCheckpointSaver, tenantId: string, threadId: string): Promise<string | null> {
  if (typeof (checkpointer as Partial<KnowsLatestCheckpointId>).latestCheckpointId === 'function') {
    return (await (checkpointer as unknown as KnowsLatestCheckpointId).latestCheckpointId(threadId, '', tenantId)) ?? null;
  }
  const head = await checkpointer.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: '', tenant_id: tenantId } });
  return (head?.config.configurable?.checkpoint_id as string | undefined) ?? null;
}

interface KnowsNewestCheckpointId {
  newestCheckpointId(threadId: string, tenantId?: string): Promise<string | undefined>;
}

/**
 * A mark that changes whenever a run saves anything on the thread: the newest checkpoint in any
 * namespace, so a step spent inside a subgraph counts too. Other savers give the root's newest.
 */
export async function progressMarkOf(checkpointer: BaseCheckpointSaver, tenantId: string, threadId: string): Promise<string | null> {
  if (typeof (checkpointer as Partial<KnowsNewestCheckpointId>).newestCheckpointId === 'function') {
    return (await (checkpointer as unknown as KnowsNewestCheckpointId).newestCheckpointId(threadId, tenantId)) ?? null;
  }
  return latestCheckpointIdOf(checkpointer, tenantId, threadId);
}
