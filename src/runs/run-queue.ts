import { logError } from '../observability/index.ts';

/**
 * Decides when a run executes. The in-process queue runs up to `concurrency` runs at once,
 * first come first served; a Redis-backed queue (for several replicas) implements the same.
 */
export interface RunQueue {
  /** `job`: what a queue shared by processes carries to the worker (the in-process queue needs only the id). */
  enqueue(runId: string, job?: { tenantId: string; delayMs?: number; record?: unknown }): void;
  /** Runs waiting for a slot (with a shared queue: in the whole queue, not delayed ones) and running in this process. */
  stats(): Promise<{ waiting: number; running: number }>;
  /** Runs waiting ahead of this one (0: next), or undefined when it is not waiting (started, delayed, not queued). */
  position(runId: string): Promise<number | undefined>;
  /** Resolves when nothing is running or waiting (graceful shutdown). */
  idle(): Promise<void>;
}

export interface InProcessRunQueueOptions {
  concurrency: number;
  execute: (runId: string) => Promise<void>;
}

export function createInProcessRunQueue(options: InProcessRunQueueOptions): RunQueue {
  const waiting: string[] = [];
  let running = 0;
  let idleWaiters: Array<() => void> = [];

  function pump() {
    while (running < options.concurrency && waiting.length > 0) {
      const runId = waiting.shift()!;
      running += 1;
      // execute() reports its own failures on the run; the queue only keeps count.
      void options
        .execute(runId)
        .catch((error: unknown) => logError(`run ${runId} failed outside its own handling:`, error))
        .finally(() => {
          running -= 1;
          pump();
        });
    }
    if (running === 0 && waiting.length === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  }

  return {
    enqueue(runId) {
      waiting.push(runId);
      // Let the caller finish its own bookkeeping (respond 200 with the run) first.
      queueMicrotask(pump);
    },
    stats: async () => ({ waiting: waiting.length, running }),
    async position(runId) {
      const index = waiting.indexOf(runId);
      return index === -1 ? undefined : index;
    },
    idle: () =>
      running === 0 && waiting.length === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)),
  };
}
