import { randomUUID } from 'node:crypto';
import type { BaseCheckpointSaver, CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import { emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/index.ts';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { RedisCheckpointSaver } from './redis-checkpoint-saver.ts';
import { SqliteCheckpointSaver } from './sqlite-checkpoint-saver.ts';

/*
 * `newestCheckpointId`: a thread's newest checkpoint in any namespace, which the run executor
 * reads to tell whether an attempt cut short by a crash saved anything (a step inside a subgraph
 * included). Both savers answer it from their indexes.
 */
const { client, prefix } = useRedisTestPrefix('newest-checkpoint');
const metadata: CheckpointMetadata = { source: 'loop', step: 0, parents: {} };

type Saver = BaseCheckpointSaver & {
  latestCheckpointId(threadId: string, namespace?: string, tenantId?: string): Promise<string | undefined>;
  newestCheckpointId(threadId: string, tenantId?: string): Promise<string | undefined>;
};

const savers: Array<[string, () => Saver]> = [
  ['SqliteCheckpointSaver', () => new SqliteCheckpointSaver({ database: openDatabase(':memory:', { vectors: false }) })],
  ['RedisCheckpointSaver', () => new RedisCheckpointSaver({ client, keyPrefix: `${prefix}checkpoints` })],
];

describe.each(savers)('%s newestCheckpointId', (_name, create) => {
  it('names the newest checkpoint of the thread in any namespace, of its tenant only', async () => {
    const saver = create();
    const threadId = randomUUID();
    expect(await saver.newestCheckpointId(threadId, 'acme')).toBeUndefined();
    const put = (namespace: string, tenant = 'acme') => {
      const checkpoint = { ...emptyCheckpoint(), id: uuid6(0) };
      return saver.put({ configurable: { thread_id: threadId, checkpoint_ns: namespace, tenant_id: tenant } }, checkpoint, metadata, {}).then(() => checkpoint.id);
    };
    const root = await put('');
    expect(await saver.newestCheckpointId(threadId, 'acme')).toBe(root);
    const child = await put('executor:1234');
    expect(await saver.newestCheckpointId(threadId, 'acme')).toBe(child);
    // The root's newest is still the root one; another tenant's thread of the same id is apart.
    expect(await saver.latestCheckpointId(threadId, '', 'acme')).toBe(root);
    await put('', 'globex');
    expect(await saver.newestCheckpointId(threadId, 'acme')).toBe(child);
  });
});
