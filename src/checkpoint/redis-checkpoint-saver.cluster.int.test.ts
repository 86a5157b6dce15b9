import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validate } from '@langchain/langgraph-checkpoint-validation';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import type { Cluster } from 'ioredis';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
import { startRedisTestCluster } from '../../test/support/redis-test-server.ts';
import type { RedisTestServer } from '../../test/support/redis-test-server.ts';

// The validation suite calls vitest's globals, and our vitest config keeps globals off.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it });

// A one-node Redis Cluster owning all slots. Cluster mode rejects any transaction,
// script or multi-key command whose declared keys span slots (CROSSSLOT), so passing
// the whole suite through an ioredis Cluster client proves each thread stays on one
// slot. The announced IP lets ioredis follow CLUSTER SLOTS back to this node.
let server: RedisTestServer;
let cluster: Cluster;

const initializer: CheckpointSaverTestInitializer<RedisCheckpointSaver> = {
  checkpointerName: 'redis-ioredis-cluster',
  beforeAllTimeout: 30_000,
  beforeAll: async () => {
    ({ server, cluster } = await startRedisTestCluster());
  },
  afterAll: async () => {
    cluster.disconnect();
    await server.dispose();
  },
  createCheckpointer: () => new RedisCheckpointSaver({ client: cluster, keyPrefix: `validation:${randomUUID()}`, ttlSeconds: 600 }),
};

validate(initializer);
