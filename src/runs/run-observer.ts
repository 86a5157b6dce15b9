import type { Callbacks } from '@langchain/core/callbacks/manager';
import type { RunOutcome } from './execute-run.ts';
import type { RunEvent } from './run-event.ts';
import type { RunRecord } from './run-records.ts';

/**
 * Watches every run this process executes, for metrics and accounting, without the executor
 * knowing what is measured: it is told when a run starts and when it settles, and hands the
 * graph run its LangChain callbacks (which see every model call, however deep).
 */
export interface RunObserver {
  started(record: RunRecord): RunObservation;
}

export interface RunObservation {
  /** Passed to the graph run's config. */
  callbacks?: Callbacks;
  /**
   * Once the run's record is final. The events it returns (the run's `usage`) are published
   * last, before the stream ends. Must not throw.
   */
  settled(outcome: RunOutcome): Promise<RunEvent[]>;
}
