import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { startRedisTestCluster, type RedisTestServer } from '../../test/support/redis-test-server.ts';
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
  let server: RedisTestServer;
  let cluster: Cluster;
  beforeAll(async () => {
    ({ server, cluster } = await startRedisTestCluster());
  });
  afterAll(async () => {
    cluster.disconnect();
    await server.dispose();
  });
  describeAssistantRepositoryContract('redis cluster', async (clock) => ({
    repository: createRedisAssistantRepository({ client: cluster, keyPrefix: uniquePrefix(), clock }),
    cleanup: async () => undefined,
  }));
});
