import { describe } from 'vitest';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { useRedisTestCluster } from '../../test/support/redis-test-cluster.ts';
import { describeAssistantRepositoryContract } from './assistant-repository-contract.ts';
import { createRedisAssistantRepository } from './redis-assistant-repository.ts';

const { client, uniquePrefix, deleteKeysUnder } = useRedisTestPrefix('assistant-repository');

describeAssistantRepositoryContract('redis', async (clock) => {
  const keyPrefix = uniquePrefix();
  return { repository: createRedisAssistantRepository({ client, keyPrefix, clock }), cleanup: () => deleteKeysUnder(keyPrefix) };
});

// A one-node cluster rejects any script or MULTI whose keys span slots (CROSSSLOT): the contract
// passing through a Cluster client shows every write stays within the tenant's hash tag.
describe('on a Redis Cluster', () => {
  const redis = useRedisTestCluster();
  describeAssistantRepositoryContract('redis cluster', async (clock) => ({
    repository: createRedisAssistantRepository({ client: redis.cluster, keyPrefix: uniquePrefix(), clock }),
    cleanup: async () => undefined,
  }));
});
