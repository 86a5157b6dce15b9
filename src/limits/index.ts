import type { Redis } from 'ioredis';
import type { RateLimits } from '../config.ts';
import { createMemoryConcurrencyLimiter, createRedisConcurrencyLimiter, type ConcurrencyLimiter } from './concurrency-limiter.ts';
import { createRequestLimiter, type RequestLimiter } from './request-limiter.ts';
import { createRunAdmission, type RunAdmission } from './run-admission.ts';

export { createRequestLimiter, type RequestLimiter, type RequestAllowance, type RequestLimiterOptions } from './request-limiter.ts';
export { createMemoryConcurrencyLimiter, createRedisConcurrencyLimiter, type ConcurrencyLimiter, type RedisConcurrencyLimiterOptions } from './concurrency-limiter.ts';
export { createRunAdmission, type RunAdmission, type RunAdmissionOptions } from './run-admission.ts';
export {
  createBudgetPolicy,
  budgetExhaustedError,
  describeExhaustion,
  isBudgetExhausted,
  nextUtcMidnight,
  spendOf,
  type BudgetAdmission,
  type BudgetExhaustion,
  type BudgetPolicy,
  type BudgetPolicyOptions,
  type BudgetSpend,
} from './budget-policy.ts';
export { BudgetCallbackHandler, budgetCheckedMetadataKey, budgetExemptMetadataKey, findBudgetHandler, type BudgetCallbackOptions } from './budget-callback-handler.ts';
export { createBudgetRunObserver, type BudgetRunObserverDependencies } from './budget-run-observer.ts';
export { recordBudgetExhaustion, budgetNameOf, type BudgetStopSite } from './record-budget-exhaustion.ts';

/** The gateway's limits: requests per minute (HTTP) and runs at once (run manager); each absent when off. */
export interface Limits {
  requests?: RequestLimiter;
  runs?: RunAdmission;
  close(): void;
}

/**
 * Limits from configuration, shared through Redis when given (keys under `<prefix>limits:`),
 * else in this process's memory.
 * @example const limits = createLimits(config.rateLimits, redis && { client: redis, keyPrefix: config.redis.keyPrefix });
 */
export function createLimits(config: RateLimits, redis?: { client: Redis; keyPrefix: string }): Limits {
  const keyPrefix = redis ? `${redis.keyPrefix}limits:` : '';
  const requests = createRequestLimiter({
    perKeyPerMinute: config.requestsPerMinutePerKey,
    perTenantPerMinute: config.requestsPerMinutePerTenant,
    redis: redis && { client: redis.client, keyPrefix },
  });
  let limiter: ConcurrencyLimiter | undefined;
  if (config.concurrentRunsPerKey > 0 || config.concurrentRunsPerTenant > 0) {
    limiter = redis ? createRedisConcurrencyLimiter({ client: redis.client, keyPrefix: `${keyPrefix}runs:` }) : createMemoryConcurrencyLimiter();
  }
  const runs = limiter && createRunAdmission({ limiter, perTenant: config.concurrentRunsPerTenant, perKey: config.concurrentRunsPerKey });
  return { requests, runs, close: () => limiter?.close() };
}
