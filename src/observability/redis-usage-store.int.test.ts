import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { startRedisTestCluster, type RedisTestServer } from '../../test/support/redis-test-server.ts';
import { createRedisUsageStore } from './redis-usage-store.ts';
import { describeUsageStoreContract } from './usage-store-conformance.ts';

const { client, uniquePrefix, deleteKeysUnder } = useRedisTestPrefix('usage-store');

describeUsageStoreContract('redis', async () => {
  const keyPrefix = uniquePrefix();
  return { store: createRedisUsageStore({ client, keyPrefix }), cleanup: () => deleteKeysUnder(keyPrefix) };
});

// A one-node cluster rejects a MULTI whose keys span slots (CROSSSLOT): the contract passing
// through a Cluster client shows each call's increments stay within the tenant's hash tag.
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
  describeUsageStoreContract('redis cluster', async () => ({
    store: createRedisUsageStore({ client: cluster, keyPrefix: uniquePrefix() }),
    cleanup: async () => undefined,
  }));
});
