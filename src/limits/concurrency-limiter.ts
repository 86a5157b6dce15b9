import type { Redis } from 'ioredis';
import { guardStorageAsync } from '../errors.ts';
import { logError } from '../observability/index.ts';

/**
 * Slots of a counted resource (a tenant's or key's runs): `acquire` takes one for a holder if
 * fewer than `limit` are taken, `release` gives it back. Acquiring again for the same holder
 * keeps its one slot.
 */
export interface ConcurrencyLimiter {
  acquire(key: string, holder: string, limit: number): Promise<boolean>;
  release(key: string, holder: string): Promise<void>;
  close(): void;
}

/** Slots in this process's memory: exact, and gone with the process, as its runs are. */
export function createMemoryConcurrencyLimiter(): ConcurrencyLimiter {
  const holders = new Map<string, Set<string>>();
  return {
    async acquire(key, holder, limit) {
      const held = holders.get(key) ?? new Set<string>();
      if (!held.has(holder) && held.size >= limit) return false;
      holders.set(key, held.add(holder));
      return true;
    },
    async release(key, holder) {
      const held = holders.get(key);
      held?.delete(holder);
      if (held?.size === 0) holders.delete(key);
    },
    close() {},
  };
}

// The slot set of a key is a sorted set of holders scored by lease expiry (Redis time, the one
// clock every process shares). Expired leases (a process that died holding them) are dropped
// first, so a crash frees its slots within one lease. ARGV: lease ms, limit, holder.
const acquireScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], lease)
return 1`;

// ARGV: lease ms, then the holders this process still has; only leases that exist are extended.
const renewScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[1])
for index = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[index]) end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], lease) end
return 1`;

export interface RedisConcurrencyLimiterOptions {
  client: Redis;
  keyPrefix: string;
  /** How long a slot outlives the process holding it (ms); renewed every third of it while held. */
  leaseMs?: number;
}

/**
 * Slots shared by every process on one Redis. `rate-limiter-flexible` counts events in a window;
 * it has no notion of something held until released, so this is the one piece of limiting written
 * here: a Lua script that drops expired leases, checks the count and adds the holder atomically.
 * Redis unreachable: acquiring fails with STORAGE_ERROR (as the run it guards would), releasing
 * logs and leaves the lease to expire.
 */
export function createRedisConcurrencyLimiter(options: RedisConcurrencyLimiterOptions): ConcurrencyLimiter {
  const { client, keyPrefix } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const held = new Map<string, Set<string>>();
  const renewal = setInterval(() => {
    for (const [key, holders] of held) {
      client.eval(renewScript, 1, keyPrefix + key, leaseMs, ...holders).catch((error: unknown) => logError(`could not renew run slots of ${key}:`, error));
    }
  }, Math.max(1_000, Math.floor(leaseMs / 3)));
  renewal.unref();
  return {
    async acquire(key, holder, limit) {
      const reply = await guardStorageAsync('The run limits store (Redis) is unavailable', () => client.eval(acquireScript, 1, keyPrefix + key, leaseMs, limit, holder));
      if (reply !== 1) return false;
      held.set(key, (held.get(key) ?? new Set<string>()).add(holder));
      return true;
    },
    async release(key, holder) {
      const holders = held.get(key);
      holders?.delete(holder);
      if (holders?.size === 0) held.delete(key);
      await client.zrem(keyPrefix + key, holder).catch((error: unknown) => logError(`could not release a run slot of ${key}; it expires with its lease:`, error));
    },
    close() {
      clearInterval(renewal);
    },
  };
}
