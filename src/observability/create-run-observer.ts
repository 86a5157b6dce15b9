import type { RunObserver, RunRecord } from '../runs/index.ts';
import type { Metrics } from './create-metrics.ts';
import { GenAiTracingHandler } from './gen-ai-tracing-handler.ts';
import { logError } from './log-error.ts';
import { ModelCallHandlers } from './model-call-handlers.ts';
import { toUsageTotals, type UsageStore } from './model-usage.ts';
import type { PriceTable } from './price-table.ts';
import { UsageCallbackHandler } from './usage-callback-handler.ts';

export interface RunObserverDependencies {
  metrics: Metrics;
  usage: UsageStore;
  prices: PriceTable;
  clock?: () => Date;
  /** Add a `chat` span per model call (tracing on). */
  traceModelCalls?: boolean;
}

/**
 * What the run manager is told of each run it executes: queue wait and duration by graph and
 * status, and every model call through a `UsageCallbackHandler` (latency and tokens by role and
 * model, usage recorded with run, thread and tenant). When the run settles its usage, read back
 * from the store (so a run resumed on another worker counts every attempt), is published as a
 * `usage` event, the stream's last before it ends. A failed run ends with its `error` event, as
 * the LangGraph API's runs do (clients stop reading there); its usage is on its record.
 * @example createRunManager({ ..., observer: createRunObserver({ metrics, usage, prices }) });
 */
export function createRunObserver(dependencies: RunObserverDependencies): RunObserver {
  const { metrics, usage, prices, clock } = dependencies;
  // One handler serves every run: its spans are keyed by LangChain's call ids.
  const tracingHandler = dependencies.traceModelCalls ? new GenAiTracingHandler() : undefined;
  return {
    started(record) {
      const graph = graphOf(record);
      const tenant = record.tenant_id;
      const startedAt = performance.now();
      const waited = ((clock?.() ?? new Date()).getTime() - Date.parse(record.created_at)) / 1_000;
      metrics.runStarted({ graph, tenant, waitSeconds: Math.max(0, waited) });
      const handler = new UsageCallbackHandler({
        run: { tenantId: tenant, runId: record.run_id, threadId: record.thread_id },
        prices,
        store: usage,
        clock,
        onCall: ({ role, model, outcome, durationSeconds, usage: call }) =>
          metrics.modelCall({
            role, model, tenant, outcome, durationSeconds,
            ...(call
              ? {
                tokens: { input: call.inputTokens, output: call.outputTokens, cached: call.cachedTokens, reasoning: call.reasoningTokens },
                costUsd: call.costNanoUsd / 1e9,
              }
              : {}),
          }),
      });
      return {
        // One handler in LangChain's lists either way (each one costs at every graph step).
        callbacks: [tracingHandler ? new ModelCallHandlers([handler, tracingHandler]) : handler],
        async settled(outcome) {
          metrics.runSettled({ graph, tenant, status: outcome.status, durationSeconds: (performance.now() - startedAt) / 1_000 });
          if (outcome.status === 'error') return [];
          const counters = await usage.forRun(tenant, record.run_id).catch((error: unknown) => {
            logError(`run ${record.run_id}: could not read its usage:`, error);
            return undefined;
          });
          return counters ? [{ event: 'usage', data: { run_id: record.run_id, ...toUsageTotals(counters) } }] : [];
        },
      };
    },
  };
}

// As `graphIdOf` in runs/ says it; read here so observability imports nothing but types from runs/.
function graphOf(record: RunRecord): string {
  const graphId = record.kwargs.config.configurable?.graph_id;
  return typeof graphId === 'string' ? graphId : record.assistant_id;
}
