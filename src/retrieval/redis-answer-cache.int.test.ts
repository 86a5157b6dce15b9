import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysMatching, keysMatching } from '../../test/support/redis-keys.ts';
import { describeAnswerCacheContract } from './answer-cache-conformance.ts';
import { createRedisAnswerCache } from './redis-answer-cache.ts';

const client = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const testPrefix = `test:answer-cache:${randomUUID()}:`;

afterAll(async () => {
  await deleteKeysMatching(client, `${testPrefix}*`);
  await client.quit();
});

describeAnswerCacheContract('Redis', async () => {
  const keyPrefix = `${testPrefix}${randomUUID()}:`;
  return { cache: createRedisAnswerCache({ client, keyPrefix, ttlMs: 60_000 }), close: async () => void (await deleteKeysMatching(client, `${keyPrefix}*`)) };
});

describe('Redis answer cache', () => {
  it('keeps each answer under its tenant\'s hash tag, with the TTL on it', async () => {
    const keyPrefix = `${testPrefix}${randomUUID()}:`;
    const cache = createRedisAnswerCache({ client, keyPrefix, ttlMs: 60_000 });
    await cache.set('acme', { question: 'Refund policy?', generation: '2:1' }, { summary: 'x' });
    const keys = await keysMatching(client, `${keyPrefix}*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${keyPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\{tenant:acme\\}:2:1:[0-9a-f]{64}$`));
    const ttl = await client.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
