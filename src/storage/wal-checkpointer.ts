import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { logError } from '../observability/log-error.ts';

export interface WalCheckpointer {
  /** Fold the WAL into the database file one last time and end the worker. */
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints while commits arrive (default 50 ms; up to 1 s when idle). */
  intervalMs?: number;
}

/**
 * Keep WAL checkpoints off the serving thread: a worker thread with its own connection copies
 * committed frames into the database file every `intervalMs` (PASSIVE: it never blocks the
 * serving connection). The serving connection keeps its automatic checkpoint; when that fires
 * it finds the frames already copied and only resets the WAL, instead of copying megabytes and
 * syncing the file inside some request's commit. If the worker dies, automatic checkpoints
 * simply do all the work again. A file-less database (`:memory:`) has no WAL: nothing starts.
 * @example const checkpointer = startWalCheckpointer(database); ...; await checkpointer.stop();
 */
export function startWalCheckpointer(database: DatabaseSync, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const file = database.location();
  if (!file) return { stop: async () => undefined };
  const worker = new Worker(new URL('./wal-checkpoint-worker.ts', import.meta.url), {
    workerData: { file, intervalMs: options.intervalMs ?? 50 },
  });
  worker.unref();
  worker.on('message', (message: { type: string; message?: string }) => {
    if (message.type === 'error') logError('WAL checkpoint failed (will retry):', new Error(message.message));
  });
  worker.on('error', (error) => logError('WAL checkpoint worker stopped; commits checkpoint by themselves now:', error));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Unreferenced so it never keeps a process alive by itself; while stopping, though, the
      // event loop must wait for its last checkpoint and exit.
      worker.ref();
      worker.postMessage({ type: 'stop' });
      await exited;
    },
  };
}
