import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';

export interface UpstreamBreakerOptions {
  /** Consecutive failed attempts that open the circuit (default 5). */
  consecutiveFailures?: number;
  /** How long an open circuit refuses calls before letting one trial call through (default 30 s). */
  halfOpenAfterMs?: number;
}

export type UpstreamState = 'closed' | 'open' | 'half_open' | 'isolated';

/** One circuit breaker per upstream name, shared by every tool that calls that upstream. */
export interface UpstreamBreakers {
  /** The breaker for `upstream`, created on first use. */
  breakerFor(upstream: string): CircuitBreakerPolicy;
  stateOf(upstream: string): UpstreamState;
  /** Every upstream called so far, with its state (for metrics). */
  states(): Record<string, UpstreamState>;
}

const stateNames: Record<CircuitState, UpstreamState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Circuit breakers (cockatiel) keyed by upstream name. Create one per process and share it,
 * so every run sees the same upstream health.
 * @example
 * const breakers = createUpstreamBreakers({ consecutiveFailures: 3, halfOpenAfterMs: 10_000 });
 * await runToolCall({ registry, ledger, call, context, breakers });
 */
export function createUpstreamBreakers(options: UpstreamBreakerOptions = {}): UpstreamBreakers {
  const breakers = new Map<string, CircuitBreakerPolicy>();
  function breakerFor(upstream: string): CircuitBreakerPolicy {
    let breaker = breakers.get(upstream);
    if (breaker === undefined) {
      breaker = circuitBreaker(handleAll, {
        halfOpenAfter: options.halfOpenAfterMs ?? 30_000,
        breaker: new ConsecutiveBreaker(options.consecutiveFailures ?? 5),
      });
      breakers.set(upstream, breaker);
    }
    return breaker;
  }
  return {
    breakerFor,
    stateOf: (upstream) => stateNames[breakers.get(upstream)?.state ?? CircuitState.Closed],
    states: () => Object.fromEntries([...breakers].map(([upstream, breaker]) => [upstream, stateNames[breaker.state]])),
  };
}
