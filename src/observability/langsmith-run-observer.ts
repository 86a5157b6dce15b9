import type { RunObserver, RunRecord } from '../runs/index.ts';
import type { LangSmithTracing } from './langsmith-tracing.ts';

/**
 * Traces every run this process executes to LangSmith: the run gets a tracer carrying its
 * thread, run, tenant, assistant and graph, among its callbacks.
 * @example combineRunObservers([createRunObserver(...), createLangSmithRunObserver(langsmith)]);
 */
export function createLangSmithRunObserver(tracing: LangSmithTracing): RunObserver {
  return {
    started(record) {
      const tracer = tracing.tracerFor({
        runId: record.run_id,
        threadId: record.thread_id,
        tenantId: record.tenant_id,
        assistantId: record.assistant_id,
        graphId: graphOf(record),
      });
      return { callbacks: [tracer], settled: async () => [] };
    },
  };
}

// As `graphIdOf` in runs/ says it; read here so observability imports nothing but types from runs/.
function graphOf(record: RunRecord): string {
  const graphId = record.kwargs.config.configurable?.graph_id;
  return typeof graphId === 'string' ? graphId : record.assistant_id;
}
