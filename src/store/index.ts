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
