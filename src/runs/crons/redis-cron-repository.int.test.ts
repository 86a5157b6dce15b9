import { describe } from 'vitest';
import { useRedisTestCluster } from '../../../test/support/redis-test-cluster.ts';
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
  const redis = useRedisTestCluster();
  describeCronRepositoryContract('redis cluster', async (clock) => ({
    repository: createRedisCronRepository({ client: redis.cluster, keyPrefix: uniquePrefix(), clock }),
    cleanup: async () => {},
  }));
});
