import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { startRedisTestCluster, type RedisTestServer } from '../../../test/support/redis-test-server.ts';
import { useRedisTestPrefix } from '../../../test/support/redis-test-prefix.ts';
import { describeCronRepositoryContract } from './cron-repository-contract.ts';
import { createRedisCronRepository } from './redis-cron-repository.ts';

const { client, uniquePrefix, deleteKeysUnder } = useRedisTestPrefix('cron-repository');

describeCronRepositoryContract('redis', async (clock) => {
  const keyPrefix = uniquePrefix();
  return { repository: createRedisCronRepository({ client, keyPrefix, clock }), cleanup: () => deleteKeysUnder(keyPrefix) };
});

// A one-node cluster refuses any MULTI or script whose keys span slots (CROSSSLOT).
describe('on a Redis Cluster', () => {
  let server: RedisTestServer;
  let cluster: Cluster;
  beforeAll(async () => {
    ({ server, cluster } = await startRedisTestCluster());
  });
  afterAll(async () => {
    cluster.disconnect();
    await server.dispose();
  });
  describeCronRepositoryContract('redis cluster', async (clock) => ({
    repository: createRedisCronRepository({ client: cluster, keyPrefix: uniquePrefix(), clock }),
    cleanup: async () => {},
  }));
});
