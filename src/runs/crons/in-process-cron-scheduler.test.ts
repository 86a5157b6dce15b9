import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import type { CreateRunRequest } from '../run-manager.ts';
import type { RunRecord } from '../run-records.ts';
import { openDatabase } from '../../storage/index.ts';
import { cronRecord } from './cron-repository-contract.ts';
import { createCronTicker } from './fire-cron-tick.ts';
import { createInProcessCronScheduler } from './in-process-cron-scheduler.ts';
import { createSqliteCronRepository } from './sqlite-cron-repository.ts';

/** A run manager's `create` that records what it was asked and accepts it. */
function recordingRuns() {
  const requests: CreateRunRequest[] = [];
  return {
    requests,
    async create(request: CreateRunRequest) {
      requests.push(request);
      return { run_id: `run-${requests.length}`, thread_id: request.threadId ?? 'temporary' } as RunRecord;
    },
  };
}

async function until(condition: () => boolean) {
  for (let attempt = 0; attempt < 500 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the embedded cron scheduler after a restart', () => {
  let repository: ReturnType<typeof createSqliteCronRepository>;
  beforeEach(() => {
    repository = createSqliteCronRepository(openDatabase(':memory:'));
  });
  const now = new Date('2025-03-01T12:00:00.000Z');
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('fires once a tick that fell due moments before it started, skips one long past, and re-arms both', async () => {
    const yearly = '0 0 1 1 *';
    await repository.put(cronRecord({ cron_id: 'recent', schedule: yearly, thread_id: 'thread-1', next_run_date: new Date(now.getTime() - 10_000).toISOString() }));
    await repository.put(cronRecord({ cron_id: 'stale', schedule: yearly, next_run_date: new Date(now.getTime() - 2 * 3_600_000).toISOString() }));
    await repository.put(cronRecord({ cron_id: 'off', schedule: yearly, enabled: false, next_run_date: new Date(now.getTime() - 10_000).toISOString() }));
    const runs = recordingRuns();
    const scheduler = createInProcessCronScheduler({ repository, ticker: createCronTicker({ runs, repository }), now: () => now });
    close = () => scheduler.close();
    await scheduler.start();
    await until(() => runs.requests.length > 0);
    await scheduler.close();

    expect(runs.requests).toHaveLength(1);
    expect(runs.requests[0]).toMatchObject({
      tenantId: 'tenant-a',
      threadId: 'thread-1',
      scopes: ['runs:write'],
      actor: 'someone',
      callerId: 'key:1',
      metadata: { cron_id: 'recent', cron_scheduled_at: '2025-03-01T11:59:50.000Z' },
    });
    const nextYear = '2026-01-01T00:00:00.000Z';
    expect((await repository.get('tenant-a', 'recent'))?.next_run_date).toBe(nextYear);
    expect((await repository.get('tenant-a', 'stale'))?.next_run_date).toBe(nextYear);
    expect((await repository.get('tenant-a', 'off'))?.next_run_date).toBe('2025-03-01T11:59:50.000Z');
  });

  it('deletes a cron whose thread is gone instead of firing it forever', async () => {
    await repository.put(cronRecord({ cron_id: 'orphan', thread_id: 'deleted-thread', next_run_date: new Date(now.getTime() - 1_000).toISOString() }));
    const runs = { create: async () => Promise.reject(new AppError('NOT_FOUND', 'Thread deleted-thread not found')) };
    const scheduler = createInProcessCronScheduler({ repository, ticker: createCronTicker({ runs, repository }), now: () => now });
    close = () => scheduler.close();
    await scheduler.start();
    // close() waits for the tick start() set off.
    await scheduler.close();
    expect(await repository.get('tenant-a', 'orphan')).toBeUndefined();
  });
});
