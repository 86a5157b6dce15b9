import {
  compareWritesSortKeys,
  copyCheckpoint,
  writesSortKey,
} from '@langchain/langgraph-checkpoint';
import type {
  Checkpoint,
  CheckpointMetadata,
  CheckpointPendingWrite,
  CheckpointTuple,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { bytesAt, decodeFrames, encodeFrames, textAt } from './redis-checkpoint-frames.ts';
import { splitMember } from './redis-checkpoint-keys.ts';
import type { LoadedCheckpoint } from './redis-checkpoint-load-script.ts';

/**
 * How checkpoints and writes become stored bytes and back. Every value goes through
 * the saver's serde (`dumpsTyped`), and the serde's type tag is stored beside it.
 */

/** The checkpoint without its channel values (they live in blobs), its metadata and parent. */
export async function encodeCheckpointRecord(
  serde: SerializerProtocol,
  checkpoint: Checkpoint,
  metadata: CheckpointMetadata,
  parentId: string | undefined,
): Promise<Buffer> {
  const { channel_values: _values, ...withoutValues } = copyCheckpoint(checkpoint);
  const [[checkpointType, checkpointBytes], [metadataType, metadataBytes]] = await Promise.all([
    serde.dumpsTyped(withoutValues),
    serde.dumpsTyped(metadata),
  ]);
  return encodeFrames([checkpointType, checkpointBytes, metadataType, metadataBytes, parentId ?? '']);
}

export async function encodeValue(serde: SerializerProtocol, value: unknown): Promise<Buffer> {
  const [type, bytes] = await serde.dumpsTyped(value);
  return encodeFrames([type, bytes]);
}

async function decodeValue(serde: SerializerProtocol, stored: Buffer): Promise<unknown> {
  const parts = decodeFrames(stored);
  return serde.loadsTyped(textAt(parts, 0), bytesAt(parts, 1));
}

export async function encodeWrite(
  serde: SerializerProtocol,
  write: { taskId: string; channel: string; value: unknown; taskPath: string; index: number },
): Promise<Buffer> {
  const [type, bytes] = await serde.dumpsTyped(write.value);
  return encodeFrames([write.taskId, write.channel, type, bytes, write.taskPath, String(write.index)]);
}

/** Pending writes in `writesSortKey` order, the order live execution applies them in. */
export async function decodeWrites(serde: SerializerProtocol, stored: Buffer[]): Promise<CheckpointPendingWrite[]> {
  const records = stored.map((buffer) => {
    const parts = decodeFrames(buffer);
    const taskId = textAt(parts, 0);
    return {
      key: writesSortKey(textAt(parts, 4), taskId, Number(textAt(parts, 5))),
      taskId,
      channel: textAt(parts, 1),
      type: textAt(parts, 2),
      bytes: bytesAt(parts, 3),
    };
  });
  records.sort((left, right) => compareWritesSortKeys(left.key, right.key));
  return Promise.all(
    records.map(async (record): Promise<CheckpointPendingWrite> => [
      record.taskId,
      record.channel,
      await serde.loadsTyped(record.type, record.bytes),
    ]),
  );
}

export interface DecodedCheckpoint {
  tuple: CheckpointTuple;
  checkpoint: Checkpoint;
  namespace: string;
  parentId: string | undefined;
}

/** `thread` is the configurable that names the thread in returned configs: its id, and its tenant when not the default. */
export async function decodeCheckpoint(
  serde: SerializerProtocol,
  thread: { thread_id: string; tenant_id?: string },
  loaded: LoadedCheckpoint,
): Promise<DecodedCheckpoint> {
  const [namespace, checkpointId] = splitMember(loaded.member);
  const parts = decodeFrames(loaded.record);
  const [stored, metadata, pendingWrites, values] = await Promise.all([
    serde.loadsTyped(textAt(parts, 0), bytesAt(parts, 1)) as Promise<Omit<Checkpoint, 'channel_values'>>,
    serde.loadsTyped(textAt(parts, 2), bytesAt(parts, 3)) as Promise<CheckpointMetadata>,
    decodeWrites(serde, loaded.writes),
    Promise.all(loaded.blobs.map(async ([channel, blob]) => [channel, await decodeValue(serde, blob)] as const)),
  ]);
  const parentId = textAt(parts, 4) || undefined;
  const checkpoint: Checkpoint = { ...stored, channel_values: Object.fromEntries(values) };
  const tuple: CheckpointTuple = {
    config: { configurable: { ...thread, checkpoint_ns: namespace, checkpoint_id: checkpointId } },
    checkpoint,
    metadata,
    pendingWrites,
  };
  if (parentId !== undefined) {
    tuple.parentConfig = {
      configurable: { ...thread, checkpoint_ns: namespace, checkpoint_id: parentId },
    };
  }
  return { tuple, checkpoint, namespace, parentId };
}
