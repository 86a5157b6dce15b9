import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.ts';
import { RedisStore } from './redis-store.ts';
import { describeStoreBehaviour } from './store-behaviour.ts';
import { useRedisTestPrefix } from '../../test/support/redis-test-prefix.ts';

const { client, uniquePrefix, keysUnder } = useRedisTestPrefix('redis-store');
// The store adds the `:` after its prefix itself.
const nextPrefix = () => `${uniquePrefix()}store`;

/** Commands the client sends while `work` runs. */
async function commandsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const sent = vi.spyOn(client, 'sendCommand');
  try {
    await work();
    return sent.mock.calls.map(([command]) => command.name.toLowerCase());
  } finally {
    sent.mockRestore();
  }
}

describeStoreBehaviour({
  name: 'RedisStore',
  create: (options) => {
    const store = new RedisStore({ client, keyPrefix: nextPrefix(), ...options });
    return { store, sweepExpired: () => store.sweepExpired() };
  },
  capabilities: { clock: true, lexicalQuery: true, prunesEmptyNamespaces: true, ttl: true },
});

describe('RedisStore', () => {
  it('searches and lists namespaces without KEYS or SCAN', async () => {
    const store = new RedisStore({ client, keyPrefix: nextPrefix() });
    await store.put(['users', 'ada'], 'profile', { name: 'Ada' });
    await store.put(['users', 'alan'], 'profile', { name: 'Alan' });
    const commands = await commandsDuring(async () => {
      await store.search(['users'], { filter: { name: 'Ada' } });
      await store.search(['users'], { query: 'ada' });
      await store.listNamespaces({ prefix: ['users'] });
      await store.get(['users', 'ada'], 'profile');
    });
    expect(commands).not.toContain('keys');
    expect(commands).not.toContain('scan');
  });

  it('reads only the items of the searched subtree', async () => {
    const store = new RedisStore({ client, keyPrefix: nextPrefix() });
    await store.put(['team', 'red'], 'one', { a: 1 });
    for (let index = 0; index < 20; index += 1) await store.put(['team', 'blue'], `item-${index}`, { a: index });
    const commands = await commandsDuring(() => store.search(['team', 'red'], { filter: { a: 1 } }));
    expect(commands.filter((command) => command === 'hmget')).toHaveLength(1);
  });

  it('writes a batch in one MULTI transaction', async () => {
    const store = new RedisStore({ client, keyPrefix: nextPrefix() });
    const commands = await commandsDuring(() =>
      store.batch([
        { namespace: ['notes'], key: 'a', value: { text: 'a' } },
        { namespace: ['notes'], key: 'b', value: { text: 'b' } },
        { namespace: ['notes'], key: 'c', value: null },
      ]),
    );
    expect(commands.filter((command) => command === 'multi')).toHaveLength(1);
    expect(commands.filter((command) => command === 'exec')).toHaveLength(1);
  });

  it('leaves no keys behind once every item is deleted', async () => {
    const keyPrefix = nextPrefix();
    const store = new RedisStore({ client, keyPrefix });
    await store.put(['notes', 'ada'], 'a', { text: 'a' }, undefined, { ttl: 5 });
    await store.put(['notes'], 'b', { text: 'b' });
    await store.delete(['notes', 'ada'], 'a');
    await store.delete(['notes'], 'b');
    expect(await keysUnder(keyPrefix)).toEqual([]);
  });

  it('fails with STORAGE_ERROR when Redis is unreachable', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    unreachable.on('error', () => undefined);
    const store = new RedisStore({ client: unreachable, keyPrefix: nextPrefix() });
    const failure = await store.get(['users'], 'ada').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('STORAGE_ERROR');
    unreachable.disconnect();
  });
});
