import type { Span } from '@opentelemetry/api';
import { logError, overseerAttributes, type AuditLog } from '../observability/index.ts';
import type { BudgetExhaustion } from './budget-policy.ts';

/** Where a budget stopped work: a run before one of its model calls, or a new run at admission (429). */
export interface BudgetStopSite {
  tenantId: string;
  graph: string;
  outcome: 'stopped' | 'refused';
  runId?: string;
  threadId?: string;
  /** Who was refused (the caller's name); `system` for a running run's stop. */
  actor?: string;
}

/** The budget's name as `BUDGET_TENANTS` spells it: run_tokens, run_cost_usd, daily_tokens, daily_cost_usd. */
export function budgetNameOf(exhaustion: Pick<BudgetExhaustion, 'scope' | 'measure'>): string {
  return `${exhaustion.scope === 'run' ? 'run' : 'daily'}_${exhaustion.measure}`;
}

/**
 * Make a budget stop visible: a `budget.exhausted` audit record (which budget, used against its
 * limit, what the next call would have added), which the observed audit log counts in
 * `overseer_budget_exhausted_total`, and on `span` (the run's `invoke_agent`) the attribute
 * `overseer.budget.exhausted` and a `budget.exhausted` event. A failure to record is logged: the
 * stop itself stands either way.
 */
export async function recordBudgetExhaustion(audit: AuditLog | undefined, site: BudgetStopSite, exhaustion: BudgetExhaustion, span?: Span): Promise<void> {
  const budget = budgetNameOf(exhaustion);
  span?.setAttribute(overseerAttributes.budgetExhausted, budget);
  span?.addEvent('budget.exhausted', {
    'overseer.budget.scope': exhaustion.scope,
    'overseer.budget.measure': exhaustion.measure,
    'overseer.budget.limit': exhaustion.limit,
    'overseer.budget.used': exhaustion.used,
    'overseer.budget.next': exhaustion.next,
  });
  await audit?.append({
    tenantId: site.tenantId,
    type: 'budget.exhausted',
    ...(site.runId === undefined ? {} : { runId: site.runId }),
    ...(site.threadId === undefined ? {} : { threadId: site.threadId }),
    actor: site.actor ?? 'system',
    data: {
      outcome: site.outcome,
      graph: site.graph,
      budget,
      scope: exhaustion.scope,
      measure: exhaustion.measure,
      limit: exhaustion.limit,
      used: exhaustion.used,
      next: exhaustion.next,
      ...(exhaustion.resetsAt ? { resetsAt: exhaustion.resetsAt } : {}),
    },
  }).catch((error: unknown) => logError(`could not audit a budget stop of tenant ${site.tenantId}:`, error));
}
