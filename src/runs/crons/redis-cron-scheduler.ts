import { Queue, Worker, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { defaultLogger, logError } from '../../observability/index.ts';
import type { CronRecord } from './cron-record.ts';
import type { CronRepository } from './cron-repository.ts';
import { defaultMissedTickGraceMs, type CronScheduler } from './cron-scheduler.ts';
import { nextTickAfter } from './cron-schedule.ts';
import type { CronTicker } from './fire-cron-tick.ts';
import { bullmqConnection } from '../bullmq-connection.ts';
import { closeWithin } from '../close-within.ts';

// BullMQ's close waits for Redis; during an outage the service must still be able to stop.
const closeTimeoutMs = 3_000;

export interface RedisCronSchedulerOptions {
  url: string;
  /** e.g. `overseer:`; BullMQ's keys go under `<prefix>bull:crons:…`, tick claims under `<prefix>cron-ticks:`. */
  keyPrefix: string;
  /** For the tick claims (SET NX). */
  client: Redis | Cluster;
  repository: CronRepository;
  ticker: CronTicker;
  /** Whether this process fires ticks (ROLE worker or all); an API process only registers schedules. */
  executes: boolean;
  missedTickGraceMs?: number;
  /** How long a tick's claim is kept: longer than BullMQ could ever retry the tick's job. */
  claimTtlMs?: number;
}

interface TickJob {
  tenantId: string;
  cronId: string;
}

const queueName = 'crons';

/**
 * Crons on BullMQ job schedulers: each cron is one scheduler (its pattern, time zone and end
 * date), which keeps exactly one delayed job for the next tick in Redis, job id
 * `repeat:<scheduler>:<tick ms>`. Whichever worker takes that job schedules the next one and
 * fires this one, so a tick is one job across any number of replicas, and schedules survive
 * every process restarting. BullMQ may run a job twice (a worker stalled past its lock, a
 * retry after a transient failure), so the tick is also claimed with SET NX on its scheduled
 * time before its run is created: a tick makes at most one run. The price is that a worker
 * killed between the claim and the run's creation loses that tick; one refused for a
 * passing reason (draining, storage) drops its claim and is retried.
 */
export function createRedisCronScheduler(options: RedisCronSchedulerOptions): CronScheduler {
  const { connection, prefix } = bullmqConnection(options.url, options.keyPrefix);
  const graceMs = options.missedTickGraceMs ?? defaultMissedTickGraceMs;
  const claimTtlMs = options.claimTtlMs ?? 7 * 24 * 3_600_000;
  const { repository, ticker } = options;
  const queue = new Queue<TickJob>(queueName, { connection, prefix });
  queue.on('error', (error) => logError('cron queue:', error));
  let worker: Worker<TickJob> | undefined;
  // Colons stay apart: the job id BullMQ makes is `repeat:<scheduler id>:<tick ms>`.
  const schedulerIdOf = (cron: Pick<CronRecord, 'tenant_id' | 'cron_id'>) => `${encodeURIComponent(cron.tenant_id)}:${encodeURIComponent(cron.cron_id)}`;

  async function recordNextTick(tenantId: string, cronId: string): Promise<CronRecord | undefined> {
    const cron = await repository.get(tenantId, cronId);
    if (!cron) return undefined;
    const next = cron.enabled ? nextTickAfter(cron.schedule, new Date(), { timezone: cron.timezone, endTime: cron.end_time }) : undefined;
    const nextRunDate = next?.toISOString() ?? null;
    if (cron.next_run_date !== nextRunDate) await repository.update(tenantId, cronId, { next_run_date: nextRunDate });
    return cron;
  }

  async function processTick(job: Job<TickJob>): Promise<void> {
    const { tenantId, cronId } = job.data;
    // The tick's own time (a job scheduler's job carries it; its id ends with it too), not when a worker took it.
    const scheduledMs = job.opts.prevMillis ?? (Number(String(job.id).split(':').pop()) || job.timestamp);
    const scheduledAt = new Date(scheduledMs);
    const lateMs = Date.now() - scheduledMs;
    if (lateMs > graceMs) {
      defaultLogger().info({ cron_id: cronId, tenant: tenantId, scheduled_at: scheduledAt.toISOString(), late_ms: lateMs }, 'cron tick skipped: no worker could fire it in time');
      await recordNextTick(tenantId, cronId);
      return;
    }
    const claim = `${options.keyPrefix}cron-ticks:${schedulerIdOf({ tenant_id: tenantId, cron_id: cronId })}:${scheduledMs}`;
    if ((await options.client.set(claim, String(job.id), 'PX', claimTtlMs, 'NX')) !== 'OK') return;
    let outcome;
    try {
      outcome = await ticker.fire(tenantId, cronId, scheduledAt);
    } catch (error) {
      // Not fired: let BullMQ's retry (or another worker) fire it.
      await options.client.del(claim);
      throw error;
    }
    if (!outcome.fired && outcome.reason === 'gone') {
      await queue.removeJobScheduler(schedulerIdOf({ tenant_id: tenantId, cron_id: cronId }));
      return;
    }
    await recordNextTick(tenantId, cronId);
  }

  async function schedule(cron: CronRecord): Promise<void> {
    const schedulerId = schedulerIdOf(cron);
    const ended = cron.end_time !== null && Date.parse(cron.end_time) <= Date.now();
    if (!cron.enabled || ended) {
      await queue.removeJobScheduler(schedulerId);
      return;
    }
    await queue.upsertJobScheduler(
      schedulerId,
      { pattern: cron.schedule, tz: cron.timezone ?? 'UTC', ...(cron.end_time ? { endDate: cron.end_time } : {}) },
      {
        name: 'tick',
        data: { tenantId: cron.tenant_id, cronId: cron.cron_id },
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: 1_000 },
      },
    );
  }

  return {
    schedule,
    async unschedule(cron) {
      await queue.removeJobScheduler(schedulerIdOf(cron));
    },
    async start() {
      if (!options.executes || worker) return;
      // A cron whose record was stored but whose scheduler never was (the process stopped in between) gets one now.
      for (const cron of await repository.enabled()) {
        if (!(await queue.getJobScheduler(schedulerIdOf(cron)))) await schedule(cron);
      }
      worker = new Worker<TickJob>(queueName, processTick, { connection, prefix, concurrency: 4 });
      worker.on('error', (error) => logError('cron worker:', error));
      worker.on('failed', (job, error) => logError(`cron tick ${job?.id ?? ''} failed:`, error));
    },
    async close() {
      await closeWithin(worker, closeTimeoutMs);
      await closeWithin(queue, closeTimeoutMs);
    },
  };
}
