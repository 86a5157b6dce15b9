/** Starts and stops a periodic sweep of expired items; a no-op without an interval. */
export interface Sweeper {
  start(): void;
  stop(): void;
}

export function createSweeper(sweep: () => Promise<unknown>, intervalMinutes: number | undefined): Sweeper {
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    start() {
      if (timer || !intervalMinutes) return;
      timer = setInterval(() => {
        // A failed sweep is retried at the next tick; expired items stay hidden from reads meanwhile.
        sweep().catch(() => undefined);
      }, intervalMinutes * 60_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
