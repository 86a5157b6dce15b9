import { setTimeout as delay } from 'node:timers/promises';
import { BrokenCircuitError } from 'cockatiel';
import type { ToolContext, ToolDefinition } from './define-tool.ts';
import { runWithTimeout, type Settlement } from './run-with-timeout.ts';
import { isToolError } from './tool-error.ts';
import type { UpstreamBreakers } from './upstream-breakers.ts';

export interface ResilienceOptions {
  breakers?: UpstreamBreakers;
  /** The caller's cancellation; also stops waiting between retries. */
  signal?: AbortSignal;
}

/** A settlement, or the news that the tool's upstream circuit is open and nothing was attempted. */
export type ResilientSettlement<T> = Settlement<T> | { kind: 'unavailable'; upstream: string; attempted: boolean };

// Carries a failed attempt through cockatiel so the breaker counts it, without losing the settlement.
class UpstreamFailure<T> extends Error {
  readonly settlement: Settlement<T>;
  constructor(settlement: Settlement<T>) {
    super('upstream attempt failed');
    this.settlement = settlement;
  }
}

/**
 * Execute a tool with its timeout, its retry policy (reads and idempotent tools only) and
 * its upstream's circuit breaker. A ToolError is a deliberate answer, not an upstream fault:
 * it is neither retried nor counted against the breaker.
 */
export async function executeWithResilience<T>(
  tool: ToolDefinition<unknown, T>,
  args: unknown,
  context: Omit<ToolContext, 'signal'>,
  options: ResilienceOptions = {},
): Promise<ResilientSettlement<T>> {
  const retryable = tool.risk === 'read' || tool.idempotent;
  const attempts = retryable ? tool.retry.attempts : 1;
  const breaker = tool.upstream !== undefined ? options.breakers?.breakerFor(tool.upstream) : undefined;
  let last: ResilientSettlement<T> | undefined;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) {
      const wait = Math.min(tool.retry.initialDelayMs * 2 ** (attempt - 2), tool.retry.maxDelayMs);
      try {
        await delay(wait, undefined, { signal: options.signal });
      } catch {
        return last!;
      }
    }
    const once = () => runWithTimeout((signal) => tool.execute(args, { ...context, signal }), { timeoutMs: tool.timeoutMs, signal: options.signal });
    if (breaker === undefined) {
      last = await once();
    } else {
      try {
        last = await breaker.execute(async () => {
          const settlement = await once();
          if (isUpstreamFault(settlement)) throw new UpstreamFailure(settlement);
          return settlement;
        });
      } catch (error) {
        if (error instanceof BrokenCircuitError) return { kind: 'unavailable', upstream: tool.upstream!, attempted: attempt > 1 };
        if (error instanceof UpstreamFailure) last = error.settlement as Settlement<T>;
        else throw error;
      }
    }
    if (!isUpstreamFault(last)) return last;
  }
  return last!;
}

function isUpstreamFault(settlement: ResilientSettlement<unknown>): boolean {
  if (settlement.kind === 'rejected') return !isToolError(settlement.error);
  return settlement.kind === 'aborted' && settlement.reason === 'timeout';
}
