import type { ListNamespacesOperation, Operation } from '@langchain/langgraph-checkpoint';
import { InvalidNamespaceError, validateNamespace } from '@langchain/langgraph-checkpoint';
import { itemIdOf } from './namespace-path.ts';
import type { StoreGetOperation, StorePutOperation, StoreSearchOperation } from './store-types.ts';

export type PlannedRead =
  | { kind: 'get'; position: number; operation: StoreGetOperation }
  | { kind: 'search'; position: number; operation: StoreSearchOperation }
  | { kind: 'list'; position: number; operation: ListNamespacesOperation };

export interface BatchPlan {
  /** Reads with their position in the batch; they see the state from before the batch's writes. */
  reads: PlannedRead[];
  /** Writes, one per item: a later put of the same item replaces an earlier one, as in InMemoryStore. */
  puts: StorePutOperation[];
}

/**
 * Sorts a batch into reads and writes and validates every namespace the way InMemoryStore
 * does: puts and gets need a non-empty namespace without ".", ":" or NUL in a label.
 */
export function planBatch(operations: readonly Operation[]): BatchPlan {
  const reads: PlannedRead[] = [];
  const puts = new Map<string, StorePutOperation>();
  operations.forEach((operation, position) => {
    if ('namespacePrefix' in operation) {
      validateNamespace(operation.namespacePrefix, { allowEmpty: true, allowReservedRoot: true });
      reads.push({ kind: 'search', position, operation });
    } else if ('namespace' in operation && 'key' in operation) {
      validateNamespace(operation.namespace, { allowReservedRoot: true });
      if ('value' in operation) puts.set(itemIdOf(operation.namespace, operation.key), operation);
      else reads.push({ kind: 'get', position, operation });
    } else if ('limit' in operation || 'matchConditions' in operation || 'maxDepth' in operation) {
      reads.push({ kind: 'list', position, operation });
    } else {
      throw new InvalidNamespaceError(`Unknown store operation: ${JSON.stringify(operation)}`);
    }
  });
  return { reads, puts: [...puts.values()] };
}
