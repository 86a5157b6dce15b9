import { hostname } from 'node:os';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { context, type Span } from '@opentelemetry/api';
import { AppError, isAppError, toPublicError } from '../errors.ts';
import type { AnyCompiledGraph, GraphCatalog } from '../graphs/index.ts';
import type { AuditLog } from '../observability/index.ts';
import type { RunEventBus } from './run-event-bus.ts';
import type { RunObserver } from './run-observer.ts';
import { graphIdOf, type RunRecord, type RunStatus } from './run-records.ts';
import type { RunRepository } from './run-repository.ts';
import { describeRunEffects } from './describe-run-effects.ts';
import { startRunDeadline } from './run-deadline.ts';
import { sendWebhook } from './send-webhook.ts';
import { streamGraphRun } from './stream-graph-run.ts';
import { latestCheckpointIdOf, progressMarkOf, readThreadSnapshot, restoreCheckpoint } from './thread-snapshot.ts';
import { toWireValue } from './to-wire-json.ts';
import { contextFromCarrier, failSpan, logError, overseerAttributes, startAgentSpan, traceHeaders, withLogContext } from '../observability/index.ts';
import { fenceConfigKey, isFencedError, type RunFence } from '../storage/index.ts';

/** The claim a worker executes a run under. */
export interface RunClaim {
  /** Every write for the run carries it and is refused once another worker claimed the run. */
  fence?: RunFence;
  /** 1 on the first execution; a run taken over after its worker died counts up. */
  attempt: number;
  /**
   * After this many attempts in a row that saved no checkpoint (a run whose worker dies at the
   * same step each time), the run ends `error`, saying what it already did. Attempts cut short by
   * a crash after the run got somewhere do not count: a run survives any number of restarts
   * while it makes progress.
   */
  maxAttempts: number;
}

export interface RunOutcome {
  status: RunStatus;
  /** Final values, with `__interrupt__` when the run stopped at an interrupt. */
  values?: unknown;
  /** `retryAfterSeconds`: the model provider's `Retry-After`, passed on to the client. */
  error?: { code: string; message: string; retryAfterSeconds?: number };
}

export interface RunExecutorDependencies {
  catalog: GraphCatalog;
  audit?: AuditLog;
  checkpointer: BaseCheckpointSaver;
  repository: RunRepository;
  bus: RunEventBus;
  newId: () => string;
  fetch?: typeof fetch;
  /** A run's execution deadline in milliseconds (`RUN_TIMEOUT_MS`); 0 or absent: none. */
  runTimeoutMs?: number;
  /** Metrics and accounting: told when each run starts and settles, and gives it its callbacks. */
  observer?: RunObserver;
  /** Whether a worker's fence is still current (asked when a run fails, to tell a takeover from a failure). */
  isCurrent?: (fence: RunFence) => Promise<boolean>;
  /** Called once per run, after its record is final; `superseded` when another worker took the run over and this one's writes were refused. */
  onSettled: (record: RunRecord, outcome: RunOutcome, superseded?: boolean) => void;
}

/**
 * Executes one run: streams the graph into the event bus, then records how it ended
 * (success, interrupted at an interrupt, error, or cancelled with interrupt/rollback) on
 * the run and its thread.
 */
export function createRunExecutor(dependencies: RunExecutorDependencies) {
  const { repository, bus, checkpointer } = dependencies;
  const statelessCopies = new WeakMap<object, AnyCompiledGraph>();

  /**
   * A temporary thread is deleted when its run ends, so (as the LangGraph API does) such runs
   * execute without a checkpointer: nothing is written only to be deleted.
   */
  function statelessCopyOf(graph: AnyCompiledGraph): AnyCompiledGraph {
    let copy = statelessCopies.get(graph);
    if (!copy) {
      copy = graph.withConfig({});
      copy.checkpointer = false;
      statelessCopies.set(graph, copy);
    }
    return copy;
  }
  const executions = new Map<string, { controller: AbortController; action?: 'interrupt' | 'rollback' }>();

  const snapshotOf = (record: RunRecord) => readThreadSnapshot(dependencies.catalog, record);

  async function rollBack(record: RunRecord) {
    await restoreCheckpoint(checkpointer, record.tenant_id, record.thread_id, record.checkpoint_before ?? null);
    const snapshot = record.checkpoint_before ? await snapshotOf(record) : undefined;
    await repository.updateThread(record.tenant_id, record.thread_id, {
      status: 'idle',
      values: snapshot?.values ?? null,
      interrupts: snapshot?.interruptsByTask ?? {},
    });
  }

  async function execute(record: RunRecord, claim: RunClaim, span: Span): Promise<void> {
    const { fence } = claim;
    const observation = dependencies.observer?.started(record);
    const entry = dependencies.catalog.get(graphIdOf(record));
    const controller = new AbortController();
    const persistent = !record.kwargs.temporary;
    executions.set(record.run_id, { controller });
    const deadline = startRunDeadline(controller, dependencies.runTimeoutMs);
    let outcome: RunOutcome = { status: 'error', error: { code: 'NOT_FOUND', message: 'Assistant no longer exists' } };
    let deleted = false;
    let lastValues: unknown = null;
    let superseded = false;
    let resume = false;
    let stalled = claim.attempt > claim.maxAttempts ? claim.attempt - 1 : 0;
    try {
      if (!entry) throw new Error(`assistant ${record.assistant_id} disappeared`);
      await bus.attach?.(record.run_id, fence);
      if (persistent) {
        const [latest, mark] = await Promise.all([
          latestCheckpointIdOf(checkpointer, record.tenant_id, record.thread_id),
          progressMarkOf(checkpointer, record.tenant_id, record.thread_id),
        ]);
        // Where a rollback returns to: the thread's checkpoint before the first attempt.
        if (claim.attempt <= 1 || record.checkpoint_before === undefined) record.checkpoint_before = latest;
        // A later attempt whose earlier one saved anything resumes from the thread's last checkpoint
        // (pending writes kept), never from its input again; one that saved nothing starts as it would have.
        resume = claim.attempt > 1 && (latest ?? null) !== (record.checkpoint_before ?? null);
        // Did the attempt before this one save anything, in a subgraph too? Then the run is no poison, only unlucky.
        const before = record.attempt_checkpoint === undefined ? record.checkpoint_before ?? null : record.attempt_checkpoint;
        stalled = claim.attempt <= 1 || mark !== before ? 0 : (record.stalled_attempts ?? 0) + 1;
        record.attempt = claim.attempt;
        // Stored now, so a worker taking the run over knows where it started and how often it was tried.
        await repository.updateRun(record.run_id, {
          status: 'running',
          checkpoint_before: record.checkpoint_before ?? null,
          attempt: claim.attempt,
          resume_from: resume ? 'checkpoint' : null,
          worker: `${hostname()}:${process.pid}`,
          attempt_checkpoint: mark,
          stalled_attempts: stalled,
        }, fence);
      }
      record.status = 'running';
      record.updated_at = new Date().toISOString();
      if (stalled >= claim.maxAttempts) {
        throw new AppError('INTERNAL', `The run's worker stopped ${stalled} times in a row before the run saved a checkpoint (RUN_MAX_ATTEMPTS ${claim.maxAttempts}); it is not tried again.`);
      }
      await dependencies.audit?.append({
        tenantId: record.tenant_id,
        type: 'run.started',
        runId: record.run_id,
        threadId: record.thread_id,
        actor: record.kwargs.actor ?? 'system',
        data: {
          graph: entry.graphId,
          resumed: Boolean(record.kwargs.command),
          temporary: record.kwargs.temporary,
          ...(claim.attempt > 1 ? { attempt: claim.attempt, from: resume ? 'checkpoint' : 'input' } : {}),
          ...(record.kwargs.on_behalf_of === undefined ? {} : { onBehalfOf: record.kwargs.on_behalf_of }),
        },
      });
      let interrupted = false;
      const { kwargs } = record;
      const configurable = {
        ...kwargs.config.configurable,
        thread_id: record.thread_id,
        tenant_id: record.tenant_id,
        run_id: record.run_id,
        assistant_id: record.assistant_id,
        graph_id: entry.graphId,
        // Server-owned like the tenant: whom tools act for, and whether the run can pause.
        actor: kwargs.on_behalf_of ?? kwargs.actor,
        stateless: !persistent,
        ...(fence ? { [fenceConfigKey]: fence } : {}),
      };
      const events = streamGraphRun(persistent ? entry.graph : statelessCopyOf(entry.graph), {
        runId: record.run_id,
        input: resume ? null : kwargs.input,
        command: (resume ? undefined : kwargs.command) as never,
        configurable,
        streamModes: kwargs.stream_mode,
        subgraphs: kwargs.subgraphs,
        recursionLimit: kwargs.config.recursion_limit,
        signal: controller.signal,
        metadata: record.metadata,
        context: kwargs.context,
        interruptBefore: kwargs.interrupt_before,
        interruptAfter: kwargs.interrupt_after,
        tags: kwargs.config.tags,
        durability: kwargs.durability,
        protocol: kwargs.protocol,
        callbacks: observation?.callbacks,
        // The first attempt's `metadata` was published when the run was created (queued runs stream at once).
        metadataEvent: claim.attempt > 1,
        attempt: claim.attempt,
        onValues: (values) => {
          // An interrupt arrives as a values chunk of its own: `{ __interrupt__: [...] }`.
          if (values && typeof values === 'object' && '__interrupt__' in values) interrupted = true;
          else lastValues = values;
        },
      });
      for await (const event of events) {
        if (controller.signal.aborted) break;
        bus.publish(record.run_id, event);
      }
      if (controller.signal.aborted) throw controller.signal.reason ?? new Error('cancelled');
      if (!persistent) {
        outcome = { status: 'success', values: toWireValue(lastValues) };
      } else if (!interrupted && lastValues !== null) {
        const values = toWireValue<Record<string, unknown>>(lastValues);
        outcome = { status: 'success', values };
        await repository.updateThread(record.tenant_id, record.thread_id, { status: 'idle', values, interrupts: {} }, fence);
      } else {
        // Interrupted (or no values streamed): read the state for the interrupts by task.
        const snapshot = await snapshotOf(record);
        const paused = (snapshot?.interrupts.length ?? 0) > 0;
        outcome = {
          status: paused ? 'interrupted' : 'success',
          values: paused ? { ...snapshot!.values, __interrupt__: snapshot!.interrupts } : snapshot?.values,
        };
        await repository.updateThread(record.tenant_id, record.thread_id, {
          status: paused ? 'interrupted' : 'idle',
          values: snapshot?.values ?? null,
          interrupts: snapshot?.interruptsByTask ?? {},
        }, fence);
      }
    } catch (error) {
      const action = executions.get(record.run_id)?.action;
      if (isFencedError(error) || (fence && !(await stillCurrent(fence)))) {
        // Another worker claimed the run (this one was paused or cut off past its lease): it owns
        // the run now, and nothing more is written from here.
        superseded = true;
        logError(`run ${record.run_id}: taken over by another worker; this worker's late writes are refused`, error);
      } else if (controller.signal.aborted && action) {
        outcome = { status: 'interrupted' };
        if (persistent) deleted = await settleCancelledThread(record, action);
      } else {
        const failure = deadline.reached ?? error;
        const shown = toPublicError(needsThread(failure) ? interruptWithoutThread() : failure);
        if (shown.code === 'INTERNAL') logError(`run ${record.run_id} failed:`, failure);
        // An error never hides what the run already changed.
        const changed = await describeRunEffects(dependencies.audit, record);
        const message = changed ? `${shown.message} Already done in this run: ${changed}.` : shown.message;
        const retryAfter = isAppError(failure) ? Number(failure.headers['Retry-After']) : Number.NaN;
        const retryAfterSeconds = Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {};
        outcome = { status: 'error', error: { code: shown.code, message, ...retryAfterSeconds } };
        bus.publish(record.run_id, { event: 'error', data: { error: shown.code, message, ...(Number.isFinite(retryAfter) ? { retry_after_seconds: retryAfter } : {}) } });
        if (persistent) {
          await repository
            .updateThread(record.tenant_id, record.thread_id, { status: 'error' }, fence)
            .catch((updateError: unknown) => logError(`run ${record.run_id}: could not mark the thread:`, updateError));
        }
      }
    } finally {
      deadline.clear();
      executions.delete(record.run_id);
      if (superseded) {
        span.setAttribute(overseerAttributes.runStatus, 'superseded');
        span.end();
        dependencies.onSettled(record, outcome, true);
        return;
      }
      // Independent writes, issued together: one commit (SQLite) or concurrent round trips (Redis).
      await Promise.all([
        persistent && !deleted
          ? repository
            .updateRun(record.run_id, { status: outcome.status, error: outcome.error ?? null }, fence)
            .catch((updateError: unknown) => logError(`run ${record.run_id}: could not record its outcome:`, updateError))
          : undefined,
        dependencies.audit
          ?.append({
            tenantId: record.tenant_id,
            type: 'run.finished',
            runId: record.run_id,
            threadId: record.thread_id,
            actor: 'system',
            data: { status: outcome.status, error: outcome.error ?? null },
          })
          .catch((auditError: unknown) => logError(`run ${record.run_id}: could not audit its end:`, auditError)),
      ]);
      span.setAttribute(overseerAttributes.runStatus, outcome.status);
      if (outcome.error) failSpan(span, new Error(outcome.error.message), outcome.error.code);
      span.end();
      // Last before the end: the run's usage (a client reading the stream gets its cost with it).
      for (const event of (await observation?.settled(outcome)) ?? []) bus.publish(record.run_id, event);
      bus.end(record.run_id);
      await bus.flush?.(record.run_id).catch(() => undefined);
      dependencies.onSettled({ ...record, status: outcome.status }, outcome);
      if (record.kwargs.webhook) {
        void sendWebhook(
          record.kwargs.webhook,
          { ...record, status: outcome.status, values: outcome.values, error: outcome.error ?? null },
          dependencies.fetch,
          traceHeaders(record.kwargs.trace_context),
        );
      }
    }
  }

  async function stillCurrent(fence: RunFence): Promise<boolean> {
    return dependencies.isCurrent ? dependencies.isCurrent(fence).catch(() => true) : true;
  }

  /** After a cancel: roll back (deleting the run) or keep the state reached; true when the run was deleted. */
  async function settleCancelledThread(record: RunRecord, action: 'interrupt' | 'rollback'): Promise<boolean> {
    try {
      if (action === 'rollback') {
        await rollBack(record);
        return await repository.deleteRun(record.tenant_id, record.run_id);
      }
      const snapshot = await snapshotOf(record);
      await repository.updateThread(record.tenant_id, record.thread_id, {
        status: 'idle',
        values: snapshot?.values ?? null,
        interrupts: snapshot?.interruptsByTask ?? {},
      });
    } catch (cleanupError) {
      logError(`run ${record.run_id}: could not settle the thread after cancelling:`, cleanupError);
    }
    return false;
  }

  return {
    // Every line logged while the run executes names it, its thread and its tenant; everything it
    // does is traced under its `invoke_agent` span, in the trace of the request that created it
    // (carried in the record, so a worker executing it later joins that trace).
    execute(record: RunRecord, claim: RunClaim = { attempt: 1, maxAttempts: 1 }) {
      const agent = startAgentSpan({
        name: graphIdOf(record),
        id: record.assistant_id,
        conversationId: record.thread_id,
        tenantId: record.tenant_id,
        runId: record.run_id,
        attributes: { [overseerAttributes.runAttempt]: claim.attempt },
      }, contextFromCarrier(record.kwargs.trace_context));
      return context.with(agent.context, () =>
        withLogContext({ run_id: record.run_id, thread_id: record.thread_id, tenant: record.tenant_id }, () => execute(record, claim, agent.span)));
    },
    isExecuting: (runId: string) => executions.has(runId),
    /** Abort a running run; false when it is not executing here. */
    cancel(runId: string, action: 'interrupt' | 'rollback'): boolean {
      const execution = executions.get(runId);
      if (!execution) return false;
      execution.action = action;
      execution.controller.abort(new Error(`run cancelled (${action})`));
      return true;
    },
    /** What a finished run left on its thread, for runs no longer in memory. */
    async outcomeFromThread(record: RunRecord): Promise<RunOutcome> {
      if (record.status === 'error') return { status: 'error', error: record.error ?? { code: 'INTERNAL', message: 'Run failed' } };
      const snapshot = await snapshotOf(record);
      const values = snapshot && snapshot.interrupts.length > 0 ? { ...snapshot.values, __interrupt__: snapshot.interrupts } : snapshot?.values;
      return { status: record.status, values };
    },
  };
}

/** LangGraph refuses `interrupt()` without a checkpointer: a stateless run cannot pause. */
function needsThread(error: unknown): boolean {
  return (error as { lc_error_code?: string } | undefined)?.lc_error_code === 'MISSING_CHECKPOINTER';
}

function interruptWithoutThread(): AppError {
  return new AppError(
    'UNPROCESSABLE',
    'The graph paused for input (an interrupt), which needs a thread: run it on a thread or with on_completion "keep"',
  );
}
