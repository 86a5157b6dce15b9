import {
  type BaseStore,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type SearchItem,
  validateNamespace,
} from '@langchain/langgraph-checkpoint';
import { AppError } from '../errors.ts';
import { TtlStore } from './ttl-store.ts';

/**
 * A view of `store` for one tenant: every namespace the caller names gets `tenantId` put in
 * front, and every namespace the store returns has it taken off again. A tenant can neither
 * name nor list another tenant's namespaces, because the tenant label is never the caller's to
 * choose. Ttl options pass through when the inner store understands them.
 * @example
 * const store = createTenantStore(services.store, principal.tenantId);
 * await store.put(['memories', userId], 'food', { likes: 'pizza' }); // stored under [tenantId, 'memories', userId]
 */
export function createTenantStore(store: BaseStore, tenantId: string): TtlStore {
  validateNamespace([tenantId]);
  return new TenantStore(store, tenantId);
}

class TenantStore extends TtlStore {
  readonly #store: BaseStore;
  readonly #tenantId: string;

  constructor(store: BaseStore, tenantId: string) {
    super();
    this.#store = store;
    this.#tenantId = tenantId;
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const scoped = operations.map((operation) => this.#scope(operation));
    const results = (await this.#store.batch(scoped)) as unknown[];
    return operations.map((operation, position) => this.#unscope(operation, results[position])) as OperationResults<Op>;
  }

  #scope(operation: Operation): Operation {
    if ('namespacePrefix' in operation) {
      validateNamespace(operation.namespacePrefix, { allowEmpty: true, allowReservedRoot: true });
      return { ...operation, namespacePrefix: [this.#tenantId, ...operation.namespacePrefix] };
    }
    if ('namespace' in operation) {
      validateNamespace(operation.namespace, { allowReservedRoot: true });
      return { ...operation, namespace: [this.#tenantId, ...operation.namespace] };
    }
    const list = operation as ListNamespacesOperation;
    return {
      ...list,
      matchConditions: scopeConditions(list.matchConditions ?? [], this.#tenantId),
      ...(list.maxDepth === undefined ? {} : { maxDepth: list.maxDepth + 1 }),
    };
  }

  #unscope(operation: Operation, result: unknown): unknown {
    if ('namespacePrefix' in operation) return (result as SearchItem[]).map((item) => this.#unscopeItem(item));
    if ('namespace' in operation) return 'value' in operation || result === null ? result : this.#unscopeItem(result as Item);
    return (result as string[][]).map((namespace) => this.#unscopeNamespace(namespace));
  }

  #unscopeItem<T extends Item>(item: T): T {
    return { ...item, namespace: this.#unscopeNamespace(item.namespace) };
  }

  #unscopeNamespace(namespace: string[]): string[] {
    // Cannot happen with a correct inner store; if it ever did, failing beats leaking a tenant's data.
    if (namespace[0] !== this.#tenantId) throw new AppError('INTERNAL', 'Store returned a namespace outside the tenant');
    return namespace.slice(1);
  }
}

/**
 * Every prefix condition gains the tenant label; without one, the tenant label becomes one.
 * A suffix condition must not reach back into the tenant label (suffix `['*', 'x']` would
 * otherwise match the tenant's `['x']`), so prefixes are padded with `*` to at least the
 * longest suffix: the namespace then has that many labels after the tenant's.
 */
function scopeConditions(conditions: MatchCondition[], tenantId: string): MatchCondition[] {
  const longestSuffix = Math.max(0, ...conditions.filter((condition) => condition.matchType === 'suffix').map((condition) => condition.path.length));
  const scopedPrefix = (path: string[]): MatchCondition => ({
    matchType: 'prefix',
    path: [tenantId, ...path, ...Array<string>(Math.max(0, longestSuffix - path.length)).fill('*')],
  });
  const prefixes = conditions.filter((condition) => condition.matchType === 'prefix').map((condition) => scopedPrefix(condition.path));
  const suffixes = conditions.filter((condition) => condition.matchType === 'suffix');
  return [...(prefixes.length > 0 ? prefixes : [scopedPrefix([])]), ...suffixes];
}
