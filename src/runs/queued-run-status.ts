import { logError } from '../observability/index.ts';
import type { RunEventBus } from './run-event-bus.ts';

/**
 * Why a run has not started yet: `worker` — it waits in the queue for a free slot (a worker
 * process, or `RUN_CONCURRENCY` in one process), `position` runs ahead of it; `thread` — runs
 * of its thread go first (`enqueue`), `position` of them ahead; `schedule` — its
 * `after_seconds` have not passed.
 */
export interface QueuedRunPlace {
  waiting_for: 'worker' | 'thread' | 'schedule';
  position: number | null;
}

/** The data of a queued run's `status` event. */
export interface QueuedRunStatus extends QueuedRunPlace {
  run_id: string;
  status: 'queued';
  /** Since the run was created. */
  waited_ms: number;
}

/** A run being watched: its id and whatever the caller needs to tell where it waits. */
export interface WatchedRun {
  runId: string;
}

export interface QueuedRunStatusOptions<Run extends WatchedRun> {
  bus: Pick<RunEventBus, 'publishUnclaimed'>;
  /**
   * Where the run waits now; `undefined` once it started or settled (no more status), `null`
   * when it cannot be told this moment (asked again at the next tick).
   */
  placeOf: (run: Run) => Promise<QueuedRunPlace | null | undefined>;
  /** Between two status events of one run (default 1 s). */
  intervalMs?: number;
  /** Before the first (default 100 ms): a run that starts sooner was never really queued. */
  firstAfterMs?: number;
  clock?: () => number;
}

export interface QueuedRunStatusReporter<Run extends WatchedRun> {
  /** Publish `status` events for the run until it starts (or its stream ends). */
  watch(run: Run): void;
  close(): void;
}

/**
 * Honest streams while queued: the process that created a run tells its stream where the run
 * waits (`event: status`, `{ status: "queued", waiting_for, position, waited_ms }`) every
 * `intervalMs` until a worker starts it. The events go through `publishUnclaimed`, so on Redis
 * they stop the moment a worker claims the run and never interleave with the worker's own.
 * @example const reporter = createQueuedRunStatusReporter({ bus, placeOf: async () => ({ waiting_for: 'worker', position: 0 }) });
 */
export function createQueuedRunStatusReporter<Run extends WatchedRun>(options: QueuedRunStatusOptions<Run>): QueuedRunStatusReporter<Run> {
  const intervalMs = options.intervalMs ?? 1_000;
  const firstAfterMs = Math.min(options.firstAfterMs ?? 100, intervalMs);
  const clock = options.clock ?? Date.now;
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

  function next(run: Run, since: number, delayMs: number) {
    if (closed) return;
    const timer = setTimeout(() => void tick(run, since), delayMs);
    timer.unref();
    timers.set(run.runId, timer);
  }

  async function tick(run: Run, since: number) {
    const { runId } = run;
    timers.delete(runId);
    try {
      const place = await options.placeOf(run);
      if (place === undefined) return;
      if (place !== null) {
        const data: QueuedRunStatus = { run_id: runId, status: 'queued', ...place, waited_ms: clock() - since };
        if (!(await options.bus.publishUnclaimed(runId, { event: 'status', data }))) return;
      }
    } catch (error) {
      // A status is a courtesy: a storage blip skips one, the run itself is unaffected.
      logError(`run ${runId}: could not report its place in the queue:`, error);
    }
    next(run, since, intervalMs);
  }

  return {
    watch(run) {
      if (timers.has(run.runId)) return;
      next(run, clock(), firstAfterMs);
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
