import { describe } from 'vitest';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { useRedisTestCluster } from '../../test/support/redis-test-cluster.ts';
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
  const redis = useRedisTestCluster();
  describeUsageStoreContract('redis cluster', async () => ({
    store: createRedisUsageStore({ client: redis.cluster, keyPrefix: uniquePrefix() }),
    cleanup: async () => undefined,
  }));
});
