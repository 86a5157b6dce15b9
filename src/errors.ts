/**
 * One error class for the whole service, with a string-literal code union and one
 * code → HTTP status table (the trpc `getHTTPStatusCode` idea). Code below the HTTP
 * layer throws `AppError`; only `http/` turns it into a response.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'RUN_FENCED'
  | 'EVENTS_EXPIRED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE'
  | 'RATE_LIMITED'
  | 'TOO_MANY_RUNS'
  | 'BUDGET_EXHAUSTED'
  | 'TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'IDENTITY_PROVIDER_UNAVAILABLE'
  | 'SERVER_DRAINING'
  | 'MODEL_ERROR'
  | 'MODEL_RATE_LIMITED'
  | 'MODEL_UNAVAILABLE'
  | 'MODEL_TIMEOUT'
  | 'RUN_TIMEOUT'
  | 'STORAGE_ERROR'
  | 'INTERNAL';

const statusByCode: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  // A worker that lost its claim on a run wrote for it: refused, its successor owns the run.
  RUN_FENCED: 409,
  // Not 410: the official SDK retries a GET on any status outside 400-409 and 422, so a 410
  // would reach the user only after half a minute of back-off.
  EVENTS_EXPIRED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  TOO_MANY_RUNS: 429,
  // A tenant's daily token or cost budget is spent: new runs wait for the window to reset (Retry-After).
  BUDGET_EXHAUSTED: 429,
  INTERNAL: 500,
  MODEL_ERROR: 502,
  // The model provider's trouble, passed on as what it is: wait and retry, or try later.
  MODEL_RATE_LIMITED: 429,
  MODEL_UNAVAILABLE: 503,
  MODEL_TIMEOUT: 504,
  RUN_TIMEOUT: 504,
  UPSTREAM_UNAVAILABLE: 503,
  IDENTITY_PROVIDER_UNAVAILABLE: 503,
  // Shutting down: the client retries and the load balancer sends it to another replica.
  SERVER_DRAINING: 503,
  STORAGE_ERROR: 503,
  TIMEOUT: 504,
};

export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
  /**
   * Response headers the HTTP layer sends with this error, for the few errors whose status
   * has a header contract: `Retry-After` on 429, `WWW-Authenticate` on 401 (RFC 6750).
   */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export function httpStatusOf(code: ErrorCode): number {
  return statusByCode[code];
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * What a client may see of any thrown value. Unknown errors become INTERNAL with a
 * generic message so raw exception text never leaves the process.
 */
export function toPublicError(
  error: unknown,
  options: { exposeDetails?: boolean } = {},
): { code: ErrorCode; message: string; details?: unknown } {
  if (isAppError(error)) {
    const shown: { code: ErrorCode; message: string; details?: unknown } = {
      code: error.code,
      message: error.message,
    };
    if (error.details !== undefined && (options.exposeDetails || error.code === 'VALIDATION_FAILED')) {
      shown.details = error.details;
    }
    return shown;
  }
  // LangGraph's own verdict on a run that would not stop: the run's settings, not our fault.
  if ((error as { lc_error_code?: string } | undefined)?.lc_error_code === 'GRAPH_RECURSION_LIMIT') {
    return { code: 'UNPROCESSABLE', message: 'The graph reached its recursion limit without finishing; raise config.recursion_limit if the run needs more steps' };
  }
  return { code: 'INTERNAL', message: 'Internal server error' };
}

/**
 * A failure of the store underneath (SQLite locked, full or corrupt; Redis down or timing out) as
 * one `STORAGE_ERROR` (HTTP 503) naming the store, with the original kept as `cause`. An
 * `AppError` (a mistake the store code found itself) passes unchanged, and a value nested too
 * deeply to serialize is the caller's mistake (400), not an outage clients should retry.
 * @example throw toStorageError(error, 'The audit log is unavailable');
 */
export function toStorageError(error: unknown, message: string): AppError {
  if (isAppError(error)) return error;
  if (isStackOverflow(error)) return new AppError('BAD_REQUEST', 'The value is nested too deeply to store', { cause: error });
  return new AppError('STORAGE_ERROR', message, { cause: error });
}

/**
 * The engine's "Maximum call stack size exceeded": `JSON.stringify` and every recursive walk
 * overflow on values nested some thousands deep, which only a caller's input can be.
 */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/** Run synchronous store work; its failures become `toStorageError(error, message)`. */
export function guardStorage<T>(message: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toStorageError(error, message);
  }
}

/** Run asynchronous store work; its failures become `toStorageError(error, message)`. */
export async function guardStorageAsync<T>(message: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(error, message);
  }
}
