import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { LangChainTracer } from '@langchain/core/tracers/tracer_langchain';
import { Client } from 'langsmith';
import { createAnonymizer } from 'langsmith/anonymizer';
import type { LangSmithConfig } from '../config.ts';
import { redactPii } from './redact-pii.ts';

/** Who a traced run is: LangSmith groups a thread's runs by `thread_id` and filters by the rest. */
export interface TracedRun {
  runId: string;
  threadId: string;
  tenantId: string;
  assistantId: string;
  graphId: string;
}

export interface LangSmithTracing {
  readonly project: string;
  readonly endpoint: string;
  /** A tracer for one run: every graph step, model and tool call of it, with the run's metadata. */
  tracerFor(run: TracedRun): BaseCallbackHandler;
  /**
   * Send what is queued, waiting at most `timeoutMs`: true when everything went, false when the
   * time ran out (LangSmith slow or down; the rest is dropped with the process).
   */
  flush(timeoutMs: number): Promise<boolean>;
}

export interface LangSmithTracingOptions {
  /** The transport (tests, proxies); global `fetch` by default. */
  fetch?: typeof fetch;
}

/**
 * Tracing to LangSmith through LangChain's own tracer (`LangChainTracer`) on a client of our
 * own, configured from `LANGSMITH_*`: runs are batched and sent in the background, so a slow or
 * unreachable LangSmith never holds up or fails a run (the client logs and drops what it could
 * not send). Inputs, outputs and metadata go through the same PII redaction as the logs.
 * @example const tracing = createLangSmithTracing(config.observability.langsmith);
 */
export function createLangSmithTracing(config: LangSmithConfig, options: LangSmithTracingOptions = {}): LangSmithTracing {
  const client = new Client({
    apiUrl: config.endpoint,
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    ...(config.workspaceId ? { workspaceId: config.workspaceId } : {}),
    autoBatchTracing: true,
    // Bounded per request, so a stalled endpoint cannot keep a batch (or a shutdown) waiting long.
    timeout_ms: 10_000,
    anonymizer: createAnonymizer((value: string) => redactPii(value), { maxDepth: 64 }),
    ...(options.fetch ? { fetchImplementation: options.fetch } : {}),
  });

  return {
    project: config.project,
    endpoint: config.endpoint,
    tracerFor(run) {
      return new LangChainTracer({
        client,
        projectName: config.project,
        // On every run of the trace: `thread_id` makes LangSmith show a thread's runs as one conversation.
        metadata: { thread_id: run.threadId, run_id: run.runId, tenant_id: run.tenantId, assistant_id: run.assistantId, graph_id: run.graphId },
        tags: [`graph:${run.graphId}`],
      });
    },
    async flush(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      });
      const sent = client.awaitPendingTraceBatches().then(() => true, () => false);
      try {
        return await Promise.race([sent, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
