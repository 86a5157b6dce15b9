import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { AppError } from '../errors.ts';

/**
 * Refuse a run from a checkpoint the tenant's thread does not have (404 `NOT_FOUND`). LangGraph
 * given an unknown `checkpoint_id` finds no state and starts afresh from the input, which would
 * silently throw away the history the caller meant to go back to.
 * @example await assertCheckpointExists(checkpointer, 'acme', threadId, request.checkpointId);
 */
export async function assertCheckpointExists(
  checkpointer: BaseCheckpointSaver,
  tenantId: string,
  threadId: string,
  checkpointId: string,
): Promise<void> {
  const found = await checkpointer.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: '', tenant_id: tenantId, checkpoint_id: checkpointId } });
  if (!found) throw new AppError('NOT_FOUND', `Checkpoint ${checkpointId} not found on thread ${threadId}`);
}
