import { AppError } from '../errors.ts';

export interface RunDeadline {
  /** The `RUN_TIMEOUT` error once the deadline has passed and the run was aborted. */
  readonly reached: AppError | undefined;
  clear(): void;
}

/**
 * Abort a run's controller when it outlasts `timeoutMs` (0: never), so a model stream that
 * never ends cannot hold the run and its thread for ever.
 */
export function startRunDeadline(controller: AbortController, timeoutMs: number | undefined): RunDeadline {
  let reached: AppError | undefined;
  const timer = timeoutMs
    ? setTimeout(() => {
      reached = new AppError('RUN_TIMEOUT', `The run did not finish within its deadline of ${timeoutMs} ms (RUN_TIMEOUT_MS) and was stopped.`);
      controller.abort(reached);
    }, timeoutMs)
    : undefined;
  return {
    get reached() {
      return reached;
    },
    clear: () => clearTimeout(timer),
  };
}
