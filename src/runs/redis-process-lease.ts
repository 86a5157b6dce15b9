import type { Cluster, Redis } from 'ioredis';
import {
  currentIdentity,
  defaultLeaseTtlMs,
  isOtherLiveHolder,
  newOwnerId,
  type LeaseHolder,
  type ProcessLease,
  type ProcessLeaseOptions,
} from './process-lease.ts';

// One sorted set of registrations scored by expiry, on Redis's clock (not each host's): drop
// the expired, read the rest, add or renew this one, all in one script. Returns the members and
// their expiry times as read before the write.
const registerScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
table.insert(members, tostring(now))
return members
`;

export interface RedisProcessLeaseOptions extends ProcessLeaseOptions {
  client: Redis | Cluster;
  /** The sorted set holding the registrations, e.g. `overseer:processes`. */
  key: string;
}

/**
 * Process registrations on Redis, for a service whose run records live there. Several
 * replicas may share one Redis: each finds the others here and leaves their runs alone.
 * @example const others = await createRedisProcessLease({ client, key: 'overseer:processes' }).acquire();
 */
export function createRedisProcessLease(options: RedisProcessLeaseOptions): ProcessLease {
  const { client, key } = options;
  const ttlMs = options.ttlMs ?? defaultLeaseTtlMs;
  const identity = options.identity ?? currentIdentity();
  const member = JSON.stringify({ ownerId: newOwnerId(), pid: identity.pid, hostname: identity.hostname });
  let renewal: NodeJS.Timeout | undefined;

  const register = async (): Promise<{ holders: Array<{ member: string; holder: LeaseHolder }>; now: number }> => {
    const reply = (await client.eval(registerScript, 1, key, member, ttlMs)) as string[];
    const now = Number(reply.pop());
    const holders: Array<{ member: string; holder: LeaseHolder }> = [];
    for (let index = 0; index + 1 < reply.length; index += 2) {
      const raw = reply[index] as string;
      if (raw === member) continue;
      const parsed = JSON.parse(raw) as Omit<LeaseHolder, 'expiresAt'>;
      holders.push({ member: raw, holder: { ...parsed, expiresAt: Number(reply[index + 1]) } });
    }
    return { holders, now };
  };

  return {
    async acquire() {
      const { holders, now } = await register();
      const live = holders.filter(({ holder }) => isOtherLiveHolder(holder, identity, now));
      // Registrations of processes on this host that are gone (killed before they could release).
      const dead = holders.filter(({ holder }) => holder.hostname === identity.hostname && holder.pid !== identity.pid && !isOtherLiveHolder(holder, identity, now));
      if (dead.length > 0) await client.zrem(key, ...dead.map((entry) => entry.member));
      renewal ??= setInterval(() => {
        // A failed renewal (Redis briefly away) is retried at the next tick.
        register().catch(() => undefined);
      }, Math.max(1, Math.floor(ttlMs / 3)));
      renewal.unref();
      return live.map((entry) => entry.holder);
    },

    async release() {
      if (renewal !== undefined) clearInterval(renewal);
      renewal = undefined;
      await client.zrem(key, member).catch(() => undefined);
    },
  };
}
