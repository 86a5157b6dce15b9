/** How a piece of work ended, without throwing. */
export type Settlement<T> =
  | { kind: 'resolved'; value: T }
  | { kind: 'rejected'; error: unknown }
  /** Stopped waiting; `pending` still settles later if the work ignored the signal. */
  | { kind: 'aborted'; reason: 'timeout' | 'cancelled'; started: boolean; pending: Promise<T> };

export interface RunWithTimeoutOptions {
  timeoutMs: number;
  /** The caller's own cancellation. */
  signal?: AbortSignal;
}

/**
 * Run `work` with a signal that fires after `timeoutMs` or when the caller cancels, and
 * stop waiting for it at that moment even if it ignores the signal.
 */
export async function runWithTimeout<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: RunWithTimeoutOptions,
): Promise<Settlement<T>> {
  const timeoutSignal = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeoutSignal, options.signal]) : timeoutSignal;
  const reasonOf = (): 'timeout' | 'cancelled' => (options.signal?.aborted ? 'cancelled' : 'timeout');
  if (signal.aborted) {
    // The work never starts; its "late outcome" is the abort itself.
    const pending = Promise.reject<T>(signal.reason);
    pending.catch(() => undefined);
    return { kind: 'aborted', reason: reasonOf(), started: false, pending };
  }

  // Calling through a promise turns a synchronous throw into a rejection.
  const pending = Promise.resolve().then(() => work(signal));
  // The late outcome may never be awaited; this keeps it from being an unhandled rejection.
  pending.catch(() => undefined);

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<Settlement<T>>((resolve) => {
    onAbort = () => resolve({ kind: 'aborted', reason: reasonOf(), started: true, pending });
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      pending.then(
        (value): Settlement<T> => ({ kind: 'resolved', value }),
        (error: unknown): Settlement<T> => ({ kind: 'rejected', error }),
      ),
      aborted,
    ]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
