import { InvalidNamespaceError } from '@langchain/langgraph-checkpoint';
import { isStackOverflow, toStorageError } from '../errors.ts';

/**
 * Infrastructure failures (SQLite busy or corrupt, Redis down or timing out) become one
 * STORAGE_ERROR with the original in `cause`. Caller mistakes keep their own type:
 * `InvalidNamespaceError` for a bad namespace, `RangeError` for a bad ttl, `AppError` as is; a
 * value too deep to serialize becomes `toStorageError`'s 400.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof InvalidNamespaceError || (error instanceof RangeError && !isStackOverflow(error))) return error;
  return toStorageError(error, 'Memory store unavailable');
}
