import { AppError, isAppError } from '../errors.ts';

/**
 * Runs one storage operation and turns any failure (Redis: connection refused or closed,
 * command timeout, retries exhausted, an error reply; SQLite: locked, full, I/O error) into a
 * STORAGE_ERROR (HTTP 503), so callers see one clear code and the raw error stays in `cause`.
 */
export async function withStorageErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(error);
  }
}

export function toStorageError(error: unknown): AppError {
  if (isAppError(error)) {
    return error;
  }
  return new AppError('STORAGE_ERROR', 'Checkpoint store unavailable', { cause: error });
}

/** ioredis resolves EXEC with one `[error, result]` pair per command; any error fails the whole call. */
export function assertTransactionSucceeded(results: Array<[Error | null, unknown]> | null): void {
  if (results === null) {
    throw new Error('Redis transaction was aborted');
  }
  const failed = results.find(([error]) => error !== null);
  if (failed) {
    throw failed[0];
  }
}
