import { AsyncLocalStorage } from 'node:async_hooks';
import { activeTraceIds } from './trace-context.ts';

/** What every log line written while handling a request or executing a run says it belongs to. */
export interface LogContext {
  request_id?: string;
  run_id?: string;
  thread_id?: string;
  tenant?: string;
  /**
   * The trace the line belongs to: the active OpenTelemetry span's when tracing is on, else the
   * trace id the caller sent (`traceparent`), so a line joins the caller's trace either way.
   */
  trace_id?: string;
  /** The active span's id, when tracing is on. */
  span_id?: string;
}

// A function, read when a line is written: a request's tenant is known only once it is authenticated.
const storage = new AsyncLocalStorage<() => LogContext>();

/**
 * Run `work` with `context` on every log line it writes, however deep (the logger reads it),
 * so modules that have no request or run at hand still log with their ids.
 * @example await withLogContext({ run_id, tenant }, () => execute(record));
 */
export function withLogContext<T>(context: LogContext | (() => LogContext), work: () => T): T {
  return storage.run(typeof context === 'function' ? context : () => context, work);
}

/** The fields of the request or run being handled (none outside one), without empty ones. */
export function currentLogContext(): LogContext {
  const traced = activeTraceIds();
  const found = storage.getStore()?.();
  if (!found && !traced) return {};
  const context = { ...found, ...traced };
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined && value !== null)) as LogContext;
}

const traceparentPattern = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a W3C `traceparent` header, or undefined when it is absent or malformed (all-zero ids are invalid). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const traceId = traceparent?.trim().toLowerCase().match(traceparentPattern)?.[1];
  return traceId && !/^0+$/.test(traceId) ? traceId : undefined;
}
