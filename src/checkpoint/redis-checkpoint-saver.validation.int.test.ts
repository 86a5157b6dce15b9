import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';

// The validation suite calls vitest's globals, and our vitest config keeps globals off.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it });

const { client, uniquePrefix, deleteKeysUnder } = useRedisTestPrefix('validation');

// Any name but `memory` (and the official packages' names) runs every test, none skipped.
// Each checkpointer gets its own prefix: the suite reuses fixed thread ids such as "1".
const initializer: CheckpointSaverTestInitializer<RedisCheckpointSaver> = {
  checkpointerName: 'redis-ioredis',
  createCheckpointer: () => new RedisCheckpointSaver({ client, keyPrefix: `${uniquePrefix()}checkpoints` }),
  destroyCheckpointer: (checkpointer) => deleteKeysUnder(checkpointer.keyPrefix),
};

validate(initializer);

// Opt-in part of the suite: the delta channel walk over our stored writes and blobs.
describe('redis-ioredis (delta channels)', () => {
  deltaChannelHistoryTests(initializer);
});
