import { guardStorageAsync } from '../errors.ts';

/** Runs one checkpoint store operation; any failure of the store becomes STORAGE_ERROR (HTTP 503). */
export function withStorageErrors<T>(work: () => Promise<T>): Promise<T> {
  return guardStorageAsync('Checkpoint store unavailable', work);
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
