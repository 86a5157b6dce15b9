import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { GetOperation, PutOperation, SearchOperation } from '@langchain/langgraph-checkpoint';

/**
 * Semantic search settings, the same shape as InMemoryStore's `index` option, except that any
 * `EmbeddingsInterface` will do (LangChain's `Embeddings` class is not required).
 */
export interface StoreIndexConfig {
  /** Length of the vectors `embeddings` returns; a mismatch fails the write. */
  dims: number;
  embeddings: EmbeddingsInterface;
  /** Value paths to embed, as in InMemoryStore (`"$"` = the whole value, `"a.b"`, `"list[*].text"`). Default `["$"]`. */
  fields?: string[];
}

/** Expiry of items, as the LangGraph store API has it: minutes, refreshed by reads unless told otherwise. */
export interface TtlConfig {
  /** Minutes an item lives when its put names no `ttl`; unset means items never expire by default. */
  defaultTtl?: number;
  /** Whether reads push the expiry forward by the item's ttl (default true). */
  refreshOnRead?: boolean;
  /** When set, `start()` sweeps expired items every this many minutes until `stop()`. */
  sweepIntervalMinutes?: number;
}

/** A put that may carry its own ttl in minutes; `null` means never expire, absent means the store default. */
export interface StorePutOperation extends PutOperation {
  ttl?: number | null;
}

/** A get that may override the store's `refreshOnRead`. */
export interface StoreGetOperation extends GetOperation {
  refreshTtl?: boolean;
}

/** A search that may override the store's `refreshOnRead`. */
export interface StoreSearchOperation extends SearchOperation {
  refreshTtl?: boolean;
}

/** Options both persistent stores accept. */
export interface PersistentStoreOptions {
  index?: StoreIndexConfig;
  ttl?: TtlConfig;
  /** Clock in epoch milliseconds; a test hook, defaults to `Date.now`. */
  now?: () => number;
}
