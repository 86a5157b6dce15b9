import type { Cluster } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedisTestCluster, type RedisTestServer } from './redis-test-server.ts';

export interface RedisTestCluster {
  /** The Cluster client of the suite's private one-node cluster; only inside its tests. */
  readonly cluster: Cluster;
}

/**
 * A private one-node Redis Cluster owning every slot for the suite this is called in (started
 * `beforeAll`, removed with its data `afterAll`). A one-node cluster still refuses any MULTI,
 * script or multi-key command whose keys span slots (CROSSSLOT), so a contract suite passing
 * through its client shows each write stays within one hash tag.
 * @example
 * describe('on a Redis Cluster', () => {
 *   const redis = useRedisTestCluster();
 *   describeCronRepositoryContract('redis cluster', async (clock) => ({ repository: createRedisCronRepository({ client: redis.cluster, keyPrefix: 'crons:', clock }), cleanup: async () => {} }));
 * });
 */
export function useRedisTestCluster(): RedisTestCluster {
  let started: { server: RedisTestServer; cluster: Cluster } | undefined;
  beforeAll(async () => {
    started = await startRedisTestCluster();
  });
  afterAll(async () => {
    started?.cluster.disconnect();
    await started?.server.dispose();
    started = undefined;
  });
  return {
    get cluster() {
      if (!started) throw new Error('useRedisTestCluster: the cluster runs only inside the suite\'s tests');
      return started.cluster;
    },
  };
}
