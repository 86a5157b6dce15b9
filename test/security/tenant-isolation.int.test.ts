import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteKeysMatching } from '../support/redis-keys.ts';
import { describeTenantIsolation } from './tenant-isolation-scenario.ts';

// Production mode: checkpoints, run and thread records, approvals, ledger, store and audit on
// Redis (127.0.0.1:6379) under a prefix of this run's own, removed afterwards.
const prefix = `test:tenant-isolation:${randomUUID()}:`;

describeTenantIsolation('Redis', {
  checkpointer: 'RedisCheckpointSaver',
  environment: async () => ({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix }),
  cleanup: async () => {
    const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    try {
      await deleteKeysMatching(client, `${prefix.replace(/[*?[\]\\]/g, (character) => `\\${character}`)}*`);
    } finally {
      client.disconnect();
    }
  },
});
