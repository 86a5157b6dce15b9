import type { DatabaseSync } from 'node:sqlite';
import type { RunnableConfig } from '@langchain/core/runnables';
import { BaseCheckpointSaver, WRITES_IDX_MAP, getCheckpointId } from '@langchain/langgraph-checkpoint';
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointTuple,
  PendingWrite,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { AppError } from '../errors.ts';
import { flushGroupCommit, groupCommit, openDatabase } from '../storage/index.ts';
import { withStorageErrors } from './checkpoint-storage-error.ts';
import { createCheckpointTables } from './sqlite-checkpoint-schema.ts';
import { defaultTenant, tenantEntry, tenantOf } from './checkpoint-tenant.ts';
import { prepareCheckpointStatements } from './sqlite-checkpoint-statements.ts';
import type { CheckpointRow, CheckpointStatements } from './sqlite-checkpoint-statements.ts';
import { createCheckpointTupleReader } from './sqlite-checkpoint-tuple-reader.ts';
import { buildListQuery, matchesDeepFilter } from './sqlite-checkpoint-list-query.ts';

export interface SqliteCheckpointSaverOptions {
  /** An open database; the saver creates its `checkpoint_*` tables in it. */
  database: DatabaseSync;
  /** How values are encoded; defaults to LangGraph's JSON-plus serializer. */
  serde?: SerializerProtocol;
  /** Where the one-time notice of a schema migration goes; defaults to the console. */
  log?: (line: string) => void;
}

/**
 * LangGraph checkpointer on the embedded SQLite database (`node:sqlite`).
 * Checkpoints, channel values (one blob per channel version) and pending writes live in
 * `checkpoint_*` tables; every `put` and `putWrites` is atomic, and commits together with the
 * other writes of the same turn (see `groupCommit`). SQLite failures become `STORAGE_ERROR`.
 * Every row is keyed by tenant (`config.configurable.tenant_id`, `default` when absent) before
 * the thread, so two tenants' threads of the same id are two threads.
 * @example
 * const checkpointer = SqliteCheckpointSaver.fromFile('./data/overseer.db');
 * const graph = builder.compile({ checkpointer });
 */
export class SqliteCheckpointSaver extends BaseCheckpointSaver {
  readonly database: DatabaseSync;
  readonly #statements: CheckpointStatements;
  readonly #readTuple: (row: CheckpointRow) => Promise<CheckpointTuple>;
  #ownsDatabase = false;

  constructor(options: SqliteCheckpointSaverOptions) {
    super(options.serde);
    this.database = options.database;
    createCheckpointTables(this.database, { log: options.log });
    this.#statements = prepareCheckpointStatements(this.database);
    this.#readTuple = createCheckpointTupleReader({
      statements: this.#statements,
      serde: this.serde,
      nextVersion: () => this.getNextVersion(undefined),
    });
  }

  /** Open (or create) a database file with the service settings and keep checkpoints in it. */
  static fromFile(file: string): SqliteCheckpointSaver {
    const saver = new SqliteCheckpointSaver({ database: openDatabase(file) });
    saver.#ownsDatabase = true;
    return saver;
  }

  /** Close the database if this saver opened it (`fromFile`); a database passed in stays with its owner. */
  close(): void {
    if (this.#ownsDatabase && this.database.isOpen) {
      flushGroupCommit(this.database);
      this.database.close();
    }
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id;
    if (threadId === undefined || threadId === null || threadId === '') return undefined;
    const namespace = String(config.configurable?.checkpoint_ns ?? '');
    const checkpointId = getCheckpointId(config);
    const thread = [tenantOf(config), String(threadId), namespace] as const;
    return withStorageErrors(async () => {
      const row = checkpointId
        ? this.#statements.selectCheckpoint.get(...thread, checkpointId)
        : this.#statements.selectLatestCheckpoint.get(...thread);
      return row === undefined ? undefined : this.#readTuple(row as unknown as CheckpointRow);
    });
  }

  /**
   * The id of a thread's newest checkpoint in a namespace, without loading it: one read of the
   * primary key (the run manager's rollback point for every thread run).
   */
  async latestCheckpointId(threadId: string, namespace = '', tenantId = defaultTenant): Promise<string | undefined> {
    return withStorageErrors(async () => {
      const row = this.#statements.selectLatestCheckpointId.get(tenantId, threadId, namespace) as { checkpoint_id: string } | undefined;
      return row?.checkpoint_id;
    });
  }

  /**
   * The id of a thread's newest checkpoint in any namespace (a subgraph's too): it changes
   * whenever a run on the thread saves anything, which is how a run taken over after a crash
   * tells whether its last attempt got anywhere.
   */
  async newestCheckpointId(threadId: string, tenantId = defaultTenant): Promise<string | undefined> {
    return withStorageErrors(async () => {
      const row = this.#statements.selectNewestCheckpointId.get(tenantId, threadId) as { checkpoint_id: string } | undefined;
      return row?.checkpoint_id;
    });
  }

  async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const query = buildListQuery(config, options);
    const rows = await withStorageErrors(async () => this.database.prepare(query.sql).all(...query.parameters) as unknown as CheckpointRow[]);
    let remaining = query.remainingLimit;
    for (const row of rows) {
      if (remaining !== undefined && remaining <= 0) return;
      const tuple = await this.#readTuple(row);
      if (!matchesDeepFilter(tuple.metadata ?? {}, query.deepFilter)) continue;
      if (remaining !== undefined) remaining -= 1;
      yield tuple;
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = requireThreadId(config, 'store a checkpoint');
    const tenant = tenantOf(config);
    const namespace = String(config.configurable?.checkpoint_ns ?? '');
    const parentId = getCheckpointId(config) || null;
    const { channel_values: values = {}, ...stored } = checkpoint;
    const [checkpointType, checkpointBytes] = await this.serde.dumpsTyped(stored);
    const metadataJson = await this.#dumpMetadata(metadata);
    const blobs = await Promise.all(
      Object.entries(newVersions).map(async ([channel, version]) => {
        // A channel that got a new version but holds nothing (cleared) is recorded as empty.
        if (!Object.hasOwn(values, channel)) return [channel, String(version), 'empty', null] as const;
        const [type, bytes] = await this.serde.dumpsTyped((values as Record<string, unknown>)[channel]);
        return [channel, String(version), type, bytes] as const;
      }),
    );
    await withStorageErrors(() => groupCommit(this.database, () => {
      for (const [channel, version, type, bytes] of blobs) {
        this.#statements.insertChannelBlob.run(tenant, threadId, namespace, channel, version, type, bytes);
      }
      this.#statements.upsertCheckpoint.run(
        tenant,
        threadId,
        namespace,
        checkpoint.id,
        parentId,
        checkpointType,
        checkpointBytes,
        metadataJson,
      );
    }));
    return { configurable: { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpoint.id, ...tenantEntry(tenant) } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const threadId = requireThreadId(config, 'store writes');
    const tenant = tenantOf(config);
    const checkpointId = getCheckpointId(config);
    if (!checkpointId) {
      throw new AppError('BAD_REQUEST', 'Cannot store writes: config.configurable.checkpoint_id is missing.');
    }
    if (writes.length === 0) return;
    const namespace = String(config.configurable?.checkpoint_ns ?? '');
    const rows = await Promise.all(
      writes.map(async ([channel, value], index) => {
        const [type, bytes] = await this.serde.dumpsTyped(value);
        return { channel, index: WRITES_IDX_MAP[channel] ?? index, type, bytes };
      }),
    );
    await withStorageErrors(() => groupCommit(this.database, () => {
      for (const { channel, index, type, bytes } of rows) {
        const statement = index < 0 ? this.#statements.upsertWrite : this.#statements.insertWrite;
        statement.run(tenant, threadId, namespace, checkpointId, taskId, index, channel, type, bytes, taskPath ?? '');
      }
    }));
  }

  /**
   * Delete one tenant's thread (`default` when no tenant is given: `BaseCheckpointSaver`'s
   * signature has no config); the same thread id of another tenant stays.
   */
  async deleteThread(threadId: string, tenantId = defaultTenant): Promise<void> {
    await withStorageErrors(() => groupCommit(this.database, () => {
      this.#statements.deleteThreadWrites.run(tenantId, threadId);
      this.#statements.deleteThreadBlobs.run(tenantId, threadId);
      this.#statements.deleteThreadCheckpoints.run(tenantId, threadId);
    }));
  }

  // Integer versions collide when a thread forks (time travel, updateState on an old
  // checkpoint): both branches would name different values `channel@n`, and blobs are
  // keyed by version. A random fraction keeps versions numeric and increasing, like the
  // random suffix of the Python savers.
  override getNextVersion(current: number | undefined): number {
    const whole = typeof current === 'number' ? Math.floor(current) : 0;
    return whole + 1 + Math.random();
  }

  // Metadata is kept as JSON text so `list` can filter on it inside SQLite.
  async #dumpMetadata(metadata: CheckpointMetadata): Promise<string> {
    const [type, bytes] = await this.serde.dumpsTyped(metadata);
    if (type !== 'json') {
      throw new AppError('INTERNAL', `Checkpoint metadata must serialize to json, the serializer gave "${type}".`);
    }
    return new TextDecoder().decode(bytes);
  }
}

function requireThreadId(config: RunnableConfig, action: string): string {
  const threadId = config.configurable?.thread_id;
  if (threadId === undefined || threadId === null || threadId === '') {
    throw new AppError(
      'BAD_REQUEST',
      `Cannot ${action}: config.configurable.thread_id is missing. Pass { configurable: { thread_id } }.`,
    );
  }
  return String(threadId);
}
