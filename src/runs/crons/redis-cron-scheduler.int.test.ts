import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { redisTestUrl as url, useRedisTestPrefix } from '../../../test/support/redis-test-prefix.ts';
import { bullmqConnection } from '../bullmq-connection.ts';
import type { CreateRunRequest } from '../run-manager.ts';
import type { RunRecord } from '../run-records.ts';
import { cronRecord } from './cron-repository-contract.ts';
import { createCronTicker } from './fire-cron-tick.ts';
import { createRedisCronRepository } from './redis-cron-repository.ts';
import { createRedisCronScheduler } from './redis-cron-scheduler.ts';

const { client, uniquePrefix } = useRedisTestPrefix('cron-scheduler');

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Two workers' schedulers on one prefix, each creating runs through a run manager that records them. */
function twoWorkers(keyPrefix: string) {
  const repository = createRedisCronRepository({ client, keyPrefix: `${keyPrefix}crons:` });
  const requests: CreateRunRequest[] = [];
  const runs = {
    async create(request: CreateRunRequest) {
      requests.push(request);
      return { run_id: randomUUID(), thread_id: request.threadId ?? 'temporary' } as RunRecord;
    },
  };
  const schedulers = [0, 1].map(() => createRedisCronScheduler({ url, keyPrefix, client, repository, ticker: createCronTicker({ runs, repository }), executes: true }));
  return { repository, requests, schedulers, close: () => Promise.all(schedulers.map((scheduler) => scheduler.close())) };
}

describe('crons on BullMQ job schedulers', () => {
  it('fires each tick of a per-second cron once across two workers, and records the next tick', async () => {
    const keyPrefix = uniquePrefix();
    const { repository, requests, schedulers, close } = twoWorkers(keyPrefix);
    try {
      const cron = cronRecord({ cron_id: randomUUID(), schedule: '* * * * * *', thread_id: 'thread-1' });
      await repository.put(cron);
      await Promise.all(schedulers.map((scheduler) => scheduler.start()));
      await schedulers[0]!.schedule(cron);
      await until(() => new Set(requests.map((request) => request.metadata?.cron_scheduled_at)).size >= 3);
      await schedulers[1]!.unschedule(cron);
      const ticks = requests.map((request) => request.metadata?.cron_scheduled_at as string);
      expect(new Set(ticks).size).toBe(ticks.length);
      // Each run is stamped with its tick's scheduled second, not with when a worker took it.
      for (const tick of ticks) expect(tick).toMatch(/:\d\d\.000Z$/);
      expect(requests.every((request) => request.tenantId === 'tenant-a' && request.threadId === 'thread-1')).toBe(true);
      const stored = await repository.get('tenant-a', cron.cron_id);
      expect(Date.parse(stored!.next_run_date!)).toBeGreaterThan(Date.parse(ticks.sort().at(-1)!));
    } finally {
      await close();
    }
  }, 30_000);

  it('makes one run of a tick BullMQ hands out twice (a retried or stalled job)', async () => {
    const keyPrefix = uniquePrefix();
    const { repository, requests, schedulers, close } = twoWorkers(keyPrefix);
    const queue = new Queue('crons', bullmqConnection(url, keyPrefix));
    try {
      const cron = cronRecord({ cron_id: randomUUID(), schedule: '0 0 1 1 *' });
      await repository.put(cron);
      await Promise.all(schedulers.map((scheduler) => scheduler.start()));
      const tickMs = Date.now() - 1_000;
      // Two deliveries of the same tick, as BullMQ gives a job whose worker stalled past its lock.
      for (const delivery of ['first', 'again']) {
        const job = await queue.add('tick', { tenantId: 'tenant-a', cronId: cron.cron_id }, { jobId: `${delivery}-${cron.cron_id}`, prevMillis: tickMs });
        await until(async () => (await job.getState()) === 'completed');
      }
      expect(requests).toHaveLength(1);
      expect(requests[0]!.metadata?.cron_scheduled_at).toBe(new Date(tickMs).toISOString());
    } finally {
      await queue.close();
      await close();
    }
  }, 30_000);

  it('removes the schedule of a cron whose record is gone at its next tick', async () => {
    const keyPrefix = uniquePrefix();
    const { repository, requests, schedulers, close } = twoWorkers(keyPrefix);
    const queue = new Queue('crons', bullmqConnection(url, keyPrefix));
    try {
      const cron = cronRecord({ cron_id: randomUUID(), schedule: '* * * * * *' });
      await schedulers[0]!.schedule(cron);
      expect(await queue.getJobSchedulersCount()).toBe(1);
      await Promise.all(schedulers.map((scheduler) => scheduler.start()));
      await until(async () => (await queue.getJobSchedulersCount()) === 0);
      expect(requests).toEqual([]);
      expect(await repository.get('tenant-a', cron.cron_id)).toBeUndefined();
    } finally {
      await queue.close();
      await close();
    }
  }, 30_000);
});
