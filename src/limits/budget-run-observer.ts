import { trace } from '@opentelemetry/api';
import type { AuditLog, PriceTable, UsageStore } from '../observability/index.ts';
import { graphIdOf, type RunObserver } from '../runs/index.ts';
import { BudgetCallbackHandler } from './budget-callback-handler.ts';
import type { BudgetPolicy } from './budget-policy.ts';
import { recordBudgetExhaustion } from './record-budget-exhaustion.ts';

export interface BudgetRunObserverDependencies {
  policy: BudgetPolicy;
  usage: UsageStore;
  prices: PriceTable;
  /** Where a run's budget stop is recorded (`budget.exhausted`, counted in the metrics by the observed audit log). */
  audit?: AuditLog;
}

/**
 * Gives every run this process executes its `BudgetCallbackHandler`, so each model call of the
 * run (however deep in its subgraphs) is checked against the run's and the tenant's budgets
 * first; the stop is audited and put on the run's `invoke_agent` span. Runs of a deployment
 * without budgets get nothing.
 * @example createRunManager({ ..., observer: combineRunObservers([usageObserver, createBudgetRunObserver({ policy, usage, prices, audit })]) });
 */
export function createBudgetRunObserver(dependencies: BudgetRunObserverDependencies): RunObserver {
  const { policy, usage, prices, audit } = dependencies;
  return {
    started(record) {
      if (!policy.enabled) return { settled: async () => [] };
      // The run's `invoke_agent` span: the executor tells observers of a run inside it. A model
      // call's own context is a hop's or a tool's, so the span is taken here, not at the stop.
      const span = trace.getActiveSpan();
      const site = { tenantId: record.tenant_id, graph: graphIdOf(record), outcome: 'stopped' as const, runId: record.run_id, threadId: record.thread_id };
      const handler = new BudgetCallbackHandler({
        policy, usage, prices,
        run: { tenantId: record.tenant_id, runId: record.run_id },
        onExhausted: (exhaustion) => recordBudgetExhaustion(audit, site, exhaustion, span),
      });
      return { callbacks: [handler], settled: async () => [] };
    },
  };
}
