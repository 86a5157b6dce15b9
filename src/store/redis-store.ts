import type { Redis } from 'ioredis';
import type { Operation, OperationResults, SearchItem } from '@langchain/langgraph-checkpoint';
import { createSweeper, type Sweeper } from './create-sweeper.ts';
import { embedPuts, embedQueries, indexFieldsOf, type ItemVectors } from './embed-operations.ts';
import { literalPrefixOf, selectNamespaces } from './match-namespaces.ts';
import { matchesFilter } from './match-filter.ts';
import { decodeNamespace, encodeNamespace, itemIdOf, namespaceRangeOf } from './namespace-path.ts';
import { planBatch } from './plan-batch.ts';
import { rankSearchItems } from './rank-search-items.ts';
import { execCommands } from '../storage/index.ts';
import { createRedisStoreKeys, type RedisStoreKeys } from './redis-store-keys.ts';
import { decodeRecord, encodeVectors, recordFields, type StoredRecord } from './redis-store-records.ts';
import { deleteIfExpiredScript, pruneNamespaceScript, refreshExpiryScript } from './redis-store-scripts.ts';
import { toStoreError } from './store-error.ts';
import type { PersistentStoreOptions, StoreGetOperation, StorePutOperation, StoreSearchOperation } from './store-types.ts';
import { TtlStore } from './ttl-store.ts';
import { expiresAtOf, isLive, refreshesOnRead, ttlOf } from './ttl-policy.ts';

export interface RedisStoreOptions extends PersistentStoreOptions {
  /** A standalone ioredis client (MULTI spans several keys, so not a Cluster). */
  client: Redis;
  /** Prefix of every key the store writes (default `overseer:store`). */
  keyPrefix?: string;
}

interface IndexEntry {
  namespace: string;
  key: string;
  updatedAt: number;
}

/**
 * LangGraph long-term memory store on Redis. Per-namespace sorted sets index the items and a
 * lexically sorted set indexes the namespaces, so a search or a namespace listing reads only
 * the subtree it asks for (never KEYS or SCAN); a batch's writes go in one MULTI.
 * @example
 * const store = new RedisStore({ client: new Redis(config.REDIS_URL), keyPrefix: 'overseer:store' });
 */
export class RedisStore extends TtlStore {
  readonly #client: Redis;
  readonly #keys: RedisStoreKeys;
  readonly #options: PersistentStoreOptions;
  readonly #now: () => number;
  readonly #sweeper: Sweeper;

  constructor(options: RedisStoreOptions) {
    super();
    this.#client = options.client;
    this.#keys = createRedisStoreKeys(options.keyPrefix ?? 'overseer:store');
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sweeper = createSweeper(() => this.sweepExpired(), options.ttl?.sweepIntervalMinutes);
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const plan = planBatch(operations);
    const searches = plan.reads.flatMap((read) => (read.kind === 'search' ? [read.operation] : []));
    const queryVectors = await embedQueries(searches.map((search) => search.query), this.#options.index);
    const putVectors = await embedPuts(plan.puts, this.#options.index);
    const ttls = plan.puts.map((put) => (put.value === null ? null : ttlOf(put, this.#options.ttl)));
    const now = this.#now();
    const results: unknown[] = operations.map(() => null);
    const refreshes: StoredRecord[] = [];
    try {
      await Promise.all(
        plan.reads.map(async (read) => {
          if (read.kind === 'get') results[read.position] = await this.#get(read.operation, now, refreshes);
          else if (read.kind === 'search') results[read.position] = await this.#search(read.operation, queryVectors, now, refreshes);
          else {
            const namespaces = await this.#namespacesUnder(literalPrefixOf(read.operation.matchConditions));
            results[read.position] = selectNamespaces(namespaces.map(decodeNamespace), read.operation);
          }
        }),
      );
      await this.#write(plan.puts, ttls, putVectors, refreshes, now);
    } catch (error) {
      throw toStoreError(error);
    }
    return results as OperationResults<Op>;
  }

  /** Deletes every expired item now; returns how many. Reads hide expired items even before a sweep. */
  async sweepExpired(): Promise<number> {
    const now = this.#now();
    let removed = 0;
    try {
      for (;;) {
        const members = await this.#client.zrangebyscore(this.#keys.expiry, '-inf', now, 'LIMIT', 0, 500);
        if (members.length === 0) return removed;
        const pipeline = this.#client.pipeline();
        for (const member of members) {
          const separator = member.indexOf('\u0000');
          const namespace = member.slice(0, separator);
          const key = member.slice(separator + 1);
          const { itemOf, keysOf, namespaces, expiry } = this.#keys;
          pipeline.eval(deleteIfExpiredScript, 4, itemOf(namespace, key), keysOf(namespace), namespaces, expiry, now, namespace, key, member);
        }
        removed += (await execCommands(pipeline)).reduce<number>((sum, deleted) => sum + Number(deleted), 0);
      }
    } catch (error) {
      throw toStoreError(error);
    }
  }

  override start(): void {
    this.#sweeper.start();
  }

  override stop(): void {
    this.#sweeper.stop();
  }

  async #get(operation: StoreGetOperation, now: number, refreshes: StoredRecord[]) {
    const namespace = encodeNamespace(operation.namespace);
    const [record] = await this.#readRecords([{ namespace, key: operation.key, updatedAt: 0 }], false);
    if (!record || !isLive(record.expiresAt, now)) return null;
    if (record.ttl !== null && refreshesOnRead(operation, this.#options.ttl)) refreshes.push(record);
    return record.item;
  }

  async #search(operation: StoreSearchOperation, queryVectors: Map<string, Float32Array>, now: number, refreshes: StoredRecord[]): Promise<SearchItem[]> {
    const entries = await this.#entriesOf(await this.#namespacesUnder(operation.namespacePrefix));
    const offset = operation.offset ?? 0;
    const limit = operation.limit ?? 10;
    const queryVector = operation.query ? queryVectors.get(operation.query) : undefined;
    const accept = (record: StoredRecord) => isLive(record.expiresAt, now) && matchesFilter(record.item.value, operation.filter);
    // A query ranks every candidate; without one the index order is final and reading can stop at the page's end.
    const records = operation.query
      ? (await this.#readRecords(entries, queryVector !== undefined)).filter((record): record is StoredRecord => record !== null && accept(record))
      : await this.#collect(entries, offset + limit, accept);
    const candidates = records.map((record) => ({
      item: record.item,
      indexFields: indexFieldsOf(record.index, this.#options.index),
      ...(record.vectors ? { vectors: record.vectors } : {}),
    }));
    const results = rankSearchItems(candidates, { query: operation.query, queryVector, offset, limit });
    if (refreshesOnRead(operation, this.#options.ttl)) {
      const returned = new Set(results.map((item) => itemIdOf(item.namespace, item.key)));
      refreshes.push(...records.filter((record) => record.ttl !== null && returned.has(itemIdOf(record.item.namespace, record.item.key))));
    }
    return results;
  }

  /** Reads entries in index order, in windows, until `needed` accepted records are found. */
  async #collect(entries: IndexEntry[], needed: number, accept: (record: StoredRecord) => boolean): Promise<StoredRecord[]> {
    const accepted: StoredRecord[] = [];
    let cursor = 0;
    while (accepted.length < needed && cursor < entries.length) {
      const window = entries.slice(cursor, cursor + Math.max(needed - accepted.length, 16));
      cursor += window.length;
      for (const record of await this.#readRecords(window, false)) if (record && accept(record)) accepted.push(record);
    }
    return accepted;
  }

  async #readRecords(entries: IndexEntry[], withVectors: boolean): Promise<Array<StoredRecord | null>> {
    if (entries.length === 0) return [];
    const fields = withVectors ? [...recordFields, 'vectors'] : [...recordFields];
    const pipeline = this.#client.pipeline();
    for (const entry of entries) pipeline.hmget(this.#keys.itemOf(entry.namespace, entry.key), ...fields);
    const replies = await execCommands(pipeline);
    return entries.map((entry, position) => decodeRecord(entry.namespace, entry.key, replies[position] as Array<string | null>));
  }

  /** Index entries of the namespaces, newest first, as SqliteStore orders them. */
  async #entriesOf(namespaces: string[]): Promise<IndexEntry[]> {
    if (namespaces.length === 0) return [];
    const pipeline = this.#client.pipeline();
    for (const namespace of namespaces) pipeline.zrange(this.#keys.keysOf(namespace), '0', '-1', 'WITHSCORES');
    const replies = (await execCommands(pipeline)) as string[][];
    const entries = namespaces.flatMap((namespace, position) => {
      const reply = replies[position] ?? [];
      const list: IndexEntry[] = [];
      for (let at = 0; at < reply.length; at += 2) list.push({ namespace, key: reply[at] as string, updatedAt: Number(reply[at + 1]) });
      return list;
    });
    return entries.sort(
      (left, right) =>
        right.updatedAt - left.updatedAt || compareText(left.namespace, right.namespace) || compareText(left.key, right.key),
    );
  }

  async #namespacesUnder(prefix: string[]): Promise<string[]> {
    if (prefix.length === 0) return this.#client.zrange(this.#keys.namespaces, '0', '-1');
    const range = namespaceRangeOf(prefix);
    const pipeline = this.#client.pipeline().zscore(this.#keys.namespaces, range.exact).zrangebylex(this.#keys.namespaces, `[${range.lower}`, `(${range.upper}`);
    const [exact, descendants] = (await execCommands(pipeline)) as [string | null, string[]];
    return exact === null ? descendants : [range.exact, ...descendants];
  }

  async #write(puts: StorePutOperation[], ttls: Array<number | null>, vectors: Map<string, ItemVectors>, refreshes: StoredRecord[], now: number): Promise<void> {
    if (puts.length === 0 && refreshes.length === 0) return;
    const { itemOf, keysOf, namespaces, expiry } = this.#keys;
    const transaction = this.#client.multi();
    const emptied = new Set<string>();
    puts.forEach((put, position) => {
      const namespace = encodeNamespace(put.namespace);
      const item = itemOf(namespace, put.key);
      const member = `${namespace}\u0000${put.key}`;
      if (put.value === null) {
        transaction.del(item).zrem(keysOf(namespace), put.key).zrem(expiry, member);
        emptied.add(namespace);
        return;
      }
      const ttl = ttls[position] ?? null;
      const expiresAt = expiresAtOf(ttl, now);
      const itemVectors = vectors.get(itemIdOf(put.namespace, put.key));
      const fields: Record<string, string> = { value: JSON.stringify(put.value), updatedAt: String(now) };
      const stale: string[] = [];
      if (put.index === undefined) stale.push('index');
      else fields.index = JSON.stringify(put.index);
      if (ttl === null || expiresAt === null) stale.push('ttl', 'expiresAt');
      else Object.assign(fields, { ttl: String(ttl), expiresAt: String(expiresAt) });
      if (itemVectors && itemVectors.size > 0) fields.vectors = encodeVectors(itemVectors);
      else stale.push('vectors');
      transaction.hsetnx(item, 'createdAt', String(now)).hset(item, fields);
      const [firstStale, ...otherStale] = stale;
      if (firstStale !== undefined) transaction.hdel(item, firstStale, ...otherStale);
      if (expiresAt === null) transaction.zrem(expiry, member);
      else transaction.zadd(expiry, expiresAt, member);
      transaction.zadd(keysOf(namespace), now, put.key).zadd(namespaces, 0, namespace);
    });
    for (const namespace of emptied) transaction.eval(pruneNamespaceScript, 2, keysOf(namespace), namespaces, namespace);
    for (const { item } of refreshes) {
      const namespace = encodeNamespace(item.namespace);
      transaction.eval(refreshExpiryScript, 2, itemOf(namespace, item.key), expiry, String(now), `${namespace}\u0000${item.key}`);
    }
    await execCommands(transaction);
  }
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
