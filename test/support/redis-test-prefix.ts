import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { deleteKeysMatching, keysMatching } from './redis-keys.ts';

/** The Redis every int test shares; each test file keeps to a key prefix of its own. */
export const redisTestUrl = 'redis://127.0.0.1:6379';

export interface RedisTestPrefix {
  /** A client of the shared Redis, closed after the suite; one retry per command, so a test fails fast when Redis is gone. */
  readonly client: Redis;
  /** `test:<name>:<uuid>:`, this suite's own; every key under it is deleted after the suite. */
  readonly prefix: string;
  /** A new prefix under `prefix` (ends with `:`), so each repository or test starts empty. */
  uniquePrefix(): string;
  /** Every key under `keyPrefix`, by SCAN (test clean-up and checks, never a request path). */
  keysUnder(keyPrefix: string): Promise<string[]>;
  /** Delete every key under `keyPrefix` (a contract fixture's `cleanup`). */
  deleteKeysUnder(keyPrefix: string): Promise<void>;
}

/**
 * A suite's place on the shared Redis: a client, a key prefix no other run uses, and the
 * clean-up of everything under it after the suite (whatever a failed test left behind too).
 * Registers `beforeAll` (the client answers) and `afterAll` (delete by SCAN, then quit) where it
 * is called: at a file's top level for the file, inside a `describe` for that block.
 * @example
 * const { client, uniquePrefix, deleteKeysUnder } = useRedisTestPrefix('cron-repository');
 * describeCronRepositoryContract('redis', async (clock) => {
 *   const keyPrefix = uniquePrefix();
 *   return { repository: createRedisCronRepository({ client, keyPrefix, clock }), cleanup: () => deleteKeysUnder(keyPrefix) };
 * });
 */
export function useRedisTestPrefix(name: string): RedisTestPrefix {
  const client = new Redis(redisTestUrl, { maxRetriesPerRequest: 1 });
  const prefix = `test:${name}:${randomUUID()}:`;
  beforeAll(async () => {
    await client.ping();
  });
  afterAll(async () => {
    await deleteKeysMatching(client, `${prefix}*`);
    await client.quit();
  });
  return {
    client,
    prefix,
    uniquePrefix: () => `${prefix}${randomUUID()}:`,
    keysUnder: (keyPrefix) => keysMatching(client, `${keyPrefix}*`),
    deleteKeysUnder: async (keyPrefix) => {
      await deleteKeysMatching(client, `${keyPrefix}*`);
    },
  };
}
