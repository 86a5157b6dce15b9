import { v7 as uuid7 } from '@langchain/core/utils/uuid';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { AssistantRepository } from '../assistants/index.ts';
import { AppError } from '../errors.ts';
import type { GraphCatalog } from '../graphs/index.ts';
import type { AuditLog, TraceCarrier } from '../observability/index.ts';
import { copyThreadCheckpoints } from './copy-thread-checkpoints.ts';
import { assertCheckpointExists } from './assert-checkpoint-exists.ts';
import { deleteThreadCheckpoints } from './thread-snapshot.ts';
import { createRunExecutor, type RunOutcome } from './execute-run.ts';
import { createKeyedMutex } from './keyed-mutex.ts';
import { resolveAssistant, underRun } from './resolve-assistant.ts';
import type { StreamMode } from './run-event.ts';
import { eventsExpired, type RunEventBus, type SequencedRunEvent } from './run-event-bus.ts';
import { createInProcessRunQueue, type RunQueue } from './run-queue.ts';
import { createQueuedRunStatusReporter, type QueuedRunPlace } from './queued-run-status.ts';
import type { RunClaims } from './redis-run-claims.ts';
import type { RedisRunQueue, RunJob } from './redis-run-queue.ts';
import type { RunAcceptance } from './redis-run-acceptance.ts';
import { queueStatelessRun, waitForAcceptance } from './queue-stateless-run.ts';
import { isActive, type MultitaskStrategy, type RunKwargs, type RunRecord, type RunStatus, type ThreadRecord } from './run-records.ts';
import type { RunRepository, TenantRunPage } from './run-repository.ts';
import type { RunObserver } from './run-observer.ts';
import { currentTraceCarrier, logError } from '../observability/index.ts';
import type { RunFence } from '../storage/index.ts';

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
  /** Metrics and accounting of the runs this process executes. */
  observer?: RunObserver;
  /** Limits on runs pending or running at once (per tenant, per key): asked before a run is created, told when it settles. */
  admission?: {
    acquire(run: { tenantId: string; callerId?: string; runId: string }): Promise<void>;
    release(run: { tenantId: string; callerId?: string; runId: string }): Promise<void>;
  };
  /**
   * Daily budgets per tenant: asked before a run is created (429 `BUDGET_EXHAUSTED` while the
   * tenant's day is spent). A run that resumes a paused thread (`command.resume`) is not asked:
   * it may carry an approval whose action must still be dispatched. `run` says what was asked,
   * for the refusal's audit record.
   */
  budgets?: { admitRun(tenantId: string, run: { graph: string; threadId?: string; actor?: string }): Promise<void> };
  /** Attempts of a run whose worker died before it gives up with an error (`RUN_MAX_ATTEMPTS`, default 3). */
  maxAttempts?: number;
  /** Between two `status` events of a queued run on its stream (default 1 s). */
  queuedStatusIntervalMs?: number;
  /**
   * Several processes on one Redis: runs are queued on BullMQ and executed by whichever worker
   * claims them, multitask strategies decide under a Redis lock, cancellation travels by a durable
   * flag and pub/sub. Absent: this process executes every run of its threads in-process.
   */
  distributed?: {
    claims: RunClaims;
    /** The queue; `execute` is given in processes that execute runs (ROLE worker or all). */
    createQueue(execute?: (job: RunJob) => Promise<void>): RedisRunQueue;
    /** Whether this process executes runs (ROLE worker or all); an API process only queues them. */
    executes: boolean;
    /**
     * Stateless runs are queued and accepted before their creator hears 2xx, and a worker
     * executes one only once accepted (see `queueStatelessRun`). Absent: queued fire-and-forget.
     */
    acceptance?: RunAcceptance;
    /** How long a stateless run may take to be queued and accepted before it is refused (default 3 s). */
    acceptanceWindowMs?: number;
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

export interface CreateRunOptions {
  /**
   * Called under the thread's lock once the run is about to be accepted (thread read, multitask
   * strategy checked), before anything of it is stored; throwing refuses it. `idle`: no run is
   * pending or running on the thread, so this one starts from the thread as it is now. What it
   * decides (an approval decided, approvals superseded) is atomic with every other run's
   * acceptance on the thread and with `withThread`.
   */
  beforeAccept?: (thread: ThreadRecord, context: { idle: boolean }) => Promise<void>;
}

export interface RunManager {
  create(request: CreateRunRequest, options?: CreateRunOptions): Promise<RunRecord>;
  /** `work` under the thread's lock, where runs on it are accepted (never create a run on the same thread inside it). */
  withThread<T>(tenantId: string, threadId: string, work: () => Promise<T>): Promise<T>;
  get(tenantId: string, runId: string): Promise<RunRecord | undefined>;
  list(tenantId: string, threadId: string, options: { limit: number; offset: number; status?: RunStatus }): Promise<RunRecord[]>;
  /** The tenant's stored runs of every thread, newest first (see `RunRepository.listTenantRuns`). */
  listTenant(tenantId: string, options: TenantRunPage): Promise<RunRecord[]>;
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
  /** Runs waiting for a slot (in this process's queue, or the shared Redis queue) and running in this process (for metrics). */
  queueStats(): Promise<{ waiting: number; running: number }>;
  /** Refuse new runs from now on (503 `SERVER_DRAINING`); runs already accepted go on. */
  beginDrain(): void;
  /** Resolves once this manager has no run pending or running (true), or after `timeoutMs` (false). */
  drained(timeoutMs: number): Promise<boolean>;
  shutdown(): Promise<void>;
}

interface LiveRun {
  record: RunRecord;
  settled: Promise<void>;
  settle: () => void;
  /** Handed to the queue (it may not be executing yet). */
  scheduled: boolean;
}

/** A run waiting to start, as its creator watches it; `startsAt`: when its `after_seconds` end. */
interface WaitingRun {
  runId: string;
  record: RunRecord;
  startsAt?: number;
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
  const maxAttempts = dependencies.maxAttempts ?? 3;
  const { distributed } = dependencies;
  const withThreadLock = distributed ? distributed.claims.withThreadLock : createKeyedMutex();
  // Stateless runs another process executes: kept here for `get` and `join` while they last.
  const remoteTemporary = new Map<string, RunRecord>();
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
    observer: dependencies.observer,
    isCurrent: distributed?.claims.isCurrent,
    onSettled: (record, outcome, superseded) => {
      if (!superseded) {
        results.set(record.run_id, { tenantId: record.tenant_id, outcome });
        setTimeout(() => results.delete(record.run_id), resultRetentionMs).unref();
      }
      // A worker settling a run another process created holds no live entry for it: free its slots here.
      if (!superseded && !live.has(record.run_id)) {
        void dependencies.admission?.release(admissionOf(record)).catch((error: unknown) => logError(`could not release the run limit slots of ${record.run_id}:`, error));
      }
      forget(record.run_id);
      // A superseded worker leaves the thread to the worker that took its run over.
      if (!record.kwargs.temporary && !superseded) void startNext(record.tenant_id, record.thread_id);
    },
  });
  const redisQueue = distributed?.createQueue(distributed.executes ? claimAndExecute : undefined);
  const queue: RunQueue = redisQueue ?? createInProcessRunQueue({
    concurrency: dependencies.concurrency,
    execute: async (runId) => {
      const run = live.get(runId);
      // A run recovered after a crash counts its attempts on, and resumes from its checkpoint.
      if (run) await executor.execute(run.record, { attempt: (run.record.attempt ?? 0) + 1, maxAttempts });
    },
  });
  const queuedStatus = createQueuedRunStatusReporter<WaitingRun>({ bus, placeOf, intervalMs: dependencies.queuedStatusIntervalMs });
  const stopListening = distributed?.executes
    ? distributed.claims.onCancel((runId, action) => cancelHere(runId, action))
    : undefined;

  /** Where a run this process created waits now (see `QueuedRunPlace`); undefined once it started or settled. */
  async function placeOf({ runId, record, startsAt }: WaitingRun): Promise<QueuedRunPlace | null | undefined> {
    const delayed = startsAt !== undefined && Date.now() < startsAt;
    if (!distributed) {
      const entry = live.get(runId);
      if (!entry || executor.isExecuting(runId)) return undefined;
      if (delayed) return { waiting_for: 'schedule', position: null };
      const position = await queue.position(runId);
      if (position !== undefined) return { waiting_for: 'worker', position };
      if (entry.scheduled) return null;
      const ahead = liveRunsOf(entry.record.tenant_id, entry.record.thread_id).indexOf(entry);
      return { waiting_for: 'thread', position: Math.max(0, ahead) };
    }
    const temporary = record.kwargs.temporary;
    const stored = temporary ? remoteTemporary.get(runId) : await repository.getRun(record.tenant_id, runId);
    if (!stored || (!temporary && stored.status !== 'pending')) return undefined;
    if (delayed) return { waiting_for: 'schedule', position: null };
    const position = await redisQueue!.position(runId);
    if (position !== undefined) return { waiting_for: 'worker', position };
    if (temporary) return null;
    const ahead = (await repository.activeRuns(stored.tenant_id, stored.thread_id)).findIndex((run) => run.run_id === runId);
    return ahead > 0 ? { waiting_for: 'thread', position: ahead } : null;
  }

  /**
   * A run's stream starts when the run is accepted: `metadata` (event 0) at once, then `status`
   * events while it waits. Workers publish nothing before they claim it.
   */
  async function announce(run: RunRecord, afterSeconds?: number) {
    // Before the run is queued: a worker continues the numbering after it. A failed write costs
    // the stream its first event, never the run.
    await bus
      .publishUnclaimed(run.run_id, { event: 'metadata', data: { run_id: run.run_id, attempt: 1 } })
      .catch((error: unknown) => logError(`run ${run.run_id}: could not start its stream:`, error));
    const startsAt = afterSeconds && afterSeconds > 0 ? Date.now() + afterSeconds * 1_000 : undefined;
    queuedStatus.watch({ runId: run.run_id, record: run, ...(startsAt === undefined ? {} : { startsAt }) });
  }

  /** A cancel request reached this worker: abort the run if it executes here (or is about to). */
  function cancelHere(runId: string, action: CancelAction, tries = 0) {
    if (executor.cancel(runId, action) || !live.has(runId) || tries >= 20) return;
    // Claimed here but not started yet: try again in a moment (its start also reads the durable flag).
    setTimeout(() => cancelHere(runId, action, tries + 1), 10).unref();
  }

  /** A worker takes a queued run: claim it (a fence every later write carries), then execute it unless cancelled meanwhile. */
  async function claimAndExecute(job: RunJob): Promise<void> {
    const stored = (job.record as RunRecord | undefined) ?? (await repository.getRun(job.tenantId, job.runId));
    // Finished, deleted, or already executing here: nothing to do.
    if (!stored || (!stored.kwargs.temporary && !isActive(stored)) || live.has(stored.run_id)) return;
    // A stateless run whose creator was refused (or never answered) is dropped unexecuted.
    const { acceptance } = distributed!;
    if (job.acceptBy !== undefined && acceptance && !(await waitForAcceptance(acceptance, job.runId, job.acceptBy))) return;
    const fence = await distributed!.claims.claim(stored.run_id);
    const entry = remember(stored, { announce: false });
    const cancelled = await distributed!.claims.cancelRequested(stored.run_id);
    if (cancelled) {
      await settleUnstarted(stored, cancelled, fence);
      return;
    }
    await executor.execute(entry.record, { fence, attempt: (stored.attempt ?? 0) + 1, maxAttempts });
  }

  const createdListeners = new Set<(run: RunRecord) => void>();
  let draining = false;

  function remember(run: RunRecord, options: { announce?: boolean } = {}): LiveRun {
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const entry: LiveRun = { record: run, settled, settle, scheduled: false };
    live.set(run.run_id, entry);
    const key = threadKey(run.tenant_id, run.thread_id);
    liveByThread.set(key, [...(liveByThread.get(key) ?? []), entry]);
    if (options.announce !== false) for (const listener of createdListeners) listener(run);
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
    const released = dependencies.admission?.release(admissionOf(entry.record)).catch((error: unknown) => logError(`could not release the run limit slots of ${runId}:`, error));
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
    if (redisQueue) {
      // BullMQ holds a delayed run itself; a stateless run has no stored record, so its job carries it.
      redisQueue.enqueue(run.run_id, {
        tenantId: run.tenant_id,
        delayMs: afterSeconds && afterSeconds > 0 ? afterSeconds * 1_000 : undefined,
        record: run.kwargs.temporary ? run : undefined,
      });
    } else if (afterSeconds && afterSeconds > 0) {
      setTimeout(() => queue.enqueue(run.run_id), afterSeconds * 1_000).unref();
    } else {
      queue.enqueue(run.run_id);
    }
  }

  async function startNext(tenantId: string, threadId: string) {
    await withThreadLock(threadKey(tenantId, threadId), async () => {
      if (distributed) {
        // The thread's runs in storage are its queue: only its head has a job, so `enqueue` keeps order across workers.
        const runs = await repository.activeRuns(tenantId, threadId);
        if (runs.some((run) => run.status === 'running')) return;
        if (runs[0]) schedule(runs[0]);
        return;
      }
      const runs = liveRunsOf(tenantId, threadId);
      if (runs.some((run) => run.scheduled)) return;
      const next = runs[0];
      if (next) schedule(next.record);
    }).catch((error: unknown) => logError(`could not start the next run of thread ${threadId}:`, error));
  }

  /** Settle a run that never started (cancelled while queued), as its executor would have. */
  async function settleUnstarted(run: RunRecord, action: CancelAction, fence?: RunFence) {
    if (!run.kwargs.temporary) {
      if (action === 'rollback') await repository.deleteRun(run.tenant_id, run.run_id);
      else await repository.updateRun(run.run_id, { status: 'interrupted' }, fence);
    }
    await bus.attach?.(run.run_id, fence);
    bus.end(run.run_id);
    await bus.flush?.(run.run_id).catch(() => undefined);
    results.set(run.run_id, { tenantId: run.tenant_id, outcome: { status: 'interrupted' } });
    forget(run.run_id);
    if (distributed && !run.kwargs.temporary) void startNext(run.tenant_id, run.thread_id);
  }

  /** Another process may execute the run: drop its job if no worker took it yet, else ask whoever has it. */
  async function cancelAnywhere(run: RunRecord, action: CancelAction): Promise<'settled' | 'requested'> {
    if (executor.cancel(run.run_id, action)) return 'requested';
    if (run.status === 'pending' && (await redisQueue!.remove(run.run_id))) {
      await settleUnstarted(run, action);
      return 'settled';
    }
    await distributed!.claims.requestCancel(run.run_id, action);
    return 'requested';
  }

  /** Until the run is no longer pending or running in storage (another process executes it). */
  async function settledAnywhere(tenantId: string, runId: string, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const stored = await repository.getRun(tenantId, runId);
      if (!stored || !isActive(stored)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
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
      if (!live.has(run.run_id)) await dependencies.admission?.release(admissionOf(run));
      throw error;
    }
  }

  /**
   * Wait for a run another process executes, through its events: the last `values` and any
   * `error`, then (persistent runs) what its record and thread say.
   */
  async function joinAnywhere(run: RunRecord): Promise<RunOutcome | undefined> {
    if (!run.kwargs.temporary && !isActive(run)) return undefined;
    let values: unknown = null;
    let failure: { code: string; message: string } | undefined;
    for await (const event of bus.subscribe(run.run_id)) {
      if (event.event === 'values') values = event.data;
      if (event.event === 'error') {
        const data = event.data as { error?: string; message?: string };
        failure = { code: data.error ?? 'INTERNAL', message: data.message ?? 'Run failed' };
      }
    }
    if (!run.kwargs.temporary) return undefined;
    return failure ? { status: 'error', error: failure } : { status: 'success', values };
  }

  async function findRun(tenantId: string, runId: string): Promise<RunRecord> {
    const run = live.get(runId)?.record ?? remoteTemporary.get(runId) ?? (await repository.getRun(tenantId, runId));
    if (!run || run.tenant_id !== tenantId) throw new AppError('NOT_FOUND', `Run ${runId} not found`);
    return run;
  }

  return {
    async create(request, options = {}) {
      if (draining) {
        throw new AppError('SERVER_DRAINING', 'This server is shutting down and takes no new runs; retry, another replica will take it', { headers: { 'Retry-After': '1' } });
      }
      const resuming = request.command?.resume !== undefined && request.command.resume !== null;
      const assistant = await resolveAssistant(catalog, dependencies.assistants, request.tenantId, request.assistantId);
      const { entry } = assistant;
      // After the assistant is known, so a refusal is audited and counted with its graph.
      if (!resuming) await dependencies.budgets?.admitRun(request.tenantId, { graph: entry.graphId, threadId: request.threadId, actor: request.actor });
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
          config: { ...config, configurable: { ...configurable, scopes: request.scopes, ...(request.callerId ? { caller_id: request.callerId } : {}) } },
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
          ...traceContextOf(currentTraceCarrier()),
        },
      };
      // A temporary thread is new: no checkpoint to start from (checked before anything is taken or made).
      if (temporary && request.checkpointId) throw new AppError('NOT_FOUND', `Checkpoint ${request.checkpointId} not found: a stateless run starts on a new thread`);
      await dependencies.admission?.acquire({ tenantId, callerId: request.callerId, runId: run.run_id });
      if (temporary) {
        // Its thread is new, private and deleted at the end: nothing to store, nothing to wait for.
        if (distributed?.acceptance && redisQueue) {
          remoteTemporary.set(run.run_id, run);
          setTimeout(() => remoteTemporary.delete(run.run_id), resultRetentionMs).unref();
          for (const listener of createdListeners) listener(run);
          const accepted = await queueStatelessRun({
            queue: redisQueue,
            acceptance: distributed.acceptance,
            run,
            acceptBy: Date.now() + (distributed.acceptanceWindowMs ?? 3_000),
            marginMs: 1_000,
            delayMs: request.afterSeconds && request.afterSeconds > 0 ? request.afterSeconds * 1_000 : undefined,
            announce: () => announce(run, request.afterSeconds),
          });
          if (accepted) return run;
          remoteTemporary.delete(run.run_id);
          void dependencies.admission?.release(admissionOf(run)).catch((error: unknown) => logError(`could not release the run limit slots of ${run.run_id}:`, error));
          throw new AppError('STORAGE_ERROR', 'Run queue unavailable');
        }
        if (distributed) {
          remoteTemporary.set(run.run_id, run);
          setTimeout(() => remoteTemporary.delete(run.run_id), resultRetentionMs).unref();
          for (const listener of createdListeners) listener(run);
        } else remember(run);
        await announce(run, request.afterSeconds);
        schedule(run, request.afterSeconds);
        return run;
      }
      return admitted(run, () => withThreadLock(threadKey(tenantId, threadId), async () => {
        let thread = await repository.getThread(tenantId, threadId);
        if (!thread && !stateless && request.ifNotExists !== 'create') throw new AppError('NOT_FOUND', `Thread ${threadId} not found`);
        // Before the thread is created or the run stored: an unknown checkpoint makes nothing.
        if (request.checkpointId) await assertCheckpointExists(dependencies.checkpointer, tenantId, threadId, request.checkpointId);
        if (!thread) {
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
        const active = distributed
          ? await repository.activeRuns(tenantId, threadId)
          : liveRunsOf(tenantId, threadId).map((other) => other.record);
        if (active.length > 0 && strategy === 'reject') {
          throw new AppError('CONFLICT', 'Thread is already running a task. Wait for it to finish or choose a different multitask strategy.');
        }
        await options.beforeAccept?.(thread, { idle: active.length === 0 });
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
        await announce(run, request.afterSeconds);
        if (distributed) {
          for (const listener of createdListeners) listener(run);
          if (active.length === 0) schedule(run, request.afterSeconds);
          else if (strategy === 'interrupt' || strategy === 'rollback') {
            // Runs still executing somewhere start this one when they settle (startNext); queued ones are settled here.
            const outcomes = [];
            for (const other of active) outcomes.push(await cancelAnywhere(other, strategy));
            if (outcomes.every((outcome) => outcome === 'settled')) schedule(run, request.afterSeconds);
          }
          return run;
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

    withThread: (tenantId, threadId, work) => withThreadLock(threadKey(tenantId, threadId), work),

    get: async (tenantId, runId) => {
      const running = live.get(runId)?.record ?? remoteTemporary.get(runId);
      if (running?.kwargs.temporary) return running.tenant_id === tenantId ? running : undefined;
      if (running) return running.tenant_id === tenantId ? running : undefined;
      const run = await repository.getRun(tenantId, runId);
      return run && run.tenant_id === tenantId ? run : undefined;
    },

    // Live runs' status is kept in memory while they run; show it over the stored one.
    list: async (tenantId, threadId, options) =>
      (await repository.listRuns(tenantId, threadId, options)).map((run) => live.get(run.run_id)?.record ?? run),
    listTenant: async (tenantId, options) =>
      (await repository.listTenantRuns(tenantId, options)).map((run) => live.get(run.run_id)?.record ?? run),

    async stream(tenantId, runId, options = {}) {
      const run = await findRun(tenantId, runId);
      if (!(await bus.has(runId)) && !live.has(runId) && !isActive(run)) {
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
      if (distributed && !results.has(runId)) {
        const outcome = await joinAnywhere(await findRun(tenantId, runId));
        if (outcome) results.set(runId, { tenantId, outcome });
      }
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
      if (distributed) {
        const outcome = await cancelAnywhere(run, options.action ?? 'interrupt');
        if (options.wait && outcome === 'requested') {
          await settledAnywhere(tenantId, runId);
          // The waiting caller may start a run at once: its slot must be free by then.
          await dependencies.admission?.release(admissionOf(run));
        }
        return;
      }
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
      if (distributed) {
        for (const run of await repository.activeRuns(tenantId, threadId)) {
          if ((await cancelAnywhere(run, 'interrupt')) === 'requested') await settledAnywhere(tenantId, run.run_id);
        }
      }
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

    queueStats: () => queue.stats(),

    async recover() {
      const stale = (await repository.staleRuns()).filter((run) => !live.has(run.run_id));
      // Resume, never re-run: each is queued again and continues from its thread's last checkpoint
      // (execute-run decides input or checkpoint), its attempts counted, in its thread's order.
      const threads = new Map<string, RunRecord>();
      for (const run of stale) {
        if (!threads.has(threadKey(run.tenant_id, run.thread_id))) threads.set(threadKey(run.tenant_id, run.thread_id), run);
        if (!distributed) {
          remember(run, { announce: false });
          // This process's bus is new: a run that never started gets its `metadata` here, one taken up again from its worker.
          if ((run.attempt ?? 0) === 0) await announce(run);
        }
      }
      for (const first of threads.values()) {
        if (distributed) await startNext(first.tenant_id, first.thread_id);
        else schedule(first);
      }
      return stale.length;
    },

    beginDrain() {
      draining = true;
      // A draining worker takes no more jobs from the queue; other workers do.
      redisQueue?.pause().catch((error: unknown) => logError('could not pause the run worker:', error));
    },

    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      // Runs queued behind others on a thread are in `live` too; they start and finish meanwhile.
      while (live.size > 0) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) return false;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all([...live.values()].map((run) => run.settled)),
          new Promise((resolve) => (timer = setTimeout(resolve, remaining))),
        ]);
        clearTimeout(timer);
      }
      return true;
    },

    async shutdown() {
      queuedStatus.close();
      if (redisQueue) {
        // A worker stopping hands its runs back: their jobs' locks lapse and another worker resumes them.
        (await stopListening)?.();
        await redisQueue.close(true);
        return;
      }
      for (const run of [...live.values()]) executor.cancel(run.record.run_id, 'interrupt');
      await queue.idle();
    },
  };
}

/** Whose run-limit slots a run holds: its tenant's and, when known, its caller's. */
function admissionOf(run: RunRecord): { tenantId: string; callerId?: string; runId: string } {
  const callerId = (run.kwargs.config.configurable as Record<string, unknown> | undefined)?.caller_id;
  return { tenantId: run.tenant_id, runId: run.run_id, ...(typeof callerId === 'string' ? { callerId } : {}) };
}

// Stored with the run only when the request was traced: untraced runs keep their records as they were.
function traceContextOf(carrier: TraceCarrier | undefined): { trace_context?: TraceCarrier } {
  return carrier ? { trace_context: carrier } : {};
}
