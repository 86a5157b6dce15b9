import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedisTestCluster } from '../../test/support/redis-test-cluster.ts';
import { AppError } from '../errors.ts';
import { createRedisRunRepository } from './redis-run-repository.ts';
import { describeRunRepositoryContract, runRecord, threadRecord } from './run-repository-contract.ts';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';

// `keysUnder` is the test's SCAN of what a prefix holds; the repository itself never scans.
const { client, uniquePrefix, keysUnder, deleteKeysUnder } = useRedisTestPrefix('run-repository');

describeRunRepositoryContract('redis', async (clock) => {
  const keyPrefix = uniquePrefix();
  return { repository: createRedisRunRepository({ client, keyPrefix, clock }), cleanup: () => deleteKeysUnder(keyPrefix) };
});

// A one-node cluster owning every slot rejects any MULTI, script or multi-key command whose
// keys span slots (CROSSSLOT), so the whole contract passing through a Cluster client shows
// that each write stays within the tenant's or the global hash tag.
describe('on a Redis Cluster', () => {
  const redis = useRedisTestCluster();

  // Each test has its own prefix on a private server that is removed after the file.
  describeRunRepositoryContract('redis cluster', async (clock) => ({
    repository: createRedisRunRepository({ client: redis.cluster, keyPrefix: uniquePrefix(), clock }),
    cleanup: async () => {},
  }));
});

describe('redis run repository keys and failures', () => {
  it('leaves no key behind once every thread and run is deleted', async () => {
    const keyPrefix = uniquePrefix();
    const repository = createRedisRunRepository({ client, keyPrefix });
    for (const tenantId of ['tenant-a', 'tenant-b']) {
      await repository.createThread(threadRecord({ thread_id: 'thread-1', tenant_id: tenantId, metadata: { a: 1 } }));
      await repository.createThread(threadRecord({ thread_id: 'thread-2', tenant_id: tenantId }));
      await repository.putRun(runRecord({ run_id: `${tenantId}-run-1`, tenant_id: tenantId, thread_id: 'thread-1', status: 'running' }));
      await repository.putRun(runRecord({ run_id: `${tenantId}-run-2`, tenant_id: tenantId, thread_id: 'thread-1', status: 'success' }));
      await repository.putRun(runRecord({ run_id: `${tenantId}-run-3`, tenant_id: tenantId, thread_id: 'thread-2', status: 'pending' }));
      await repository.updateThread(tenantId, 'thread-1', { status: 'busy', metadata: { b: 2 } });
      await repository.updateRun(`${tenantId}-run-1`, { status: 'error', error: { code: 'INTERNAL', message: 'boom' } });
    }
    expect((await keysUnder(keyPrefix)).length).toBeGreaterThan(0);
    for (const tenantId of ['tenant-a', 'tenant-b']) {
      expect(await repository.deleteRun(tenantId, `${tenantId}-run-3`)).toBe(true);
      expect(await repository.deleteThread(tenantId, 'thread-1')).toBe(true);
      expect(await repository.deleteThread(tenantId, 'thread-2')).toBe(true);
    }
    expect(await keysUnder(keyPrefix)).toEqual([]);
  });

  it('refuses with CONFLICT a run id that another tenant already owns', async () => {
    const keyPrefix = uniquePrefix();
    const repository = createRedisRunRepository({ client, keyPrefix });
    await repository.putRun(runRecord({ run_id: 'run-1', thread_id: 'thread-1' }));
    const intruder = runRecord({ run_id: 'run-1', tenant_id: 'tenant-b', thread_id: 'thread-1' });
    await expect(repository.putRun(intruder)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await repository.getRun('tenant-b', 'run-1')).toBeUndefined();
  });

  it('drops entries a crash left in the global active set for finished or deleted runs', async () => {
    const keyPrefix = uniquePrefix();
    const repository = createRedisRunRepository({ client, keyPrefix });
    await repository.putRun(runRecord({ run_id: 'run-1', thread_id: 'thread-1', status: 'success' }));
    // What a process that died between the record write and the global update leaves behind.
    await client.sadd(`${keyPrefix}{global}:active-runs`, 'run-1', 'deleted-run');
    expect(await repository.staleRuns()).toEqual([]);
    expect(await client.smembers(`${keyPrefix}{global}:active-runs`)).toEqual([]);
  });

  it('reports a Redis failure as STORAGE_ERROR with the cause kept', async () => {
    const closed = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const repository = createRedisRunRepository({ client: closed, keyPrefix: uniquePrefix() });
    const failure = await repository.getThread('tenant-a', 'thread-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'STORAGE_ERROR', message: 'Run store unavailable' });
    expect((failure as AppError).cause).toBeInstanceOf(Error);
    closed.disconnect();
  });

  it('rejects a key prefix with braces, which would move the hash tag', () => {
    expect(() => createRedisRunRepository({ client, keyPrefix: 'overseer:{runs}:' })).toThrow(AppError);
  });
});
