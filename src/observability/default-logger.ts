import { createLogger, type Logger } from './logger.ts';

let configured: Logger | undefined;

/**
 * The logger of code that has no services at hand: `logError` is called from deep modules
 * (stores, the run queue, tool sources) that are built without a logger, and threading one
 * through every factory would change each signature for one line each. `createServices` sets
 * it to the service's own logger (LOG_LEVEL), so those lines are JSON like the rest; before
 * that (a CLI, a test without services) it is an `info` logger on standard output.
 */
export function defaultLogger(): Logger {
  configured ??= createLogger({ level: 'info' });
  return configured;
}

/** Make `logger` the one `logError` writes to (the last service created in a process wins). */
export function setDefaultLogger(logger: Logger): void {
  configured = logger;
}
