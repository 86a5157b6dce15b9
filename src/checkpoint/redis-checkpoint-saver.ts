import { isDeepStrictEqual } from 'node:util';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  TASKS,
  WRITES_IDX_MAP,
  getCheckpointId,
  maxChannelVersion,
} from '@langchain/langgraph-checkpoint';
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointTuple,
  PendingWrite,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type { Cluster, Redis } from 'ioredis';
import { AppError } from '../errors.ts';
import { fenceOf, runFencedCommands, type RedisCommand, type RunFence } from '../storage/index.ts';
import {
  assertStorablePart,
  blobField,
  checkpointMember,
  createRedisThreadKeys,
  listThreadKeys,
  listRange,
  rangeOf,
  splitMember,
  timelineMember,
  writeField,
} from './redis-checkpoint-keys.ts';
import { runLoadScript } from './redis-checkpoint-load-script.ts';
import type { LoadResult } from './redis-checkpoint-load-script.ts';
import { decodeCheckpoint, encodeCheckpointRecord, encodeValue, encodeWrite } from './redis-checkpoint-records.ts';
import { scanThreadIds } from './redis-thread-scan.ts';
import { assertTransactionSucceeded, withStorageErrors } from './checkpoint-storage-error.ts';
import { defaultTenant, tenantEntry, tenantOf } from './checkpoint-tenant.ts';

export interface RedisCheckpointSaverOptions {
  /** An ioredis client or cluster; see `createRedisClient` for recommended timeouts. */
  client: Redis | Cluster;
  /** Prefix of every key; no braces (they would move the cluster hash tag). Default `checkpoint`. */
  keyPrefix?: string;
  /** Expire a thread this many seconds after its last write; every key of the thread shares the deadline. */
  ttlSeconds?: number;
  /** Also push the thread's deadline back when a checkpoint of it is read. */
  refreshTtlOnRead?: boolean;
  serde?: SerializerProtocol;
}

const listPageSize = 100;

/**
 * LangGraph checkpointer on plain Redis 6/7 or Valkey through ioredis: core commands
 * only, no modules, no KEYS or SCAN on a request path. Each `put` and `putWrites` is
 * one MULTI/EXEC round trip; `getTuple` is one script round trip at any thread size.
 * Every key names the tenant (`config.configurable.tenant_id`, `default` when absent) with
 * the thread, so two tenants' threads of the same id are two threads (see `createRedisThreadKeys`).
 *
 * @example
 * const saver = new RedisCheckpointSaver({ client: createRedisClient(process.env.REDIS_URL!), ttlSeconds: 604_800 });
 * const graph = builder.compile({ checkpointer: saver });
 */
export class RedisCheckpointSaver extends BaseCheckpointSaver {
  readonly client: Redis | Cluster;
  readonly keyPrefix: string;
  readonly ttlSeconds: number | undefined;
  readonly refreshTtlOnRead: boolean;

  constructor(options: RedisCheckpointSaverOptions) {
    super(options.serde);
    const keyPrefix = options.keyPrefix ?? 'checkpoint';
    if (/[{}]/.test(keyPrefix)) {
      throw new AppError('BAD_REQUEST', 'keyPrefix may not contain braces');
    }
    if (options.ttlSeconds !== undefined && (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0)) {
      throw new AppError('BAD_REQUEST', 'ttlSeconds must be a positive integer');
    }
    this.client = options.client;
    this.keyPrefix = keyPrefix;
    this.ttlSeconds = options.ttlSeconds;
    this.refreshTtlOnRead = options.refreshTtlOnRead ?? false;
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId === undefined) {
      return undefined;
    }
    const namespace = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const checkpointId = getCheckpointId(config);
    const selection = checkpointId ? ['members', checkpointMember(namespace, checkpointId)] : ['latest', namespace];
    const [loaded] = await this.load(tenantOf(config), threadId, selection);
    return loaded;
  }

  /**
   * The id of a thread's newest checkpoint in a namespace, without loading it: one range read
   * on the namespace index (the run manager's rollback point for every thread run).
   */
  async latestCheckpointId(threadId: string, namespace = '', tenantId = defaultTenant): Promise<string | undefined> {
    const keys = createRedisThreadKeys(this.keyPrefix, tenantId, threadId);
    const { min, max } = rangeOf(namespace);
    const [member] = await withStorageErrors(() => this.client.zrevrangebylex(keys.namespaceIndex, max, min, 'LIMIT', 0, 1));
    return member === undefined ? undefined : splitMember(member)[1];
  }

  /**
   * The id of a thread's newest checkpoint in any namespace (a subgraph's too), from the timeline:
   * it changes whenever a run on the thread saves anything.
   */
  async newestCheckpointId(threadId: string, tenantId = defaultTenant): Promise<string | undefined> {
    const keys = createRedisThreadKeys(this.keyPrefix, tenantId, threadId);
    const [member] = await withStorageErrors(() => this.client.zrevrangebylex(keys.timeline, '+', '-', 'LIMIT', 0, 1));
    return member === undefined ? undefined : splitMember(member)[0];
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const tenant = tenantOf(config);
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    const threadIds = threadId === undefined ? scanThreadIds(this.client, this.keyPrefix, tenant) : [threadId];
    for await (const id of threadIds) {
      const hasFilter = Object.keys(options.filter ?? {}).length > 0;
      const pageSize = hasFilter ? listPageSize : Math.max(1, Math.min(listPageSize, remaining));
      for await (const tuple of this.listThread(tenant, id, config, options, pageSize)) {
        if (remaining <= 0) {
          return;
        }
        remaining -= 1;
        yield tuple;
      }
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId === undefined) {
      throw new AppError('BAD_REQUEST', 'Cannot put a checkpoint without configurable.thread_id');
    }
    const namespace = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const parentId = config.configurable?.checkpoint_id as string | undefined;
    const values = checkpoint.channel_values ?? {};
    assertStorablePart('checkpoint namespace', namespace);
    assertStorablePart('checkpoint id', checkpoint.id);
    const tenant = tenantOf(config);
    const keys = createRedisThreadKeys(this.keyPrefix, tenant, threadId);
    const member = checkpointMember(namespace, checkpoint.id);
    const record = await encodeCheckpointRecord(this.serde, checkpoint, metadata, parentId);
    // A blob per (channel, version) that this step changed; older versions stay shared.
    const blobs: Array<string | Buffer> = [];
    for (const [channel, version] of Object.entries(newVersions)) {
      const value = values[channel];
      if (Object.hasOwn(values, channel) && value !== undefined) {
        assertStorablePart('channel name', channel);
        blobs.push(blobField(namespace, channel, String(version)), await encodeValue(this.serde, value));
      }
    }
    const versions = Object.entries(checkpoint.channel_versions).map(([channel, version]) => [channel, String(version)]);
    const commands: RedisCommand[] = [
      ['zadd', keys.namespaceIndex, 0, member],
      ['zadd', keys.timeline, 0, timelineMember(checkpoint.id, namespace)],
      ['hset', keys.checkpoints, member, record],
      ['hset', keys.channels, member, JSON.stringify(versions)],
    ];
    if (blobs.length > 0) {
      commands.push(['hset', keys.blobs, ...blobs]);
    }
    await this.commit(commands, listThreadKeys(keys), fenceOf(config));
    return { configurable: { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpoint.id, ...tenantEntry(tenant) } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const checkpointId = config.configurable?.checkpoint_id as string | undefined;
    if (threadId === undefined || !checkpointId) {
      throw new AppError('BAD_REQUEST', 'Cannot put writes without configurable.thread_id and checkpoint_id');
    }
    const namespace = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const keys = createRedisThreadKeys(this.keyPrefix, tenantOf(config), threadId);
    const encoded = await Promise.all(
      writes.map(async ([channel, value], position) => {
        const index = WRITES_IDX_MAP[channel] ?? position;
        const record = await encodeWrite(this.serde, { taskId, channel, value, taskPath, index });
        return { field: writeField(namespace, checkpointId, taskId, index), record, index };
      }),
    );
    const commands: RedisCommand[] = [];
    for (const { field, record, index } of encoded) {
      // Special writes (error, interrupt, ...) replace the previous one; ordinary
      // writes are insert-or-ignore, so a retried task cannot change what was saved.
      commands.push([index < 0 ? 'hset' : 'hsetnx', keys.writes, field, record]);
      commands.push(['zadd', keys.writeIndex, 0, field]);
    }
    await this.commit(commands, listThreadKeys(keys), fenceOf(config));
  }

  /**
   * Delete one tenant's thread (`default` when no tenant is given: `BaseCheckpointSaver`'s
   * signature has no config); the same thread id of another tenant stays.
   */
  async deleteThread(threadId: string, tenantId = defaultTenant): Promise<void> {
    const keys = listThreadKeys(createRedisThreadKeys(this.keyPrefix, tenantId, threadId));
    await withStorageErrors(() => this.client.unlink(...keys));
  }

  /**
   * Versions unique per branch: `<counter>.<random>`, zero-padded so they still sort.
   * With plain integers, two branches forked from one checkpoint would both write
   * e.g. version 3 of a channel, and the second would overwrite the first's blob.
   */
  override getNextVersion(current: number | undefined): number {
    const counter = current === undefined ? 0 : Number.parseInt(String(current).split('.')[0] ?? '0', 10);
    const version = `${String(counter + 1).padStart(32, '0')}.${Math.random().toFixed(16).slice(2)}`;
    // LangGraph compares string versions too (compareChannelVersions); only the declared type is numeric.
    return version as unknown as number;
  }

  private async *listThread(
    tenant: string,
    threadId: string,
    config: RunnableConfig,
    options: CheckpointListOptions,
    pageSize: number,
  ): AsyncGenerator<CheckpointTuple> {
    const namespace = config.configurable?.checkpoint_ns as string | undefined;
    const checkpointId = config.configurable?.checkpoint_id as string | undefined;
    const beforeId = options.before?.configurable?.checkpoint_id as string | undefined;
    const matches = (tuple: CheckpointTuple): boolean =>
      (beforeId === undefined || tuple.checkpoint.id < beforeId) &&
      Object.entries(options.filter ?? {}).every(([key, value]) =>
        isDeepStrictEqual((tuple.metadata as Record<string, unknown> | undefined)?.[key], value),
      );
    if (checkpointId && namespace !== undefined) {
      yield* (await this.load(tenant, threadId, ['members', checkpointMember(namespace, checkpointId)])).filter(matches);
      return;
    }
    const { index, min, max: newest } = listRange(namespace, checkpointId, beforeId);
    let max = newest;
    while (true) {
      const page: LoadResult = { cursor: undefined, checkpoints: [] };
      const tuples = await this.load(tenant, threadId, ['range', index, max, min, String(pageSize)], page);
      yield* tuples.filter(matches);
      if (page.cursor === undefined) {
        return;
      }
      // Keyset paging: the next page starts below the last member read, O(log n) at any depth.
      max = `(${page.cursor}`;
    }
  }

  /**
   * One load-script round trip, decoded; `page` receives the raw cursor for paging.
   * `migrate` is off when loading a parent for migration, which needs only its writes.
   */
  private async load(
    tenant: string,
    threadId: string,
    selection: string[],
    page?: LoadResult,
    migrate = true,
  ): Promise<CheckpointTuple[]> {
    const keys = listThreadKeys(createRedisThreadKeys(this.keyPrefix, tenant, threadId));
    const ttl = this.refreshTtlOnRead && this.ttlSeconds !== undefined ? String(this.ttlSeconds) : '0';
    const result = await withStorageErrors(() => runLoadScript(this.client, keys, [ttl, ...selection]));
    if (page) {
      page.cursor = result.cursor;
    }
    return Promise.all(
      result.checkpoints.map(async (loaded) => {
        const decoded = await decodeCheckpoint(this.serde, { ...tenantEntry(tenant), thread_id: threadId }, loaded);
        if (migrate && decoded.checkpoint.v < 4 && decoded.parentId !== undefined) {
          await this.migratePendingSends(tenant, threadId, decoded.namespace, decoded.parentId, decoded.checkpoint);
        }
        return decoded.tuple;
      }),
    );
  }

  /** Checkpoints before format v4 kept pending sends as the parent's TASKS writes. */
  private async migratePendingSends(
    tenant: string,
    threadId: string,
    namespace: string,
    parentId: string,
    checkpoint: Checkpoint,
  ): Promise<void> {
    const [parent] = await this.load(tenant, threadId, ['members', checkpointMember(namespace, parentId)], undefined, false);
    const sends = (parent?.pendingWrites ?? []).filter(([, channel]) => channel === TASKS).map(([, , value]) => value);
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_values[TASKS] = sends;
    checkpoint.channel_versions[TASKS] =
      versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }

  /**
   * The commands in one atomic step, with the thread's TTL applied to all its keys: MULTI/EXEC,
   * or, when the config carries a worker's fence (`configurable.__run_fence`), one script that
   * first compares the fence and refuses (`RUN_FENCED`) a worker whose claim was taken over.
   */
  private async commit(commands: RedisCommand[], threadKeys: string[], fence: RunFence | undefined): Promise<void> {
    if (this.ttlSeconds !== undefined) {
      for (const key of threadKeys) {
        commands.push(['expire', key, this.ttlSeconds]);
      }
    }
    if (fence) {
      await withStorageErrors(() => runFencedCommands(this.client, fence, threadKeys, commands));
      return;
    }
    const transaction = this.client.multi(commands as Array<[string, ...Array<string | number | Buffer>]>);
    await withStorageErrors(async () => assertTransactionSucceeded(await transaction.exec()));
  }
}
