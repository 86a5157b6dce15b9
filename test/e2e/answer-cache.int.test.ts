import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteKeysMatching } from '../support/redis-keys.ts';
import { describeAnswerCacheScenario } from '../support/answer-cache-scenario.ts';

const prefix = `test:answer-cache-e2e:${randomUUID()}:`;

describeAnswerCacheScenario('Redis', {
  environment: async () => ({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix }),
  async cleanup() {
    const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    await deleteKeysMatching(client, `${prefix}*`);
    await client.quit();
  },
});
