import { defaultLogger, logError } from '../../observability/index.ts';
import type { CronRecord } from './cron-record.ts';
import type { CronRepository } from './cron-repository.ts';
import { defaultMissedTickGraceMs, type CronScheduler } from './cron-scheduler.ts';
import { nextTickAfter } from './cron-schedule.ts';
import type { CronTicker } from './fire-cron-tick.ts';

export interface InProcessCronSchedulerOptions {
  repository: CronRepository;
  ticker: CronTicker;
  missedTickGraceMs?: number;
  now?: () => Date;
}

interface Armed {
  /** Bumped by every (re)schedule: a tick in flight re-arms only if it is still the current one. */
  generation: number;
  timer?: NodeJS.Timeout;
}

// setTimeout's longest delay (about 24.8 days): a later tick waits in steps.
const longestDelayMs = 2 ** 31 - 1;

/**
 * The embedded scheduler: one timer per enabled cron, for the next tick its schedule gives.
 * Crons are stored, so `start()` after a restart re-arms each from its stored schedule; a
 * tick that fell while the process was down fires once at start if it is at most
 * `missedTickGraceMs` late, and is skipped otherwise (never one run per missed tick).
 * One process owns an embedded database (its process lease), so each tick fires once.
 */
export function createInProcessCronScheduler(options: InProcessCronSchedulerOptions): CronScheduler {
  const { repository, ticker } = options;
  const now = options.now ?? (() => new Date());
  const graceMs = options.missedTickGraceMs ?? defaultMissedTickGraceMs;
  const armed = new Map<string, Armed>();
  const inFlight = new Set<Promise<void>>();
  let started = false;
  let closed = false;
  const keyOf = (cron: Pick<CronRecord, 'tenant_id' | 'cron_id'>) => `${cron.tenant_id}\u0000${cron.cron_id}`;

  function disarm(key: string): Armed {
    const entry = armed.get(key) ?? { generation: 0 };
    clearTimeout(entry.timer);
    const next = { generation: entry.generation + 1 };
    armed.set(key, next);
    return next;
  }

  /** Wait for the first tick after `after`, fire it, and arm the one after it. */
  async function arm(cron: CronRecord, after: Date, entry: Armed): Promise<void> {
    const tick = cron.enabled ? nextTickAfter(cron.schedule, after, { timezone: cron.timezone, endTime: cron.end_time }) : undefined;
    const nextRunDate = tick?.toISOString() ?? null;
    if (cron.next_run_date !== nextRunDate) await repository.update(cron.tenant_id, cron.cron_id, { next_run_date: nextRunDate });
    if (!tick || closed || armed.get(keyOf(cron)) !== entry) return;
    const wait = () => {
      const delay = tick.getTime() - now().getTime();
      if (delay > 0) {
        entry.timer = setTimeout(wait, Math.min(delay, longestDelayMs));
        entry.timer.unref();
        return;
      }
      track(fireAndRearm(cron, tick, entry));
    };
    wait();
  }

  async function fireAndRearm(cron: CronRecord, tick: Date, entry: Armed): Promise<void> {
    const key = keyOf(cron);
    try {
      const outcome = await ticker.fire(cron.tenant_id, cron.cron_id, tick);
      if (!outcome.fired && outcome.reason !== 'refused') {
        if (armed.get(key) === entry) armed.delete(key);
        return;
      }
    } catch (error) {
      logError(`cron ${cron.cron_id}: tick of ${tick.toISOString()} failed`, error);
    }
    if (closed || armed.get(key) !== entry) return;
    const current = await repository.get(cron.tenant_id, cron.cron_id);
    // From now, not from this tick: ticks that passed while it fired are skipped, never fired in a burst.
    const after = new Date(Math.max(tick.getTime(), now().getTime()));
    if (current && armed.get(key) === entry) await arm(current, after, entry);
  }

  function track(work: Promise<void>) {
    const tracked = work.catch((error: unknown) => logError('cron scheduler:', error)).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }

  return {
    async schedule(cron) {
      if (!started || closed) return;
      const entry = disarm(keyOf(cron));
      if (!cron.enabled) {
        armed.delete(keyOf(cron));
        return;
      }
      await arm(cron, now(), entry);
    },
    async unschedule(cron) {
      disarm(keyOf(cron));
      armed.delete(keyOf(cron));
    },
    async start() {
      if (started) return;
      started = true;
      let skipped = 0;
      for (const cron of await repository.enabled()) {
        const entry = disarm(keyOf(cron));
        const missed = cron.next_run_date ? new Date(cron.next_run_date) : undefined;
        const lateMs = missed ? now().getTime() - missed.getTime() : 0;
        if (missed && lateMs > 0 && lateMs <= graceMs) {
          // Fell due while this process was stopped, a moment ago: fire it once, then go on.
          track(fireAndRearm(cron, missed, entry));
          continue;
        }
        if (missed && lateMs > graceMs) skipped += 1;
        await arm(cron, now(), entry);
      }
      if (skipped > 0) defaultLogger().info({ crons: skipped }, 'cron ticks missed while the server was stopped were skipped');
    },
    async close() {
      closed = true;
      for (const entry of armed.values()) clearTimeout(entry.timer);
      armed.clear();
      await Promise.all([...inFlight]);
    },
  };
}
