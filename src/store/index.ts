/**
 * LangGraph long-term memory stores (`BaseStore`): pass one to `graph.compile({ store })` and
 * nodes reach it as `config.store`.
 * - `SqliteStore` (node:sqlite) and `RedisStore` (ioredis) behave like LangGraph's InMemoryStore
 *   (gets, puts, deletes, prefix searches with filters and paging, namespace listing), and add
 *   expiry (`ttl` minutes on put, refreshed by reads) and lexical ranking: a `query` is ranked by
 *   cosine similarity when an `index` with embeddings is configured, and otherwise by the share
 *   of query words found in the item's indexed text.
 * - `createTenantStore(store, tenantId)` is the view one tenant may use: its namespaces live
 *   under the tenant label, which it can neither see nor leave.
 */
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
export { RedisStore, type RedisStoreOptions } from './redis-store.ts';
export { createTenantStore } from './tenant-store.ts';
export { TtlStore, type PutOptions, type ReadOptions, type SearchOptions } from './ttl-store.ts';
export type {
  PersistentStoreOptions,
  StoreGetOperation,
  StoreIndexConfig,
  StorePutOperation,
  StoreSearchOperation,
  TtlConfig,
} from './store-types.ts';
