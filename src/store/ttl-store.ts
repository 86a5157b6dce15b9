import { BaseStore, validateNamespace, type Item, type SearchItem } from '@langchain/langgraph-checkpoint';

export interface ReadOptions {
  /** Override the store's `refreshOnRead` for this read. */
  refreshTtl?: boolean;
}

export interface SearchOptions extends ReadOptions {
  filter?: Record<string, unknown>;
  limit?: number;
  offset?: number;
  query?: string;
}

export interface PutOptions {
  /** Minutes until the item expires; `null` never; absent uses the store's `defaultTtl`. */
  ttl?: number | null;
}

/**
 * A `BaseStore` whose convenience methods also carry the LangGraph store API's ttl options
 * (`ttl` on put, `refreshTtl` on get and search) down to `batch`. Graphs that only know
 * `BaseStore` keep working; callers that know this class (the HTTP routes) get expiry.
 */
export abstract class TtlStore extends BaseStore {
  override async get(namespace: string[], key: string, options: ReadOptions = {}): Promise<Item | null> {
    validateNamespace(namespace, { allowEmpty: true, allowReservedRoot: true });
    const [item] = await this.batch([{ namespace, key, ...definedOnly(options) }]);
    return item ?? null;
  }

  override async search(namespacePrefix: string[], options: SearchOptions = {}): Promise<SearchItem[]> {
    validateNamespace(namespacePrefix, { allowEmpty: true, allowReservedRoot: true });
    const { filter, limit = 10, offset = 0, query, refreshTtl } = options;
    const [items] = await this.batch([{ namespacePrefix, filter, limit, offset, query, ...definedOnly({ refreshTtl }) }]);
    return items ?? [];
  }

  override async put(
    namespace: string[],
    key: string,
    value: Record<string, unknown>,
    index?: false | string[],
    options: PutOptions = {},
  ): Promise<void> {
    validateNamespace(namespace);
    await this.batch([{ namespace, key, value, index, ...definedOnly(options) }]);
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
