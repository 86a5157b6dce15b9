import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { isAppError } from '../errors.ts';
import { createSqliteUsageStore, type ModelUsageRecord } from '../observability/index.ts';
import { openDatabase } from '../storage/index.ts';
import { createBudgetPolicy, isBudgetExhausted, nextUtcMidnight } from './budget-policy.ts';

const call = (tenantId: string, at: string, tokens: { input: number; output: number }, costNanoUsd = 0): ModelUsageRecord => ({
  tenantId, runId: 'run-1', threadId: 'thread-1', role: 'executor', model: 'gpt-4o-mini', at,
  inputTokens: tokens.input, outputTokens: tokens.output, cachedTokens: 0, reasoningTokens: 0, costNanoUsd, estimated: false,
});

function policyWith(environment: Record<string, string>, now: () => Date) {
  const database = openDatabase(':memory:');
  const usage = createSqliteUsageStore(database);
  const policy = createBudgetPolicy({ config: loadConfig({ NODE_ENV: 'test', ...environment }).budgets, usage, clock: now });
  return { usage, policy, close: () => database.close() };
}

describe('budget policy', () => {
  it('is off without limits: every tenant gets none', () => {
    const { policy, close } = policyWith({}, () => new Date());
    expect(policy.enabled).toBe(false);
    expect(policy.limitsFor('acme')).toEqual({ runTokens: 0, runCostUsd: 0, dailyTokens: 0, dailyCostUsd: 0 });
    close();
  });

  it('lays BUDGET_TENANTS over BUDGET_*, a 0 there lifting a default for that tenant', () => {
    const { policy, close } = policyWith({ BUDGET_RUN_TOKENS: '1000', BUDGET_TENANTS: JSON.stringify({ acme: { run_tokens: 0, daily_cost_usd: 2.5 } }) }, () => new Date());
    expect(policy.limitsFor('acme')).toEqual({ runTokens: 0, runCostUsd: 0, dailyTokens: 0, dailyCostUsd: 2.5 });
    expect(policy.limitsFor('globex')).toEqual({ runTokens: 1000, runCostUsd: 0, dailyTokens: 0, dailyCostUsd: 0 });
    close();
  });

  it('refuses BUDGET_TENANTS that is not JSON, names an invalid tenant or an unknown limit', () => {
    for (const value of ['{', JSON.stringify({ 'bad tenant': { run_tokens: 1 } }), JSON.stringify({ acme: { tokens: 1 } }), JSON.stringify({ acme: { run_tokens: -1 } })]) {
      let thrown: unknown;
      try {
        loadConfig({ BUDGET_TENANTS: value });
      } catch (error) {
        thrown = error;
      }
      expect(isAppError(thrown) && thrown.code, value).toBe('BAD_REQUEST');
    }
  });

  it('stops at a budget already spent or that the next call would pass, in tokens or in dollars', () => {
    const { policy, close } = policyWith({ BUDGET_RUN_TOKENS: '100', BUDGET_RUN_COST_USD: '0.01' }, () => new Date());
    const limits = policy.limitsFor('acme');
    const at = new Date('2026-04-01T10:00:00Z');
    expect(policy.exceeded(limits, 'run', { tokens: 60, costNanoUsd: 0 }, { tokens: 40, costNanoUsd: 0 }, at)).toBeUndefined();
    expect(policy.exceeded(limits, 'run', { tokens: 60, costNanoUsd: 0 }, { tokens: 41, costNanoUsd: 0 }, at)).toMatchObject({ scope: 'run', measure: 'tokens', used: 60, next: 41 });
    expect(policy.exceeded(limits, 'run', { tokens: 100, costNanoUsd: 0 }, { tokens: 0, costNanoUsd: 0 }, at)).toMatchObject({ measure: 'tokens' });
    expect(policy.exceeded(limits, 'run', { tokens: 1, costNanoUsd: 9_000_000 }, { tokens: 1, costNanoUsd: 2_000_000 }, at)).toMatchObject({ measure: 'cost_usd', limit: 0.01, used: 0.009, next: 0.002 });
    close();
  });

  it('answers a tenant over its daily budget 429 with Retry-After to the next UTC midnight, and lets it in on the next day', async () => {
    let now = new Date('2026-04-01T23:59:30Z');
    const { usage, policy, close } = policyWith({ BUDGET_TENANT_DAILY_TOKENS: '500' }, () => now);
    await usage.record(call('acme', '2026-04-01T09:00:00Z', { input: 400, output: 100 }));
    // Another tenant's usage and yesterday's do not count.
    await usage.record(call('globex', '2026-04-01T09:00:00Z', { input: 9_000, output: 0 }));
    let thrown: unknown;
    try {
      await policy.admitRun('acme');
    } catch (error) {
      thrown = error;
    }
    expect(isBudgetExhausted(thrown)).toBe(true);
    expect(isAppError(thrown) && thrown.headers['Retry-After']).toBe('30');
    expect(isAppError(thrown) && thrown.details).toMatchObject({ scope: 'tenant_daily', measure: 'tokens', limit: 500, used: 500, resets_at: '2026-04-02T00:00:00.000Z' });
    await expect(policy.admitRun('globex')).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    now = new Date('2026-04-02T00:00:00Z');
    await expect(policy.admitRun('acme')).resolves.toBeUndefined();
    expect(nextUtcMidnight(new Date('2026-12-31T12:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    close();
  });

  it("refuses a new run when what is left of the day is less than the day's average model call, and admits it while one fits", async () => {
    const { usage, policy, close } = policyWith({ BUDGET_TENANT_DAILY_TOKENS: '1000' }, () => new Date('2026-04-01T12:00:00Z'));
    // Two calls, prompts of 300 on average: 700 used, 300 left, an average call fits exactly.
    await usage.record(call('acme', '2026-04-01T09:00:00Z', { input: 200, output: 50 }));
    await usage.record(call('acme', '2026-04-01T09:01:00Z', { input: 400, output: 50 }));
    await expect(policy.admitRun('acme')).resolves.toBeUndefined();
    // One token more on the same calls: the average call no longer fits, so a run would stop at its first call.
    await usage.record(call('globex', '2026-04-01T09:00:00Z', { input: 200, output: 51 }));
    await usage.record(call('globex', '2026-04-01T09:01:00Z', { input: 400, output: 50 }));
    await expect(policy.admitRun('globex')).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED', details: { scope: 'tenant_daily', used: 701, next: 300, limit: 1000 } });
    close();
  });
});
