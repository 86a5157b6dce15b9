import type { BudgetConfig, BudgetLimits } from '../config.ts';
import { AppError } from '../errors.ts';
import type { AuditLog, UsageCounters, UsageStore } from '../observability/index.ts';
import { recordBudgetExhaustion } from './record-budget-exhaustion.ts';

/** Which budget a call or a run would pass, and by how much. */
export interface BudgetExhaustion {
  scope: 'run' | 'tenant_daily';
  measure: 'tokens' | 'cost_usd';
  limit: number;
  used: number;
  /** What the call about to be made was estimated to add (0 when refusing a new run). */
  next: number;
  /** When a daily budget's window resets (ISO 8601, the next UTC midnight); absent for a run's budget. */
  resetsAt?: string;
}

/** What a budget check compares: tokens (input + output) and cost, used so far and about to be used. */
export interface BudgetSpend {
  tokens: number;
  costNanoUsd: number;
}

export interface BudgetPolicy {
  /** Whether any budget is configured, for any tenant. */
  readonly enabled: boolean;
  limitsFor(tenantId: string): BudgetLimits;
  /** The tenant's usage on the UTC day that holds `at`. */
  dailySpend(tenantId: string, at: Date): Promise<BudgetSpend>;
  /** The first budget that `used` plus `next` would pass, if any. */
  exceeded(limits: BudgetLimits, scope: BudgetExhaustion['scope'], used: BudgetSpend, next: BudgetSpend, at: Date): BudgetExhaustion | undefined;
  /**
   * Before a run is created: 429 `BUDGET_EXHAUSTED` with `Retry-After` (seconds to the next
   * UTC midnight) while the tenant's daily budget is spent, or too nearly spent for the tenant's
   * average model call of the day to fit (`next` says how much that is), audited as `budget.exhausted`
   * (`outcome: refused`) with what `run` says of the run refused.
   */
  admitRun(tenantId: string, run?: BudgetAdmission): Promise<void>;
  clock(): Date;
}

/** The run a tenant asks for, as its refusal is audited. */
export interface BudgetAdmission {
  graph: string;
  threadId?: string;
  /** Who asks (the caller's name). */
  actor?: string;
}

export interface BudgetPolicyOptions {
  config: BudgetConfig;
  usage: UsageStore;
  /** Where a refused run is recorded (`budget.exhausted`). */
  audit?: AuditLog;
  /** The accounting clock (the one usage records are dated by); real time by default. */
  clock?: () => Date;
}

const none: BudgetLimits = { runTokens: 0, runCostUsd: 0, dailyTokens: 0, dailyCostUsd: 0 };

/** Tokens as budgets count them: what was sent and what came back. */
export function spendOf(counters: UsageCounters): BudgetSpend {
  return { tokens: counters.inputTokens + counters.outputTokens, costNanoUsd: counters.costNanoUsd };
}

/** The next UTC midnight after `at`: when a daily budget starts again. */
export function nextUtcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

/** One line a person understands: which budget, its limit, what was used and what the call would add. */
export function describeExhaustion(exhaustion: BudgetExhaustion): string {
  const whose = exhaustion.scope === 'run' ? "the run's" : "the tenant's daily";
  const amount = (value: number) => (exhaustion.measure === 'tokens' ? `${Math.round(value)} tokens` : `$${value.toFixed(6).replace(/\.?0+$/, '')}`);
  const measure = exhaustion.measure === 'tokens' ? 'token' : 'cost';
  const next = exhaustion.next > 0 ? `, about ${amount(exhaustion.next)} more for the next model call` : '';
  const resets = exhaustion.resetsAt ? `; it resets at ${exhaustion.resetsAt}` : '';
  return `budget exhausted: ${whose} ${measure} budget of ${amount(exhaustion.limit)} (${amount(exhaustion.used)} used${next})${resets}`;
}

/** The error a budget stop carries: 429 `BUDGET_EXHAUSTED`, with `Retry-After` for a daily budget. */
export function budgetExhaustedError(exhaustion: BudgetExhaustion, at: Date): AppError {
  const headers: Record<string, string> = exhaustion.resetsAt
    ? { 'Retry-After': String(Math.max(1, Math.ceil((Date.parse(exhaustion.resetsAt) - at.getTime()) / 1_000))) }
    : {};
  return new AppError('BUDGET_EXHAUSTED', describeExhaustion(exhaustion), {
    details: { scope: exhaustion.scope, measure: exhaustion.measure, limit: exhaustion.limit, used: exhaustion.used, next: exhaustion.next, ...(exhaustion.resetsAt ? { resets_at: exhaustion.resetsAt } : {}) },
    headers,
  });
}

/**
 * What a new run's first model call is expected to cost: the tenant's average call of the day
 * (its prompt, as in-run checks estimate a call by its prompt). A day whose remainder is smaller
 * is spent: each run admitted would stop at its first call with nothing done, so it is refused.
 */
function typicalCall(totals: UsageCounters): BudgetSpend {
  if (totals.calls === 0) return { tokens: 0, costNanoUsd: 0 };
  return { tokens: totals.inputTokens / totals.calls, costNanoUsd: totals.costNanoUsd / totals.calls };
}

/** A stop for a budget (thrown before a model call, or on run creation). */
export function isBudgetExhausted(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'BUDGET_EXHAUSTED';
}

/**
 * The budgets of `BUDGET_*` and `BUDGET_TENANTS`, measured against the usage store: a run's
 * own calls (`forRun`) and the tenant's UTC day (`summarize`). Tokens are input plus output
 * tokens; cost is the price table's estimate that usage records carry.
 * @example const policy = createBudgetPolicy({ config: config.budgets, usage });
 */
export function createBudgetPolicy(options: BudgetPolicyOptions): BudgetPolicy {
  const { config, usage } = options;
  const clock = options.clock ?? (() => new Date());
  const anyLimit = (limits: Partial<BudgetLimits>) => Object.values(limits).some((value) => (value ?? 0) > 0);
  const enabled = anyLimit(config.defaults) || Object.values(config.tenants).some(anyLimit);

  function limitsFor(tenantId: string): BudgetLimits {
    return enabled ? { ...none, ...config.defaults, ...config.tenants[tenantId] } : none;
  }

  async function dailyTotals(tenantId: string, at: Date): Promise<UsageCounters> {
    const day = at.toISOString().slice(0, 10);
    return (await usage.summarize({ tenantId, from: day, to: day })).totals;
  }

  async function dailySpend(tenantId: string, at: Date): Promise<BudgetSpend> {
    return spendOf(await dailyTotals(tenantId, at));
  }

  function exceeded(limits: BudgetLimits, scope: BudgetExhaustion['scope'], used: BudgetSpend, next: BudgetSpend, at: Date): BudgetExhaustion | undefined {
    const [tokenLimit, costLimit] = scope === 'run' ? [limits.runTokens, limits.runCostUsd] : [limits.dailyTokens, limits.dailyCostUsd];
    const resetsAt = scope === 'tenant_daily' ? { resetsAt: nextUtcMidnight(at).toISOString() } : {};
    // Spent already, or would be by this call (estimated from its prompt): either way it stops here.
    if (tokenLimit > 0 && (used.tokens >= tokenLimit || used.tokens + next.tokens > tokenLimit)) {
      return { scope, measure: 'tokens', limit: tokenLimit, used: used.tokens, next: next.tokens, ...resetsAt };
    }
    const costUsed = used.costNanoUsd / 1e9;
    const costNext = next.costNanoUsd / 1e9;
    if (costLimit > 0 && (costUsed >= costLimit || costUsed + costNext > costLimit)) {
      return { scope, measure: 'cost_usd', limit: costLimit, used: costUsed, next: costNext, ...resetsAt };
    }
    return undefined;
  }

  return {
    enabled,
    limitsFor,
    dailySpend,
    exceeded,
    clock,
    async admitRun(tenantId, run) {
      const limits = limitsFor(tenantId);
      if (limits.dailyTokens <= 0 && limits.dailyCostUsd <= 0) return;
      const at = clock();
      const totals = await dailyTotals(tenantId, at);
      const spent = spendOf(totals);
      const exhaustion = exceeded(limits, 'tenant_daily', spent, { tokens: 0, costNanoUsd: 0 }, at) ?? exceeded(limits, 'tenant_daily', spent, typicalCall(totals), at);
      if (!exhaustion) return;
      await recordBudgetExhaustion(options.audit, { tenantId, graph: run?.graph ?? 'unknown', outcome: 'refused', threadId: run?.threadId, actor: run?.actor }, exhaustion);
      throw budgetExhaustedError(exhaustion, at);
    },
  };
}
