import { TASKS, maxChannelVersion } from '@langchain/langgraph-checkpoint';
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointMetadata,
  CheckpointPendingWrite,
  CheckpointTuple,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type {
  ChannelBlobRow,
  CheckpointRow,
  CheckpointStatements,
  PendingWriteRow,
  TypedValueRow,
} from './sqlite-checkpoint-statements.ts';
import { tenantEntry } from './checkpoint-tenant.ts';

export interface CheckpointTupleReaderDeps {
  statements: CheckpointStatements;
  serde: SerializerProtocol;
  /** The saver's version generator, for the TASKS channel of migrated checkpoints. */
  nextVersion: () => number | string;
}

type StoredCheckpoint = Omit<Checkpoint, 'channel_values'>;

/**
 * Turn a stored checkpoint row into the tuple LangGraph reads: channel values joined in
 * from their blobs, pending writes in `writesSortKey` order, and the parent config.
 */
export function createCheckpointTupleReader(deps: CheckpointTupleReaderDeps) {
  const { statements, serde } = deps;

  const loadValue = (row: TypedValueRow): Promise<unknown> =>
    serde.loadsTyped(row.type, row.blob ?? new Uint8Array());

  // Every read is of one tenant's thread: `thread` is [tenant, thread id, namespace].
  type ThreadKey = [string, string, string];

  async function loadChannelValues(thread: ThreadKey, versions: ChannelVersions) {
    const keys = Object.fromEntries(Object.entries(versions).map(([channel, version]) => [channel, String(version)]));
    const rows = statements.selectChannelBlobs.all(JSON.stringify(keys), ...thread) as unknown as ChannelBlobRow[];
    const values: Record<string, unknown> = {};
    for (const row of rows) {
      if (row.type !== 'empty') values[row.channel] = await loadValue(row);
    }
    return values;
  }

  async function loadPendingWrites(thread: ThreadKey, checkpointId: string) {
    const rows = statements.selectPendingWrites.all(...thread, checkpointId) as unknown as PendingWriteRow[];
    const writes: CheckpointPendingWrite[] = [];
    for (const row of rows) writes.push([row.task_id, row.channel, await loadValue(row)]);
    return writes;
  }

  // Checkpoints older than format 4 kept pending sends as TASKS writes on their parent;
  // newer graphs expect them as the TASKS channel value of the checkpoint itself.
  async function migratePendingSends(checkpoint: Checkpoint, thread: ThreadKey, parentId: string) {
    const rows = statements.selectChannelWrites.all(...thread, parentId, TASKS) as unknown as TypedValueRow[];
    const sends: unknown[] = [];
    for (const row of rows) sends.push(await loadValue(row));
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_values[TASKS] = sends;
    checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : deps.nextVersion();
  }

  return async function readTuple(row: CheckpointRow): Promise<CheckpointTuple> {
    const { tenant_id: tenant, thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId } = row;
    const thread: ThreadKey = [tenant, threadId, namespace];
    const tenantConfig = tenantEntry(tenant);
    const stored = (await serde.loadsTyped(row.checkpoint_type, row.checkpoint)) as StoredCheckpoint;
    const checkpoint: Checkpoint = {
      ...stored,
      channel_values: await loadChannelValues(thread, stored.channel_versions),
    };
    const parentId = row.parent_checkpoint_id;
    if (checkpoint.v < 4 && parentId !== null) await migratePendingSends(checkpoint, thread, parentId);
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId, ...tenantConfig } },
      checkpoint,
      metadata: (await serde.loadsTyped('json', row.metadata)) as CheckpointMetadata,
      pendingWrites: await loadPendingWrites(thread, checkpointId),
    };
    if (parentId !== null) {
      tuple.parentConfig = { configurable: { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: parentId, ...tenantConfig } };
    }
    return tuple;
  };
}
