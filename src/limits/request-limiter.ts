import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { logError } from '../observability/index.ts';

/** What one request left of the tightest limit that applies to it. */
export interface RequestAllowance {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window of that limit starts over. */
  resetSeconds: number;
}

export interface RequestLimiter {
  /** Count one request by this key and tenant. */
  consume(subject: { keyId: string; tenantId: string }): Promise<RequestAllowance | undefined>;
}

export interface RequestLimiterOptions {
  perKeyPerMinute: number;
  perTenantPerMinute: number;
  /** Shared across processes when given; in this process's memory otherwise. */
  redis?: { client: Redis; keyPrefix: string };
}

const windowSeconds = 60;

/**
 * Requests per minute per key and per tenant, counted by `rate-limiter-flexible` (fixed window;
 * one atomic INCR script in Redis). While Redis is unreachable each process counts in memory
 * instead (its insurance limiter): limits loosen to one window per process rather than failing
 * every request or letting all through. Undefined when no limit is set.
 * @example const limiter = createRequestLimiter({ perKeyPerMinute: 600, perTenantPerMinute: 0 });
 */
export function createRequestLimiter(options: RequestLimiterOptions): RequestLimiter | undefined {
  const limits = [
    { name: 'key', points: options.perKeyPerMinute, subject: (subject: { keyId: string; tenantId: string }) => subject.keyId },
    { name: 'tenant', points: options.perTenantPerMinute, subject: (subject: { keyId: string; tenantId: string }) => subject.tenantId },
  ]
    .filter((limit) => limit.points > 0)
    .map((limit) => ({ ...limit, limiter: limiterFor(limit.name, limit.points, options.redis) }));
  if (limits.length === 0) return undefined;
  return {
    async consume(subject) {
      let tightest: RequestAllowance | undefined;
      // The key's limit first: a key over its own limit does not use up its tenant's.
      for (const limit of limits) {
        const allowance = await take(limit.limiter, limit.subject(subject), limit.points);
        if (!allowance) continue;
        if (!allowance.allowed) return allowance;
        if (!tightest || allowance.remaining < tightest.remaining) tightest = allowance;
      }
      return tightest;
    },
  };
}

function limiterFor(name: string, points: number, redis: RequestLimiterOptions['redis']): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis.client,
    keyPrefix: `${redis.keyPrefix}requests:${name}`,
    points,
    duration: windowSeconds,
    // Not connected: count in memory at once instead of queueing behind the reconnect.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

async function take(limiter: RateLimiterAbstract, subject: string, limit: number): Promise<RequestAllowance | undefined> {
  try {
    const result = await limiter.consume(subject);
    return { allowed: true, limit, remaining: result.remainingPoints, resetSeconds: Math.ceil(result.msBeforeNext / 1_000) };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { allowed: false, limit, remaining: 0, resetSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000)) };
    }
    // Neither the store nor its insurance answered: let the request through rather than fail it.
    logError('rate limit not applied, the limiter failed:', rejection);
    return undefined;
  }
}
