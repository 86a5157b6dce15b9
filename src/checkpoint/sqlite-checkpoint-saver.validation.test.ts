import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { openDatabase } from '../storage/index.ts';
import { SqliteCheckpointSaver } from './sqlite-checkpoint-saver.ts';

// The validation suite calls vitest's globals, and our vitest config keeps globals off.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it });

// Any name but `memory` (and the official packages' names) runs every test, none skipped.
const initializer: CheckpointSaverTestInitializer<SqliteCheckpointSaver> = {
  checkpointerName: 'sqlite-node',
  createCheckpointer: () =>
    new SqliteCheckpointSaver({ database: openDatabase(':memory:', { vectors: false }) }),
  destroyCheckpointer: (checkpointer) => checkpointer.database.close(),
};

validate(initializer);

// Opt-in part of the suite: the delta channel walk over our stored writes and blobs.
describe('sqlite-node (delta channels)', () => {
  deltaChannelHistoryTests(initializer);
});
