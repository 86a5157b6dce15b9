import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { ChannelVersions, CheckpointTuple, PendingWrite } from '@langchain/langgraph-checkpoint';

/**
 * Copy every checkpoint of a tenant's thread — all namespaces, each with its pending writes — to
 * another thread id of the same tenant, oldest first, through any saver's public API. Checkpoint
 * ids and parents are kept, so the copy has the same history, time travel and interrupts as the
 * original.
 * @returns how many checkpoints were copied
 * @example await copyThreadCheckpoints(checkpointer, 'acme', sourceThreadId, randomUUID());
 */
export async function copyThreadCheckpoints(
  checkpointer: BaseCheckpointSaver,
  tenantId: string,
  fromThreadId: string,
  toThreadId: string,
): Promise<number> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of checkpointer.list({ configurable: { thread_id: fromThreadId, tenant_id: tenantId } })) tuples.push(tuple);
  // Checkpoint ids are time-ordered (uuid6): ascending id is the order they were written in.
  tuples.sort((left, right) => (left.checkpoint.id < right.checkpoint.id ? -1 : left.checkpoint.id > right.checkpoint.id ? 1 : 0));
  const byKey = new Map(tuples.map((tuple) => [keyOf(namespaceOf(tuple), tuple.checkpoint.id), tuple]));
  for (const tuple of tuples) {
    const namespace = namespaceOf(tuple);
    const parentId = tuple.parentConfig?.configurable?.checkpoint_id as string | undefined;
    const parent = parentId ? byKey.get(keyOf(namespace, parentId)) : undefined;
    // LangGraph copies configurable values such as thread_id into checkpoint metadata.
    const original = (tuple.metadata ?? {}) as Record<string, unknown>;
    const metadata = original.thread_id === fromThreadId ? { ...original, thread_id: toThreadId } : original;
    const saved = await checkpointer.put(
      { configurable: { thread_id: toThreadId, tenant_id: tenantId, checkpoint_ns: namespace, ...(parentId ? { checkpoint_id: parentId } : {}) } },
      tuple.checkpoint,
      metadata as never,
      changedVersions(tuple.checkpoint.channel_versions, parent?.checkpoint.channel_versions),
    );
    // Any saver's returned config, with the tenant whether or not that saver echoes it back.
    const written = { ...saved, configurable: { ...saved.configurable, tenant_id: tenantId } };
    for (const [taskId, writes] of writesByTask(tuple)) await checkpointer.putWrites(written, writes, taskId);
  }
  return tuples.length;
}

const namespaceOf = (tuple: CheckpointTuple) => String(tuple.config.configurable?.checkpoint_ns ?? '');
const keyOf = (namespace: string, checkpointId: string) => `${namespace}\u0000${checkpointId}`;

/** The channels whose version differs from the parent's: what a saver must store anew. */
function changedVersions(versions: ChannelVersions, parentVersions: ChannelVersions | undefined): ChannelVersions {
  if (!parentVersions) return versions;
  return Object.fromEntries(Object.entries(versions).filter(([channel, version]) => parentVersions[channel] !== version));
}

function writesByTask(tuple: CheckpointTuple): Map<string, PendingWrite[]> {
  const grouped = new Map<string, PendingWrite[]>();
  for (const [taskId, channel, value] of tuple.pendingWrites ?? []) {
    const writes = grouped.get(taskId) ?? [];
    writes.push([channel, value]);
    grouped.set(taskId, writes);
  }
  return grouped;
}
