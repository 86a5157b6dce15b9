import { AppError } from '../errors.ts';
import type { ConcurrencyLimiter } from './concurrency-limiter.ts';

/** What the run manager asks before it creates a run, and tells when the run is over. */
export interface RunAdmission {
  /** Count a run against its tenant's and caller's limits; 429 TOO_MANY_RUNS when either is full. */
  acquire(run: { tenantId: string; callerId?: string; runId: string }): Promise<void>;
  /**
   * The run settled (or was never created): give its slots back. Any process may call it, with
   * the run's tenant and caller, so a run created on one process and settled on another (Redis
   * mode) frees its slots at once instead of when their leases lapse.
   */
  release(run: { tenantId: string; callerId?: string; runId: string }): Promise<void>;
}

export interface RunAdmissionOptions {
  limiter: ConcurrencyLimiter;
  perTenant: number;
  perKey: number;
}

// When a run ends is up to the run, so this is a hint for polling, not a promise.
const retryAfterSeconds = 5;

/**
 * Runs pending or running at once, per tenant and per key (enqueued runs waiting behind another
 * on their thread count too). Undefined when neither limit is set.
 * @example const admission = createRunAdmission({ limiter: createMemoryConcurrencyLimiter(), perTenant: 10, perKey: 0 });
 */
export function createRunAdmission(options: RunAdmissionOptions): RunAdmission | undefined {
  const { limiter, perTenant, perKey } = options;
  if (perTenant <= 0 && perKey <= 0) return undefined;
  async function releaseSlots(runId: string, slots: string[]) {
    await Promise.all(slots.map((slot) => limiter.release(slot, runId)));
  }

  /** The slots a run holds follow from its tenant and caller alone (releasing a free one is harmless). */
  function slotsOf(tenantId: string, callerId: string | undefined): string[] {
    return [
      ...(perTenant > 0 ? [`tenant:${tenantId}`] : []),
      ...(perKey > 0 && callerId ? [`key:${callerId}`] : []),
    ];
  }

  return {
    async acquire({ tenantId, callerId, runId }) {
      const wanted: Array<{ scope: 'tenant' | 'key'; slot: string; limit: number }> = [];
      if (perTenant > 0) wanted.push({ scope: 'tenant', slot: `tenant:${tenantId}`, limit: perTenant });
      if (perKey > 0 && callerId) wanted.push({ scope: 'key', slot: `key:${callerId}`, limit: perKey });
      const taken: string[] = [];
      for (const { scope, slot, limit } of wanted) {
        let acquired: boolean;
        try {
          acquired = await limiter.acquire(slot, runId, limit);
        } catch (error) {
          await releaseSlots(runId, taken);
          throw error;
        }
        if (!acquired) {
          await releaseSlots(runId, taken);
          throw new AppError('TOO_MANY_RUNS', `This ${scope} already has ${limit} runs pending or running; retry when one has finished`, {
            details: { scope, limit },
            headers: { 'Retry-After': String(retryAfterSeconds) },
          });
        }
        taken.push(slot);
      }
    },
    async release({ tenantId, callerId, runId }) {
      await releaseSlots(runId, slotsOf(tenantId, callerId));
    },
  };
}
