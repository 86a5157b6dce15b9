import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { startRedisTestCluster, type RedisTestServer } from '../../../test/support/redis-test-server.ts';
import { deleteKeysMatching } from '../../../test/support/redis-keys.ts';
import { describeCronRepositoryContract } from './cron-repository-contract.ts';
import { createRedisCronRepository } from './redis-cron-repository.ts';

const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const testPrefix = `test:cron-repository:${randomUUID()}:`;
const uniquePrefix = () => `${testPrefix}${randomUUID()}:`;
afterAll(async () => {
  await deleteKeysMatching(client, `${testPrefix}*`);
  await client.quit();
});

describeCronRepositoryContract('redis', async (clock) => {
  const keyPrefix = uniquePrefix();
  return { repository: createRedisCronRepository({ client, keyPrefix, clock }), cleanup: async () => void (await deleteKeysMatching(client, `${keyPrefix}*`)) };
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
