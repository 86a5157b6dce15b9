import type { Cluster, Redis } from 'ioredis';
import { questionDigest, type AnswerCache } from './answer-cache.ts';

export interface RedisAnswerCacheOptions {
  client: Redis | Cluster;
  /** Start of every key, ending in a separator, e.g. `overseer:answers:`. */
  keyPrefix: string;
  /** How long an answer is served; Redis expires it. */
  ttlMs: number;
}

/**
 * The answer cache on Redis, shared by every worker: one string per tenant, generation and
 * question (`<prefix>{tenant:<id>}:<generation>:<sha256>`) with a TTL, so entries of a
 * generation nobody reads any more expire on their own.
 * @example const cache = createRedisAnswerCache({ client, keyPrefix: 'overseer:answers:', ttlMs: 86_400_000 });
 */
export function createRedisAnswerCache(options: RedisAnswerCacheOptions): AnswerCache {
  const { client, keyPrefix, ttlMs } = options;
  const keyOf = (tenantId: string, key: { question: string; generation: string }) =>
    `${keyPrefix}{tenant:${tenantId}}:${key.generation}:${questionDigest(key.question)}`;
  return {
    async get(tenantId, key) {
      const value = await client.get(keyOf(tenantId, key));
      return value === null ? undefined : JSON.parse(value);
    },
    async set(tenantId, key, value) {
      await client.set(keyOf(tenantId, key), JSON.stringify(value), 'PX', ttlMs);
    },
  };
}
