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
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'MODEL_ERROR'
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
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  MODEL_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  STORAGE_ERROR: 503,
  TIMEOUT: 504,
};

export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
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
  return { code: 'INTERNAL', message: 'Internal server error' };
}

/**
 * A failure of the store underneath (SQLite locked, full or corrupt; Redis down or timing out) as
 * one `STORAGE_ERROR` (HTTP 503) naming the store, with the original kept as `cause`. An
 * `AppError` (a mistake the store code found itself) passes unchanged.
 * @example throw toStorageError(error, 'The audit log is unavailable');
 */
export function toStorageError(error: unknown, message: string): AppError {
  return isAppError(error) ? error : new AppError('STORAGE_ERROR', message, { cause: error });
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
