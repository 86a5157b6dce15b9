import { guardStorageAsync } from '../errors.ts';

/**
 * The same repository (an object of async methods) with every failure of the store underneath
 * (Redis, SQLite) turned into `AppError('STORAGE_ERROR')` (HTTP 503) saying `message`, the
 * cause kept; `AppError`s pass unchanged (see `toStorageError`).
 * @example return guardStorageErrors(repository, 'Cron store unavailable');
 */
export function guardStorageErrors<Repository extends object>(repository: Repository, message: string): Repository {
  const guarded: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(repository) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    guarded[name] = (...args: unknown[]) => guardStorageAsync(message, () => method(...args));
  }
  return guarded as Repository;
}
