import type { CronRecord } from './cron-record.ts';

/**
 * Fires each cron's ticks. The embedded scheduler keeps a timer per cron in this process (the
 * crons are in SQLite, so a restarted process re-arms them); the Redis one hands each cron to a
 * BullMQ job scheduler, so each tick is one job that one worker takes, whatever the replicas.
 */
export interface CronScheduler {
  /** Arm the cron's ticks, or re-arm them after an update (a disabled cron is disarmed). */
  schedule(cron: CronRecord): Promise<void>;
  unschedule(cron: Pick<CronRecord, 'tenant_id' | 'cron_id'>): Promise<void>;
  /** Begin firing ticks in this process (after it owns its store: `services.recoverRuns()`). */
  start(): Promise<void>;
  /** Stop firing; ticks being fired finish first. */
  close(): Promise<void>;
}

/**
 * How late a tick may still fire: one that fell while no process could fire it (a restart, a
 * deploy) fires once when a process is back within this, and is skipped after it, so a
 * long outage never ends in a burst of stale runs.
 */
export const defaultMissedTickGraceMs = 60_000;
