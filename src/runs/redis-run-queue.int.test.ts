import { describe, expect, it, vi } from 'vitest';
import { redisTestUrl as url, useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { createRedisRunQueue, type RunJob } from './redis-run-queue.ts';

const { prefix: keyPrefix } = useRedisTestPrefix('run-queue');

describe('Redis run queue', () => {
  it('counts the runs waiting in the shared queue, not the delayed ones, from any process', async () => {
    const api = createRedisRunQueue({ url, keyPrefix, leaseMs: 5_000, maxAttempts: 1, concurrency: 1 });
    const started: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      expect(await api.stats()).toEqual({ waiting: 0, running: 0 });
      for (const runId of ['first', 'second', 'third']) api.enqueue(runId, { tenantId: 'acme' });
      api.enqueue('later', { tenantId: 'acme', delayMs: 60_000 });
      // enqueue is fire-and-forget: wait until the adds have reached Redis.
      await vi.waitFor(async () => expect(await api.stats()).toEqual({ waiting: 3, running: 0 }), { timeout: 10_000 });

      // A worker of one slot takes the oldest and holds it: two still wait, for both processes.
      const worker = createRedisRunQueue({
        url, keyPrefix, leaseMs: 5_000, maxAttempts: 1, concurrency: 1,
        execute: async (job: RunJob) => {
          started.push(job.runId);
          await held;
        },
      });
      try {
        await vi.waitFor(() => expect(started).toEqual(['first']), { timeout: 10_000 });
        expect(await worker.stats()).toEqual({ waiting: 2, running: 1 });
        expect(await api.stats()).toEqual({ waiting: 2, running: 0 });
        expect(await api.position('third')).toBe(1);
      } finally {
        release();
        await worker.close(true);
      }
    } finally {
      await api.close(true);
    }
  });
});
