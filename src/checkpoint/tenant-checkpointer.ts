import type { RunnableConfig } from '@langchain/core/runnables';
import { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointTuple,
  PendingWrite,
} from '@langchain/langgraph-checkpoint';

type TenantDeleteThread = (threadId: string, tenantId?: string) => Promise<void>;

/**
 * A saver that acts for one tenant whatever the config says: every call reaches `saver` with
 * `configurable.tenant_id` set to `tenantId`. For the few LangGraph paths that build a config
 * from scratch and so drop the run's configurable (reading the state of a subgraph task,
 * `getState(config, { subgraphs: true })`); a graph given this view as its checkpointer reads
 * and writes only that tenant's threads. `saver` must key by `configurable.tenant_id` (as
 * Overseer's savers do) for the view to isolate anything.
 * @example
 * const scoped = graph.withConfig({});
 * scoped.checkpointer = createTenantCheckpointer(checkpointer, 'acme');
 * await scoped.getState({ configurable: { thread_id } }, { subgraphs: true });
 */
export function createTenantCheckpointer(saver: BaseCheckpointSaver, tenantId: string): BaseCheckpointSaver {
  return new TenantCheckpointer(saver, tenantId);
}

class TenantCheckpointer extends BaseCheckpointSaver {
  readonly #saver: BaseCheckpointSaver;
  readonly #tenantId: string;

  constructor(saver: BaseCheckpointSaver, tenantId: string) {
    super(saver.serde);
    this.#saver = saver;
    this.#tenantId = tenantId;
  }

  #scoped(config: RunnableConfig): RunnableConfig {
    return { ...config, configurable: { ...config.configurable, tenant_id: this.#tenantId } };
  }

  getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.#saver.getTuple(this.#scoped(config));
  }

  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return this.#saver.list(this.#scoped(config), options);
  }

  put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    return this.#saver.put(this.#scoped(config), checkpoint, metadata, newVersions);
  }

  putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    return this.#saver.putWrites(this.#scoped(config), writes, taskId, taskPath);
  }

  deleteThread(threadId: string): Promise<void> {
    return (this.#saver.deleteThread as TenantDeleteThread).call(this.#saver, threadId, this.#tenantId);
  }

  override getDeltaChannelHistory(options: Parameters<BaseCheckpointSaver['getDeltaChannelHistory']>[0]) {
    return this.#saver.getDeltaChannelHistory({ ...options, config: this.#scoped(options.config) });
  }

  override getNextVersion(current: number | undefined): number {
    return this.#saver.getNextVersion(current);
  }
}
