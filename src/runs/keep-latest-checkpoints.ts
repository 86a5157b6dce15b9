import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { CheckpointTuple, PendingWrite } from '@langchain/langgraph-checkpoint';
import { deleteThreadCheckpoints } from './thread-snapshot.ts';

/**
 * Drop a tenant's thread's history but keep its state: the newest checkpoint of every namespace
 * (a subgraph paused at an interrupt keeps its own) with its pending writes, written back as
 * the only ones, through any saver's public API. The thread resumes, reads and continues as
 * before; time travel to older checkpoints is gone.
 * @returns how many checkpoints were dropped
 */
export async function keepLatestCheckpoints(checkpointer: BaseCheckpointSaver, tenantId: string, threadId: string): Promise<number> {
  const latest = new Map<string, CheckpointTuple>();
  let total = 0;
  for await (const tuple of checkpointer.list({ configurable: { thread_id: threadId, tenant_id: tenantId } })) {
    total += 1;
    const namespace = String(tuple.config.configurable?.checkpoint_ns ?? '');
    const known = latest.get(namespace);
    // Checkpoint ids are time-ordered (uuid6).
    if (!known || tuple.checkpoint.id > known.checkpoint.id) latest.set(namespace, tuple);
  }
  if (total === latest.size) return 0;
  await deleteThreadCheckpoints(checkpointer, tenantId, threadId);
  for (const [namespace, tuple] of latest) {
    // No parent any more, so every channel's value is stored anew under its version.
    const saved = await checkpointer.put(
      { configurable: { thread_id: threadId, tenant_id: tenantId, checkpoint_ns: namespace } },
      tuple.checkpoint,
      (tuple.metadata ?? {}) as never,
      tuple.checkpoint.channel_versions,
    );
    const written = { ...saved, configurable: { ...saved.configurable, tenant_id: tenantId } };
    const byTask = new Map<string, PendingWrite[]>();
    for (const [taskId, channel, value] of tuple.pendingWrites ?? []) byTask.set(taskId, [...(byTask.get(taskId) ?? []), [channel, value]]);
    for (const [taskId, writes] of byTask) await checkpointer.putWrites(written, writes, taskId);
  }
  return total - latest.size;
}
