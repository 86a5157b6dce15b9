import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { keysMatching } from './redis-keys.ts';
import { redisTestUrl, useRedisTestPrefix, type RedisTestPrefix } from './redis-test-prefix.ts';

// A client of its own, so the checks after the inner suite do not depend on the helper under test.
const observer = new Redis(redisTestUrl, { maxRetriesPerRequest: 1 });
const outside = `test:redis-test-prefix-outside:${randomUUID()}`;
afterAll(async () => {
  await observer.unlink(outside);
  await observer.quit();
});

let used: RedisTestPrefix;

describe('useRedisTestPrefix', () => {
  used = useRedisTestPrefix('redis-test-prefix');

  it('gives a connected client and prefixes of this suite alone', async () => {
    const { client, prefix, uniquePrefix } = used;
    expect(prefix).toMatch(/^test:redis-test-prefix:[0-9a-f-]{36}:$/);
    const [first, second] = [uniquePrefix(), uniquePrefix()];
    expect(first.startsWith(prefix) && second.startsWith(prefix) && first !== second).toBe(true);
    // More keys than one SCAN step returns, so the clean-up has to follow the cursor.
    await Promise.all(Array.from({ length: 1_500 }, (_, index) => client.set(`${first}key-${index}`, 'x')));
    await client.set(`${second}key`, 'x');
    await client.set(`${prefix}top`, 'x');
    await observer.set(outside, 'kept');
    expect(await used.keysUnder(first)).toHaveLength(1_500);
  });

  it('deletes what one prefix holds and nothing else', async () => {
    const other = used.uniquePrefix();
    await used.client.set(`${other}a`, 'x');
    await used.client.set(`${other}b`, 'x');
    await used.deleteKeysUnder(other);
    expect(await used.keysUnder(other)).toEqual([]);
    expect(await keysMatching(observer, `${used.prefix}*`)).toHaveLength(1_502);
  });
});

describe('after a suite that used it', () => {
  it('has deleted every key under its prefix, left others alone and closed its client', async () => {
    expect(await keysMatching(observer, `${used.prefix}*`)).toEqual([]);
    expect(await observer.get(outside)).toBe('kept');
    expect(used.client.status).toBe('end');
  });
});
