import { Queue, Worker, type Job } from 'bullmq';
import { logError } from '../observability/index.ts';
import { bullmqConnection } from './bullmq-connection.ts';
import type { RunQueue } from './run-queue.ts';
import { closeWithin } from './close-within.ts';

// BullMQ's close waits for Redis; during an outage the service must still be able to stop.
const closeTimeoutMs = 3_000;
const statsTimeoutMs = 1_000;

/** What a queued run's job carries: enough to find its record (or the record itself for a stateless run, which has none stored). */
export interface RunJob {
  runId: string;
  tenantId: string;
  record?: unknown;
  /**
   * A stateless run's: the API answers 2xx only after accepting the run by then (ms since the
   * epoch, Redis's clock); a worker executes the job only once it is accepted (see `RunAcceptance`).
   */
  acceptBy?: number;
}

export interface RedisRunQueueOptions {
  url: string;
  /** e.g. `overseer:`; BullMQ's keys go under `<prefix>bull:runs:…`. */
  keyPrefix: string;
  /** A worker's lock on a job; renewed at half this while the worker is alive, taken over after it (stalled-job recovery). */
  leaseMs: number;
  /** BullMQ attempts for a job whose processor throws (infrastructure failures); a stalled job is taken up again whatever this says. */
  maxAttempts: number;
  concurrency: number;
  /** Present in worker processes only: an API process enqueues and never executes. */
  execute?: (job: RunJob) => Promise<void>;
}

export interface RedisRunQueue extends RunQueue {
  /** `enqueue`, waited for: resolves once Redis holds the job, rejects when it could not be queued. */
  add(runId: string, job: { tenantId: string; delayMs?: number; record?: unknown; acceptBy?: number }): Promise<void>;
  /** Drop a run's job that no worker has taken yet (a pending run cancelled); false when it is running or gone. */
  remove(runId: string): Promise<boolean>;
  /** Stop taking jobs and close the connections; jobs being executed here finish first unless `force`. */
  close(force?: boolean): Promise<void>;
  /** Take no more jobs (a draining worker); the jobs executing here go on, and it resolves once they end. */
  pause(): Promise<void>;
}

const queueName = 'runs';
const stalledJobLimit = 1_000;
// A run further back than this is reported without a position.
const positionsKnown = 10_000;

/**
 * The run queue on BullMQ: one job per run (job id = run id, so enqueuing twice is harmless),
 * delayed for `after_seconds`, retried with exponential backoff when the processor throws, and
 * taken over by another worker when its worker stops renewing the lock (killed, paused,
 * partitioned). BullMQ's lock guards the job only; every write of the run itself is fenced
 * separately (see `redis-run-claims.ts`). BullMQ makes its own connections (see `bullmqConnection`).
 */
export function createRedisRunQueue(options: RedisRunQueueOptions): RedisRunQueue {
  const { connection, prefix } = bullmqConnection(options.url, options.keyPrefix);
  const queue = new Queue<RunJob>(queueName, { connection, prefix });
  queue.on('error', (error) => logError('run queue:', error));
  let running = 0;
  // One read of the waiting list (ids only, oldest first: the order workers take them in) serves
  // every queued run's status for a moment, not one read per run.
  let order: { at: number; ids: Promise<Map<string, number>> } | undefined;
  function waitingOrder(): Promise<Map<string, number>> {
    if (!order || Date.now() - order.at > 250) {
      const ids = queue.getRanges(['waiting'], 0, positionsKnown - 1, true).then((list) => new Map(list.map((id, index) => [id, index])));
      order = { at: Date.now(), ids };
      ids.catch(() => (order = undefined));
    }
    return order.ids;
  }
  let idleWaiters: Array<() => void> = [];
  const worker = options.execute
    ? new Worker<RunJob>(
      queueName,
      async (job: Job<RunJob>) => {
        running += 1;
        try {
          await options.execute!(job.data);
        } finally {
          running -= 1;
          if (running === 0) for (const resolve of idleWaiters.splice(0)) resolve();
        }
      },
      {
        connection,
        prefix,
        concurrency: options.concurrency,
        lockDuration: options.leaseMs,
        stalledInterval: Math.max(100, Math.floor(options.leaseMs / 2)),
        // The run's own count (RUN_MAX_ATTEMPTS attempts in a row that saved no checkpoint) decides when a
        // crashing run gives up, with a clear error; a run that progresses may be taken over many times,
        // and a job BullMQ failed for stalling would leave its run `running` with no worker.
        maxStalledCount: stalledJobLimit,
      },
    )
    : undefined;
  worker?.on('error', (error) => logError('run worker:', error));

  async function add(runId: string, job?: { tenantId: string; delayMs?: number; record?: unknown; acceptBy?: number }): Promise<void> {
    const data: RunJob = {
      runId,
      tenantId: job?.tenantId ?? '',
      ...(job?.record ? { record: job.record } : {}),
      ...(job?.acceptBy === undefined ? {} : { acceptBy: job.acceptBy }),
    };
    await queue.add('run', data, {
      jobId: runId,
      delay: job?.delayMs,
      attempts: options.maxAttempts,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: true,
      removeOnFail: 1_000,
    });
  }

  return {
    add,
    enqueue(runId, job) {
      void add(runId, job).catch((error: unknown) => logError(`run ${runId} could not be queued:`, error));
    },
    async remove(runId) {
      const job = await queue.getJob(runId);
      if (!job) return false;
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
      return (await queue.remove(runId)) === 1;
    },
    async position(runId) {
      return (await waitingOrder()).get(runId);
    },
    async stats() {
      // Waiting for any worker of the shared queue; delayed runs (after_seconds) are not waiting yet.
      // BullMQ's connection queues commands through an outage, so a scrape would hang: it gives up instead.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the run queue (Redis) did not answer within 1 s')), statsTimeoutMs);
      });
      try {
        const counts = await Promise.race([queue.getJobCounts('waiting', 'prioritized'), timeout]);
        return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), running };
      } finally {
        clearTimeout(timer);
      }
    },
    idle: () => (running === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    async pause() {
      // Not pause(true): that leaves BullMQ's blocking fetch in flight, and it still takes the next job.
      await worker?.pause();
    },
    async close(force = false) {
      await closeWithin(worker, closeTimeoutMs, force);
      await closeWithin(queue, closeTimeoutMs);
    },
  };
}
