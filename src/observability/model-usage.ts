/** One model call's usage, as the usage store keeps it. */
export interface ModelUsageRecord {
  tenantId: string;
  runId?: string;
  threadId?: string;
  /** The agent role that called (`supervisor`, `retriever`, `executor`, `reviewer`), or `unknown`. */
  role: string;
  /** The model that answered (the provider's name for it). */
  model: string;
  /** The routing policy's tier for the call (`routine` | `premium`); absent for calls outside the graphs' policy. */
  tier?: 'routine' | 'premium';
  /** When the call ended (ISO 8601); its UTC date is the record's day. */
  at: string;
  /** Prompt tokens, cached ones included (as providers count them). */
  inputTokens: number;
  /** Completion tokens, reasoning ones included. */
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Cost in billionths of a US dollar: integers add up exactly, however many calls. */
  costNanoUsd: number;
  /** The model reported no counts, so they were estimated (characters / 4). */
  estimated: boolean;
}

/** Sums over model calls, in the units the stores keep. */
export interface UsageCounters {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  costNanoUsd: number;
  /** How many of the calls had estimated counts. */
  estimatedCalls: number;
}

/** Usage as the API shows it (on a run, in `GET /usage`, in a run's `usage` event). */
export interface UsageTotals {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  /** Some counts are estimates (a model reported none). `cost_usd` always is: it comes from the price table, not the bill. */
  estimated: boolean;
}

export type UsageGrouping = 'agent' | 'model' | 'tier' | 'day' | 'thread';

export interface UsageQuery {
  tenantId: string;
  /** First UTC day included (`YYYY-MM-DD`). */
  from?: string;
  /** Last UTC day included (`YYYY-MM-DD`). */
  to?: string;
  groupBy?: UsageGrouping;
}

export interface UsageSummary {
  totals: UsageCounters;
  /** One per role, model, day or thread (sorted by key); empty without `groupBy`. */
  groups: Array<{ key: string; counters: UsageCounters }>;
}

/**
 * Where model usage is kept, per tenant: SQLite's `model_usage` table, or Redis hashes per
 * tenant and day. Both pass `describeUsageStoreContract`.
 */
export interface UsageStore {
  record(usage: ModelUsageRecord): Promise<void>;
  /** One run's sums (all zero when it made no model call, or is another tenant's). */
  forRun(tenantId: string, runId: string): Promise<UsageCounters>;
  summarize(query: UsageQuery): Promise<UsageSummary>;
}

/** The key a call without a thread is grouped under. */
export const noThreadKey = '-';
/** The key a call without a tier (made outside the graphs' routing policy) is grouped under. */
export const noTierKey = 'unrouted';

export function emptyCounters(): UsageCounters {
  return { calls: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0, costNanoUsd: 0, estimatedCalls: 0 };
}

/** The counters of one call. */
export function countersOf(usage: ModelUsageRecord): UsageCounters {
  return {
    calls: 1,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedTokens: usage.cachedTokens,
    reasoningTokens: usage.reasoningTokens,
    costNanoUsd: usage.costNanoUsd,
    estimatedCalls: usage.estimated ? 1 : 0,
  };
}

/** `into` plus `more`, in place. */
export function addCounters(into: UsageCounters, more: UsageCounters): UsageCounters {
  for (const name of Object.keys(into) as Array<keyof UsageCounters>) into[name] += more[name];
  return into;
}

export function toUsageTotals(counters: UsageCounters): UsageTotals {
  return {
    calls: counters.calls,
    input_tokens: counters.inputTokens,
    output_tokens: counters.outputTokens,
    cached_tokens: counters.cachedTokens,
    reasoning_tokens: counters.reasoningTokens,
    cost_usd: counters.costNanoUsd / 1e9,
    estimated: counters.estimatedCalls > 0,
  };
}

/** The UTC day (`YYYY-MM-DD`) of an ISO timestamp. */
export function dayOf(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}
