import { randomUUID } from 'node:crypto';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { RunEvent } from './run-event.ts';
import { streamGraphRun, type GraphRunRequest } from './stream-graph-run.ts';

export interface StatelessRunOptions extends Omit<GraphRunRequest, 'runId' | 'configurable'> {
  graph: Parameters<typeof streamGraphRun>[0];
  checkpointer?: BaseCheckpointSaver;
  configurable?: Record<string, unknown>;
  /** Keep the temporary thread after the run (LangGraph API `on_completion: keep`). */
  keepThread?: boolean;
  runId?: string;
}

/**
 * A run with no thread of its own: it gets a temporary thread (so interrupts and the effect
 * ledger still have a scope) that is deleted when the run ends unless asked to keep it.
 */
export async function* streamStatelessRun(options: StatelessRunOptions): AsyncGenerator<RunEvent> {
  const runId = options.runId ?? randomUUID();
  const threadId = randomUUID();
  try {
    yield* streamGraphRun(options.graph, {
      ...options,
      runId,
      configurable: { ...options.configurable, thread_id: threadId },
    });
  } finally {
    if (!options.keepThread) {
      // Clean-up must never hide the run's own outcome (a storage outage fails both).
      await options.checkpointer?.deleteThread(threadId).catch((error: unknown) => {
        console.warn(`could not delete temporary thread ${threadId}:`, error instanceof Error ? error.message : error);
      });
    }
  }
}

/** Run to the end and return the last `values` event: what `POST /runs/wait` answers. */
export async function waitStatelessRun(options: StatelessRunOptions): Promise<unknown> {
  let last: unknown = null;
  for await (const event of streamStatelessRun({ ...options, streamModes: ['values'] })) {
    if (event.event === 'values') last = event.data;
  }
  return last;
}
