import { InvalidNamespaceError } from '@langchain/langgraph-checkpoint';
import { toStorageError } from '../errors.ts';

/**
 * Infrastructure failures (SQLite busy or corrupt, Redis down or timing out) become one
 * STORAGE_ERROR with the original in `cause`. Caller mistakes keep their own type:
 * `InvalidNamespaceError` for a bad namespace, `RangeError` for a bad ttl, `AppError` as is.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof InvalidNamespaceError || error instanceof RangeError) return error;
  return toStorageError(error, 'Memory store unavailable');
}
