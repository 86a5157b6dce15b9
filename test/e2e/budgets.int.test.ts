import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { describeBudgets } from '../support/budget-scenarios.ts';
import { deleteKeysMatching } from '../support/redis-keys.ts';

// Usage (and so budgets) on Redis, with runs, checkpoints and the ledger there too: a key prefix
// of its own per service, all removed at the end.
const redisUrl = 'redis://127.0.0.1:6379';
const run = `overseer-budgets-test-${randomUUID()}`;
let services = 0;

afterAll(async () => {
  const client = new Redis(redisUrl);
  try {
    await deleteKeysMatching(client, `${run}-*`);
  } finally {
    client.disconnect();
  }
});

describeBudgets('budgets on the Redis usage store', () => {
  services += 1;
  return { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${run}-${services}:` };
});
