import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { Redis } from 'ioredis';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
import { deleteKeysMatching } from '../../test/support/redis-keys.ts';

// The validation suite calls vitest's globals, and our vitest config keeps globals off.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it });

const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const runId = randomUUID();

async function deleteKeysWithPrefix(prefix: string): Promise<void> {
  await deleteKeysMatching(client, `${prefix}:*`);
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
