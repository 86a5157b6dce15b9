import { InvalidNamespaceError } from '@langchain/langgraph-checkpoint';
import { AppError, isAppError } from '../errors.ts';

/**
 * Infrastructure failures (SQLite busy or corrupt, Redis down or timing out) become one
 * STORAGE_ERROR with the original in `cause`. Caller mistakes keep their own type:
 * `InvalidNamespaceError` for a bad namespace, `RangeError` for a bad ttl, `AppError` as is.
 */
export function toStoreError(error: unknown): unknown {
  if (isAppError(error) || error instanceof InvalidNamespaceError || error instanceof RangeError) return error;
  return new AppError('STORAGE_ERROR', 'Memory store unavailable', { cause: error });
}
