import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Item, Operation, OperationResults, SearchItem } from '@langchain/langgraph-checkpoint';
import { inTransaction } from '../storage/index.ts';
import { createSweeper, type Sweeper } from './create-sweeper.ts';
import { embedPuts, embedQueries, indexFieldsOf, type ItemVectors } from './embed-operations.ts';
import { literalPrefixOf, selectNamespaces } from './match-namespaces.ts';
import { matchesFilter } from './match-filter.ts';
import { decodeNamespace, encodeNamespace, itemIdOf } from './namespace-path.ts';
import { planBatch } from './plan-batch.ts';
import { rankSearchItems, type SearchCandidate } from './rank-search-items.ts';
import { createStoreSchema } from './sqlite-store-schema.ts';
import { filterConditions, namespacePrefixConditions } from './sqlite-store-filter.ts';
import { toStoreError } from './store-error.ts';
import type { PersistentStoreOptions, StoreGetOperation, StorePutOperation, StoreSearchOperation } from './store-types.ts';
import { TtlStore } from './ttl-store.ts';
import { expiresAtOf, isLive, refreshesOnRead, ttlOf } from './ttl-policy.ts';

export interface SqliteStoreOptions extends PersistentStoreOptions {
  /** A database from `openDatabase`; the store creates its `store_` tables if missing. */
  database: DatabaseSync;
}

interface ItemRow {
  namespace: string;
  key: string;
  value: string;
  index_fields: string | null;
  created_at: number;
  updated_at: number;
  ttl_minutes: number | null;
  expires_at: number | null;
}

const itemColumns = 'namespace, key, value, index_fields, created_at, updated_at, ttl_minutes, expires_at';
const liveClause = '(expires_at IS NULL OR expires_at > ?)';

/**
 * LangGraph long-term memory store on `node:sqlite`. A batch embeds first (async), then runs
 * its reads and, after them, its writes in one transaction, so reads see the state from
 * before the batch and writes land all or nothing.
 * @example
 * const store = new SqliteStore({ database: openDatabase('data/overseer.db') });
 * const graph = builder.compile({ checkpointer, store });
 */
export class SqliteStore extends TtlStore {
  readonly #database: DatabaseSync;
  readonly #options: PersistentStoreOptions;
  readonly #now: () => number;
  readonly #statements = new Map<string, StatementSync>();
  readonly #sweeper: Sweeper;

  constructor(options: SqliteStoreOptions) {
    super();
    this.#database = options.database;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sweeper = createSweeper(() => this.sweepExpired(), options.ttl?.sweepIntervalMinutes);
    createStoreSchema(this.#database);
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const plan = planBatch(operations);
    const searches = plan.reads.flatMap((read) => (read.kind === 'search' ? [read.operation] : []));
    const queryVectors = await embedQueries(searches.map((search) => search.query), this.#options.index);
    const putVectors = await embedPuts(plan.puts, this.#options.index);
    const now = this.#now();
    const run = (): unknown[] => {
      const results: unknown[] = operations.map(() => null);
      for (const read of plan.reads) {
        if (read.kind === 'get') results[read.position] = this.#get(read.operation, now);
        else if (read.kind === 'search') results[read.position] = this.#search(read.operation, queryVectors, now);
        else results[read.position] = selectNamespaces(this.#namespacesUnder(literalPrefixOf(read.operation.matchConditions), now), read.operation);
      }
      for (const put of plan.puts) this.#put(put, putVectors.get(itemIdOf(put.namespace, put.key)), now);
      return results;
    };
    try {
      return (plan.puts.length > 0 ? inTransaction(this.#database, run) : run()) as OperationResults<Op>;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** Deletes every expired item now; returns how many. Reads hide expired items even before a sweep. */
  async sweepExpired(): Promise<number> {
    const result = this.#statement('DELETE FROM store_items WHERE expires_at IS NOT NULL AND expires_at <= ?').run(this.#now());
    return Number(result.changes);
  }

  override start(): void {
    this.#sweeper.start();
  }

  override stop(): void {
    this.#sweeper.stop();
  }

  #get(operation: StoreGetOperation, now: number): Item | null {
    const row = this.#statement(`SELECT ${itemColumns} FROM store_items WHERE namespace = ? AND key = ? AND ${liveClause}`).get(
      encodeNamespace(operation.namespace),
      operation.key,
      now,
    ) as ItemRow | undefined;
    if (!row) return null;
    if (refreshesOnRead(operation, this.#options.ttl)) this.#refresh([row], now);
    return itemOf(row);
  }

  #search(operation: StoreSearchOperation, queryVectors: Map<string, Float32Array>, now: number): SearchItem[] {
    const prefix = namespacePrefixConditions(operation.namespacePrefix);
    const filter = filterConditions(operation.filter);
    const offset = operation.offset ?? 0;
    const limit = operation.limit ?? 10;
    // Paging in SQL is exact only when SQL decided the whole filter and no ranking reorders rows.
    const pagedInSql = filter.complete && !operation.query;
    const where = [...prefix.clauses, liveClause, ...filter.clauses].join(' AND ');
    const sql = `SELECT ${itemColumns} FROM store_items WHERE ${where} ORDER BY updated_at DESC, namespace, key${pagedInSql ? ' LIMIT ? OFFSET ?' : ''}`;
    const parameters: SQLInputValue[] = [...prefix.parameters, now, ...filter.parameters, ...(pagedInSql ? [limit, offset] : [])];
    const rows = (this.#statement(sql).all(...parameters) as unknown as ItemRow[]).filter((row) =>
      matchesFilter(JSON.parse(row.value) as Record<string, unknown>, operation.filter),
    );
    const queryVector = operation.query ? queryVectors.get(operation.query) : undefined;
    const vectors = queryVector ? this.#vectorsUnder(prefix.clauses, prefix.parameters) : new Map<string, ItemVectors>();
    const candidates: SearchCandidate[] = rows.map((row) => {
      const item = itemOf(row);
      return { item, indexFields: indexFieldsOf(parseIndex(row.index_fields), this.#options.index), vectors: vectors.get(itemIdOf(item.namespace, item.key)) };
    });
    const results = rankSearchItems(candidates, { query: operation.query, queryVector, offset: pagedInSql ? 0 : offset, limit });
    if (refreshesOnRead(operation, this.#options.ttl)) {
      const returned = new Set(results.map((item) => itemIdOf(item.namespace, item.key)));
      this.#refresh(
        rows.filter((row) => returned.has(itemIdOf(decodeNamespace(row.namespace), row.key))),
        now,
      );
    }
    return results;
  }

  #vectorsUnder(clauses: string[], parameters: SQLInputValue[]): Map<string, ItemVectors> {
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.#statement(`SELECT namespace, key, field, embedding FROM store_vectors ${where}`).all(...parameters) as Array<{
      namespace: string;
      key: string;
      field: string;
      embedding: Uint8Array;
    }>;
    const vectors = new Map<string, ItemVectors>();
    for (const row of rows) {
      const itemId = `${row.namespace}\u0000${row.key}`;
      const itemVectors = vectors.get(itemId) ?? new Map<string, Float32Array>();
      // A copy starts at offset 0, which Float32Array needs for alignment.
      itemVectors.set(row.field, new Float32Array(row.embedding.slice().buffer));
      vectors.set(itemId, itemVectors);
    }
    return vectors;
  }

  #namespacesUnder(prefix: string[], now: number): string[][] {
    const conditions = namespacePrefixConditions(prefix);
    const where = [...conditions.clauses, liveClause].join(' AND ');
    const rows = this.#statement(`SELECT DISTINCT namespace FROM store_items WHERE ${where}`).all(...conditions.parameters, now) as Array<{
      namespace: string;
    }>;
    return rows.map((row) => decodeNamespace(row.namespace));
  }

  #put(put: StorePutOperation, vectors: ItemVectors | undefined, now: number): void {
    const namespace = encodeNamespace(put.namespace);
    if (put.value === null) {
      this.#statement('DELETE FROM store_items WHERE namespace = ? AND key = ?').run(namespace, put.key);
      return;
    }
    const ttl = ttlOf(put, this.#options.ttl);
    this.#statement(
      `INSERT INTO store_items (${itemColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, index_fields = excluded.index_fields,
         updated_at = excluded.updated_at, ttl_minutes = excluded.ttl_minutes, expires_at = excluded.expires_at`,
    ).run(namespace, put.key, JSON.stringify(put.value), put.index === undefined ? null : JSON.stringify(put.index), now, now, ttl, expiresAtOf(ttl, now));
    this.#statement('DELETE FROM store_vectors WHERE namespace = ? AND key = ?').run(namespace, put.key);
    const insert = this.#statement('INSERT INTO store_vectors (namespace, key, field, embedding) VALUES (?, ?, ?, ?)');
    for (const [field, vector] of vectors ?? []) {
      insert.run(namespace, put.key, field, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    }
  }

  #refresh(rows: ItemRow[], now: number): void {
    const update = this.#statement('UPDATE store_items SET expires_at = ? WHERE namespace = ? AND key = ? AND ttl_minutes IS NOT NULL');
    for (const row of rows) if (row.ttl_minutes !== null) update.run(expiresAtOf(row.ttl_minutes, now), row.namespace, row.key);
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#database.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

function itemOf(row: ItemRow): Item {
  return {
    namespace: decodeNamespace(row.namespace),
    key: row.key,
    value: JSON.parse(row.value) as Record<string, unknown>,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function parseIndex(stored: string | null): false | string[] | undefined {
  return stored === null ? undefined : (JSON.parse(stored) as false | string[]);
}
