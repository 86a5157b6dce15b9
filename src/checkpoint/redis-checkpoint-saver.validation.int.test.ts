import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { Redis } from 'ioredis';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';

// The validation suite calls vitest's globals, and our vitest config keeps globals off.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it });

const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const runId = randomUUID();

async function deleteKeysWithPrefix(prefix: string): Promise<void> {
  // Scanning is fine here: test clean-up, never a request path.
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) {
      await client.unlink(...keys);
    }
  } while (cursor !== '0');
}

// Any name but `memory` (and the official packages' names) runs every test, none skipped.
// Each checkpointer gets its own prefix: the suite reuses fixed thread ids such as "1".
const initializer: CheckpointSaverTestInitializer<RedisCheckpointSaver> = {
  checkpointerName: 'redis-ioredis',
  createCheckpointer: () => new RedisCheckpointSaver({ client, keyPrefix: `test:validation:${runId}:${randomUUID()}` }),
  destroyCheckpointer: (checkpointer) => deleteKeysWithPrefix(checkpointer.keyPrefix),
  afterAll: async () => {
    await deleteKeysWithPrefix(`test:validation:${runId}`);
    client.disconnect();
  },
};

validate(initializer);

// Opt-in part of the suite: the delta channel walk over our stored writes and blobs.
describe('redis-ioredis (delta channels)', () => {
  deltaChannelHistoryTests(initializer);
});
