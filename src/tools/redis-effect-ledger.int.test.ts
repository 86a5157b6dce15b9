import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';
import { describeEffectLedgerConformance } from './effect-ledger-conformance.ts';
import { createRedisEffectLedger } from './redis-effect-ledger.ts';

const { client, prefix: runPrefix, uniquePrefix } = useRedisTestPrefix('effect-ledger');

// Each test gets its own prefix, so every ledger starts empty.
describeEffectLedgerConformance('createRedisEffectLedger', async (clock) =>
  createRedisEffectLedger({ client, keyPrefix: uniquePrefix(), clock }));

describe('createRedisEffectLedger', () => {
  it('keeps each entry under the configured prefix', async () => {
    const keyPrefix = `${runPrefix}layout:`;
    const ledger = createRedisEffectLedger({ client, keyPrefix });
    await ledger.begin('key-1', { toolName: 'issue_refund', argsHash: 'h', tenantId: 't' });
    expect(await client.hget(`${keyPrefix}effect:key-1`, 'status')).toBe('started');
  });

  it('reports Redis faults as a storage error with the cause attached', async () => {
    const closed = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const ledger = createRedisEffectLedger({ client: closed, keyPrefix: runPrefix });
    await expect(ledger.get('key-1')).rejects.toMatchObject({ code: 'STORAGE_ERROR', cause: expect.any(Error) });
    closed.disconnect();
  });
});
