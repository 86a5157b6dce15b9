import { v7 as uuid7 } from '@langchain/core/utils/uuid';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { AssistantRepository } from '../assistants/index.ts';
import { AppError } from '../errors.ts';
import type { GraphCatalog } from '../graphs/index.ts';
import type { AuditLog } from '../observability/index.ts';
import { copyThreadCheckpoints } from './copy-thread-checkpoints.ts';
import { deleteThreadCheckpoints } from './thread-snapshot.ts';
import { createRunExecutor, type RunOutcome } from './execute-run.ts';
import { createKeyedMutex } from './keyed-mutex.ts';
import { resolveAssistant, underRun } from './resolve-assistant.ts';
import type { StreamMode } from './run-event.ts';
import { eventsExpired, type RunEventBus, type SequencedRunEvent } from './run-event-bus.ts';
import { createInProcessRunQueue, type RunQueue } from './run-queue.ts';
import { isActive, type MultitaskStrategy, type RunKwargs, type RunRecord, type RunStatus, type ThreadRecord } from './run-records.ts';
import type { RunRepository } from './run-repository.ts';
import { logError } from '../observability/index.ts';

export interface RunManagerDependencies {
  catalog: GraphCatalog;
  /** The assistants tenants created: a run on one executes its graph with its config and context under the run's own. */
  assistants?: Pick<AssistantRepository, 'get'>;
  /** Where run start and end are recorded. */
  audit?: AuditLog;
  checkpointer: BaseCheckpointSaver;
  repository: RunRepository;
  bus: RunEventBus;
  concurrency: number;
  /** How long a finished run's result stays joinable in memory (ms). */
  resultRetentionMs?: number;
  clock?: () => Date;
  newId?: () => string;
  fetch?: typeof fetch;
  /** Each run's execution deadline in milliseconds (`RUN_TIMEOUT_MS`); 0 or absent: none. */
  runTimeoutMs?: number;
  /** Limits on runs pending or running at once (per tenant, per key): asked before a run is created, told when it settles. */
  admission?: {
    acquire(run: { tenantId: string; callerId?: string; runId: string }): Promise<void>;
    release(runId: string): Promise<void>;
  };
}

export interface CreateRunRequest {
  tenantId: string;
  /** Scopes of the caller; graphs read them from `configurable.scopes`. */
  scopes?: string[];
  /** Absent for a stateless run, which gets a temporary thread. */
  threadId?: string;
  assistantId: string;
  input?: unknown;
  command?: RunKwargs['command'];
  config?: RunKwargs['config'];
  context?: unknown;
  metadata?: Record<string, unknown>;
  streamMode?: StreamMode[];
  subgraphs?: boolean;
  interruptBefore?: RunKwargs['interrupt_before'];
  interruptAfter?: RunKwargs['interrupt_after'];
  webhook?: string;
  multitaskStrategy?: MultitaskStrategy;
  ifNotExists?: 'create' | 'reject';
  onCompletion?: 'delete' | 'keep';
  onDisconnect?: 'cancel' | 'continue';
  checkpointId?: string;
  durability?: RunKwargs['durability'];
  afterSeconds?: number;
  /** Who asks (the API key's name), for the audit trail. */
  actor?: string;
  /** The credential that asks (the caller's id), for per-key run limits. */
  callerId?: string;
  /** Whose authority the run acts with, when not the actor's (an approver resuming a requester's run). */
  onBehalfOf?: string;
  /** Started through the thread protocol: the run streams the protocol's events. */
  protocol?: boolean;
}

export type CancelAction = 'interrupt' | 'rollback';

export interface RunManager {
  create(request: CreateRunRequest): Promise<RunRecord>;
  get(tenantId: string, runId: string): Promise<RunRecord | undefined>;
  list(tenantId: string, threadId: string, options: { limit: number; offset: number; status?: RunStatus }): Promise<RunRecord[]>;
  /** The run's events from `after` on, live until it ends. */
  stream(tenantId: string, runId: string, options?: { after?: number; signal?: AbortSignal }): Promise<AsyncIterable<SequencedRunEvent>>;
  /** Wait for the run to end; its final values (with `__interrupt__` when interrupted). */
  join(tenantId: string, runId: string): Promise<unknown>;
  cancel(tenantId: string, runId: string, options?: { action?: CancelAction; wait?: boolean }): Promise<void>;
  delete(tenantId: string, runId: string): Promise<void>;
  /** Cancel the thread's runs, then delete its checkpoints and records. */
  deleteThread(tenantId: string, threadId: string): Promise<boolean>;
  /** A new thread with a copy of the thread's checkpoints (all of its history), values and metadata. */
  copyThread(tenantId: string, threadId: string, newThreadId: string): Promise<ThreadRecord>;
  /** Calls `listener` with every run created from now on (after it is accepted), until the returned function is called. */
  onRunCreated(listener: (run: RunRecord) => void): () => void;
  /** Settle runs a previous process left pending or running. */
  recover(): Promise<number>;
  shutdown(): Promise<void>;
}

interface LiveRun {
  record: RunRecord;
  settled: Promise<void>;
  settle: () => void;
  /** Handed to the queue (it may not be executing yet). */
  scheduled: boolean;
}

/**
 * Owns the lifecycle of runs: pending → running → success | error | interrupted, one
 * running run per thread with the multitask strategy deciding the rest, cancellation, and
 * publishing events on the bus. The HTTP layer only asks it.
 * @example const manager = createRunManager({ catalog, checkpointer, repository, bus, concurrency: 16 });
 */
export function createRunManager(dependencies: RunManagerDependencies): RunManager {
  const { repository, bus, catalog } = dependencies;
  const clock = dependencies.clock ?? (() => new Date());
  // Time-ordered ids keep runs created in the same millisecond in creation order.
  const newId = dependencies.newId ?? (() => uuid7());
  const resultRetentionMs = dependencies.resultRetentionMs ?? 600_000;
  const withThreadLock = createKeyedMutex();
  const live = new Map<string, LiveRun>();
  // This manager executes every run of its threads in-process, so it knows each thread's
  // pending and running runs without asking storage on every create and every finish.
  const liveByThread = new Map<string, LiveRun[]>();
  const results = new Map<string, { tenantId: string; outcome: RunOutcome }>();
  const threadKey = (tenantId: string, threadId: string) => `${tenantId}\u0000${threadId}`;

  const executor = createRunExecutor({
    audit: dependencies.audit,
    catalog,
    checkpointer: dependencies.checkpointer,
    repository,
    bus,
    newId,
    fetch: dependencies.fetch,
    runTimeoutMs: dependencies.runTimeoutMs,
    onSettled: (record, outcome) => {
      results.set(record.run_id, { tenantId: record.tenant_id, outcome });
      setTimeout(() => results.delete(record.run_id), resultRetentionMs).unref();
      forget(record.run_id);
      if (!record.kwargs.temporary) void startNext(record.tenant_id, record.thread_id);
    },
  });
  const queue: RunQueue = createInProcessRunQueue({
    concurrency: dependencies.concurrency,
    execute: async (runId) => {
      const run = live.get(runId);
      if (run) await executor.execute(run.record);
    },
  });

  const createdListeners = new Set<(run: RunRecord) => void>();

  function remember(run: RunRecord): LiveRun {
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const entry: LiveRun = { record: run, settled, settle, scheduled: false };
    live.set(run.run_id, entry);
    const key = threadKey(run.tenant_id, run.thread_id);
    liveByThread.set(key, [...(liveByThread.get(key) ?? []), entry]);
    for (const listener of createdListeners) listener(run);
    return entry;
  }

  function forget(runId: string) {
    const entry = live.get(runId);
    if (!entry) return;
    live.delete(runId);
    const key = threadKey(entry.record.tenant_id, entry.record.thread_id);
    const remaining = (liveByThread.get(key) ?? []).filter((candidate) => candidate !== entry);
    if (remaining.length > 0) liveByThread.set(key, remaining);
    else liveByThread.delete(key);
    const released = dependencies.admission?.release(runId).catch((error: unknown) => logError(`could not release the run limit slots of ${runId}:`, error));
    // Whoever waits for the end (join, cancel with wait) hears of it once the run's limit slots are free.
    if (released) void released.then(entry.settle);
    else entry.settle();
  }

  function liveRunsOf(tenantId: string, threadId: string): LiveRun[] {
    return liveByThread.get(threadKey(tenantId, threadId)) ?? [];
  }

  function schedule(run: RunRecord, afterSeconds?: number) {
    const entry = live.get(run.run_id);
    if (entry) entry.scheduled = true;
    if (afterSeconds && afterSeconds > 0) {
      setTimeout(() => queue.enqueue(run.run_id), afterSeconds * 1_000).unref();
    } else {
      queue.enqueue(run.run_id);
    }
  }

  async function startNext(tenantId: string, threadId: string) {
    await withThreadLock(threadKey(tenantId, threadId), async () => {
      const runs = liveRunsOf(tenantId, threadId);
      if (runs.some((run) => run.scheduled)) return;
      const next = runs[0];
      if (next) schedule(next.record);
    }).catch((error: unknown) => logError(`could not start the next run of thread ${threadId}:`, error));
  }

  async function cancelRecord(run: RunRecord, action: CancelAction) {
    if (executor.cancel(run.run_id, action)) return;
    // Not started yet: settle it here, as the executor would have.
    if (!run.kwargs.temporary) {
      if (action === 'rollback') await repository.deleteRun(run.tenant_id, run.run_id);
      else await repository.updateRun(run.run_id, { status: 'interrupted' });
    }
    bus.end(run.run_id);
    const outcome: RunOutcome = { status: 'interrupted' };
    results.set(run.run_id, { tenantId: run.tenant_id, outcome });
    forget(run.run_id);
  }

  /** A run refused or failed before it was remembered gives its admission slots back. */
  async function admitted<T>(run: RunRecord, create: () => Promise<T>): Promise<T> {
    try {
      return await create();
    } catch (error) {
      if (!live.has(run.run_id)) await dependencies.admission?.release(run.run_id);
      throw error;
    }
  }

  async function findRun(tenantId: string, runId: string): Promise<RunRecord> {
    const run = live.get(runId)?.record ?? (await repository.getRun(tenantId, runId));
    if (!run || run.tenant_id !== tenantId) throw new AppError('NOT_FOUND', `Run ${runId} not found`);
    return run;
  }

  return {
    async create(request) {
      const assistant = await resolveAssistant(catalog, dependencies.assistants, request.tenantId, request.assistantId);
      const { entry } = assistant;
      const { config, context } = underRun(assistant, request.config, request.context);
      const stateless = request.threadId === undefined;
      const threadId = request.threadId ?? newId();
      const { tenantId } = request;
      const temporary = stateless && request.onCompletion !== 'keep';
      const now = clock().toISOString();
      // Server-owned: the graph the assistant names, whatever the body says.
      const configurable: Record<string, unknown> = { ...config.configurable, graph_id: entry.graphId };
      if (request.checkpointId) configurable.checkpoint_id = request.checkpointId;
      const run: RunRecord = {
        run_id: newId(),
        thread_id: threadId,
        assistant_id: assistant.assistantId,
        tenant_id: tenantId,
        created_at: now,
        updated_at: now,
        status: 'pending',
        metadata: request.metadata ?? {},
        multitask_strategy: request.multitaskStrategy ?? 'reject',
        kwargs: {
          input: request.input,
          command: request.command ?? undefined,
          config: { ...config, configurable: { ...configurable, scopes: request.scopes } },
          context,
          stream_mode: request.streamMode?.length ? request.streamMode : ['values'],
          subgraphs: request.subgraphs ?? false,
          interrupt_before: request.interruptBefore,
          interrupt_after: request.interruptAfter,
          webhook: request.webhook,
          temporary,
          on_disconnect: request.onDisconnect ?? 'continue',
          durability: request.durability,
          actor: request.actor,
          ...(request.onBehalfOf === undefined ? {} : { on_behalf_of: request.onBehalfOf }),
          ...(request.protocol ? { protocol: true } : {}),
        },
      };
      await dependencies.admission?.acquire({ tenantId, callerId: request.callerId, runId: run.run_id });
      if (temporary) {
        // Its thread is new, private and deleted at the end: nothing to store, nothing to wait for.
        remember(run);
        schedule(run, request.afterSeconds);
        return run;
      }
      return admitted(run, () => withThreadLock(threadKey(tenantId, threadId), async () => {
        let thread = await repository.getThread(tenantId, threadId);
        if (!thread) {
          if (!stateless && request.ifNotExists !== 'create') throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
          thread = await repository.createThread({
            thread_id: threadId,
            tenant_id: tenantId,
            created_at: now,
            updated_at: now,
            metadata: { graph_id: entry.graphId, assistant_id: assistant.assistantId },
            status: 'idle',
            values: null,
            interrupts: {},
          });
        }
        const strategy = run.multitask_strategy;
        const active = liveRunsOf(tenantId, threadId).map((other) => other.record);
        if (active.length > 0 && strategy === 'reject') {
          throw new AppError('CONFLICT', 'Thread is already running a task. Wait for it to finish or choose a different multitask strategy.');
        }
        const metadataPatch = thread.metadata.graph_id ? undefined : { graph_id: entry.graphId, assistant_id: assistant.assistantId };
        // Issued together: one commit (SQLite) or concurrent round trips (Redis).
        const [stored, marked] = await Promise.allSettled([
          repository.putRun(run),
          repository.updateThread(tenantId, threadId, { status: 'busy', metadata: metadataPatch }),
        ]);
        if (stored.status === 'rejected' || marked.status === 'rejected') {
          // Undo the half that landed, so the run never looks pending and the thread never busy.
          if (stored.status === 'fulfilled') {
            await repository.updateRun(run.run_id, { status: 'error', error: { code: 'STORAGE_ERROR', message: 'Run could not be started' } }).catch(() => undefined);
          }
          if (marked.status === 'fulfilled') await repository.updateThread(tenantId, threadId, { status: thread.status }).catch(() => undefined);
          throw stored.status === 'rejected' ? stored.reason : (marked as PromiseRejectedResult).reason;
        }
        remember(run);
        if (active.length === 0) schedule(run, request.afterSeconds);
        else if (strategy === 'interrupt' || strategy === 'rollback') {
          for (const other of active) await cancelRecord(other, strategy);
          if (active.every((other) => !executor.isExecuting(other.run_id))) schedule(run, request.afterSeconds);
        }
        return run;
      }));
    },

    get: async (tenantId, runId) => {
      const running = live.get(runId)?.record;
      if (running?.kwargs.temporary) return running.tenant_id === tenantId ? running : undefined;
      if (running) return running.tenant_id === tenantId ? running : undefined;
      const run = await repository.getRun(tenantId, runId);
      return run && run.tenant_id === tenantId ? run : undefined;
    },

    // Live runs' status is kept in memory while they run; show it over the stored one.
    list: async (tenantId, threadId, options) =>
      (await repository.listRuns(tenantId, threadId, options)).map((run) => live.get(run.run_id)?.record ?? run),

    async stream(tenantId, runId, options = {}) {
      const run = await findRun(tenantId, runId);
      if (!bus.has(runId) && !live.has(runId) && !isActive(run)) {
        // A client resuming (Last-Event-ID) a finished run whose events expired must hear so;
        // a plain join of a finished run simply ends.
        if (options.after !== undefined) throw eventsExpired(runId, options.after);
        return (async function* nothing() {})();
      }
      return bus.subscribe(runId, options);
    },

    async join(tenantId, runId) {
      const known = results.get(runId);
      if (!known) await findRun(tenantId, runId);
      else if (known.tenantId !== tenantId) throw new AppError('NOT_FOUND', `Run ${runId} not found`);
      await live.get(runId)?.settled;
      const finished = results.get(runId)?.outcome ?? (await executor.outcomeFromThread(await findRun(tenantId, runId)));
      if (finished.status === 'error' && finished.error) {
        const { retryAfterSeconds } = finished.error;
        throw new AppError(finished.error.code as never, finished.error.message, retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(retryAfterSeconds) } });
      }
      return finished.values ?? null;
    },

    async cancel(tenantId, runId, options = {}) {
      const run = await findRun(tenantId, runId);
      if (!isActive(run) && !live.has(runId)) return;
      await cancelRecord(live.get(runId)?.record ?? run, options.action ?? 'interrupt');
      if (options.wait) await live.get(runId)?.settled;
      void startNext(tenantId, run.thread_id);
    },

    async delete(tenantId, runId) {
      const run = await findRun(tenantId, runId);
      if (isActive(run) || live.has(runId)) throw new AppError('CONFLICT', 'Run is still active; cancel it first');
      await repository.deleteRun(tenantId, runId);
    },

    async deleteThread(tenantId, threadId) {
      const thread = await repository.getThread(tenantId, threadId);
      if (!thread) return false;
      for (const run of liveRunsOf(tenantId, threadId)) {
        await cancelRecord(run.record, 'interrupt');
        await run.settled;
      }
      await deleteThreadCheckpoints(dependencies.checkpointer, tenantId, threadId);
      return repository.deleteThread(tenantId, threadId);
    },

    async copyThread(tenantId, threadId, newThreadId) {
      // Under the source's lock: no run starts on it while its history is read.
      return withThreadLock(threadKey(tenantId, threadId), async () => {
        const thread = await repository.getThread(tenantId, threadId);
        if (!thread) throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
        const now = clock().toISOString();
        try {
          await copyThreadCheckpoints(dependencies.checkpointer, tenantId, threadId, newThreadId);
          return await repository.createThread({
            ...thread,
            thread_id: newThreadId,
            created_at: now,
            updated_at: now,
            // The copy runs nothing yet: a busy source gives an idle copy of what was stored.
            status: thread.status === 'busy' ? 'idle' : thread.status,
          });
        } catch (error) {
          // No half-made copy: checkpoints written under the new id go with the failure.
          await deleteThreadCheckpoints(dependencies.checkpointer, tenantId, newThreadId).catch(() => undefined);
          throw error;
        }
      });
    },

    onRunCreated(listener) {
      createdListeners.add(listener);
      return () => createdListeners.delete(listener);
    },

    async recover() {
      const stale = (await repository.staleRuns()).filter((run) => !live.has(run.run_id));
      for (const run of stale) {
        await repository.updateRun(run.run_id, {
          status: 'error',
          error: { code: 'INTERNAL', message: 'The server stopped while this run was in progress' },
        });
        await repository.updateThread(run.tenant_id, run.thread_id, { status: 'idle' });
      }
      return stale.length;
    },

    async shutdown() {
      for (const run of [...live.values()]) executor.cancel(run.record.run_id, 'interrupt');
      await queue.idle();
    },
  };
}
