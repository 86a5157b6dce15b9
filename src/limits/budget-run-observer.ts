import type { PriceTable, UsageStore } from '../observability/index.ts';
import type { RunObserver } from '../runs/index.ts';
import { BudgetCallbackHandler } from './budget-callback-handler.ts';
import type { BudgetPolicy } from './budget-policy.ts';

export interface BudgetRunObserverDependencies {
  policy: BudgetPolicy;
  usage: UsageStore;
  prices: PriceTable;
}

/**
 * Gives every run this process executes its `BudgetCallbackHandler`, so each model call of the
 * run (however deep in its subgraphs) is checked against the run's and the tenant's budgets
 * first. Runs of a deployment without budgets get nothing.
 * @example createRunManager({ ..., observer: combineRunObservers([usageObserver, createBudgetRunObserver({ policy, usage, prices })]) });
 */
export function createBudgetRunObserver(dependencies: BudgetRunObserverDependencies): RunObserver {
  const { policy, usage, prices } = dependencies;
  return {
    started(record) {
      if (!policy.enabled) return { settled: async () => [] };
      const handler = new BudgetCallbackHandler({ policy, usage, prices, run: { tenantId: record.tenant_id, runId: record.run_id } });
      return { callbacks: [handler], settled: async () => [] };
    },
  };
}
