import type { DatabaseSync } from 'node:sqlite';
import { AppError } from '../errors.ts';
import { ensureSignatureTable } from './sqlite-signature-table.ts';

/**
 * Create the retrieval tables if they are missing. Chunk rows share their rowid with the FTS5
 * index (external content, kept in step by triggers) and with the vector table, and deleting a
 * document cascades to its chunks and from there, through the triggers, to both indexes.
 */
export function createRetrievalSchema(database: DatabaseSync): void {
  database.exec(`
    CREATE TABLE IF NOT EXISTS retrieval_documents (
      tenant_id TEXT NOT NULL,
      document_id TEXT NOT NULL,
      source TEXT NOT NULL,
      title TEXT,
      metadata TEXT NOT NULL,
      content_hash TEXT NOT NULL,
      PRIMARY KEY (tenant_id, document_id)
    ) WITHOUT ROWID;

    CREATE TABLE IF NOT EXISTS retrieval_chunks (
      id INTEGER PRIMARY KEY,
      tenant_id TEXT NOT NULL,
      document_id TEXT NOT NULL,
      chunk_index INTEGER NOT NULL,
      content_hash TEXT NOT NULL,
      source TEXT NOT NULL,
      title TEXT,
      headings TEXT NOT NULL,
      text TEXT NOT NULL,
      tenant_token TEXT GENERATED ALWAYS AS (${tenantTokenSql}) VIRTUAL,
      FOREIGN KEY (tenant_id, document_id)
        REFERENCES retrieval_documents (tenant_id, document_id) ON DELETE CASCADE
    );
    CREATE INDEX IF NOT EXISTS retrieval_chunks_by_document
      ON retrieval_chunks (tenant_id, document_id, chunk_index);

    CREATE TABLE IF NOT EXISTS retrieval_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

    -- Bumped by every write transaction of a tenant, so caches of its statistics and signatures
    -- know when they are stale, whichever connection or process wrote.
    CREATE TABLE IF NOT EXISTS retrieval_generations (tenant_id TEXT PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID;
  `);
  ensureFullTextIndex(database);
}

// The tenant as one FTS5 token: hex keeps it a single letters-and-digits token whatever the
// tenant id holds, and the trailing "x" keeps the porter stemmer from trimming a suffix.
const tenantTokenSql = `'t' || hex(tenant_id) || 'x'`;

/** The FTS5 token of a tenant, for `tenant_token : "..."` in a MATCH expression. */
export function tenantToken(tenantId: string): string {
  return `t${Buffer.from(tenantId, 'utf8').toString('hex').toUpperCase()}x`.toLowerCase();
}

/**
 * The FTS5 index over the chunks, with the tenant as an indexed column. Matching the tenant
 * token inside FTS5 restricts BM25 ranking and document-frequency counts to one tenant by
 * merging posting lists, instead of joining every matching row with the chunks table.
 * Indexes built before the tenant column existed are rebuilt once.
 */
function ensureFullTextIndex(database: DatabaseSync): void {
  const columns = database.prepare(`SELECT name FROM pragma_table_info('retrieval_chunks_fts')`).all().map((row) => String(row.name));
  if (columns.length > 0 && !columns.includes('tenant_token')) {
    database.exec(`
      DROP TRIGGER IF EXISTS retrieval_chunks_fts_insert;
      DROP TRIGGER IF EXISTS retrieval_chunks_fts_delete;
      DROP TRIGGER IF EXISTS retrieval_chunks_fts_update;
      DROP TABLE retrieval_chunks_fts;
    `);
  }
  const chunkColumns = database.prepare(`SELECT name FROM pragma_table_xinfo('retrieval_chunks')`).all().map((row) => String(row.name));
  if (!chunkColumns.includes('tenant_token')) {
    database.exec(`ALTER TABLE retrieval_chunks ADD COLUMN tenant_token TEXT GENERATED ALWAYS AS (${tenantTokenSql}) VIRTUAL`);
  }
  const created = columns.length === 0 || !columns.includes('tenant_token');
  database.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS retrieval_chunks_fts USING fts5(
      tenant_token, headings, text,
      content = 'retrieval_chunks', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER IF NOT EXISTS retrieval_chunks_fts_insert AFTER INSERT ON retrieval_chunks BEGIN
      INSERT INTO retrieval_chunks_fts (rowid, tenant_token, headings, text) VALUES (new.id, new.tenant_token, new.headings, new.text);
    END;
    CREATE TRIGGER IF NOT EXISTS retrieval_chunks_fts_delete AFTER DELETE ON retrieval_chunks BEGIN
      INSERT INTO retrieval_chunks_fts (retrieval_chunks_fts, rowid, tenant_token, headings, text)
        VALUES ('delete', old.id, old.tenant_token, old.headings, old.text);
    END;
    CREATE TRIGGER IF NOT EXISTS retrieval_chunks_fts_update AFTER UPDATE OF headings, text ON retrieval_chunks BEGIN
      INSERT INTO retrieval_chunks_fts (retrieval_chunks_fts, rowid, tenant_token, headings, text)
        VALUES ('delete', old.id, old.tenant_token, old.headings, old.text);
      INSERT INTO retrieval_chunks_fts (rowid, tenant_token, headings, text) VALUES (new.id, new.tenant_token, new.headings, new.text);
    END;

  `);
  if (created) database.exec(`INSERT INTO retrieval_chunks_fts (retrieval_chunks_fts) VALUES ('rebuild')`);
}

/** Whether the dense vector table exists (it does once any retriever with embeddings has run). */
export function hasVectorTable(database: DatabaseSync): boolean {
  const row = database
    .prepare(`SELECT 1 AS found FROM sqlite_master WHERE name = 'retrieval_chunk_vectors'`)
    .get();
  return row !== undefined;
}

/**
 * Create the sqlite-vec table for `dimensions`-long vectors, partitioned by tenant so a KNN
 * query only ever scans one tenant's vectors. The dimension is fixed once written: a different
 * embedding size needs a fresh index, and silently mixing vectors would make dense search lie.
 */
export function ensureVectorTable(database: DatabaseSync, dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new AppError('BAD_REQUEST', `Vector dimensions must be a positive integer, got ${dimensions}`);
  }
  const stored = database.prepare(`SELECT value FROM retrieval_settings WHERE key = 'vector_dimensions'`).get();
  if (stored !== undefined && Number(stored.value) !== dimensions) {
    throw new AppError(
      'CONFLICT',
      `The retrieval index holds ${String(stored.value)}-dimensional vectors but the embedding model returns ${dimensions}; rebuild the index`,
    );
  }
  database.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS retrieval_chunk_vectors USING vec0(
      tenant_id TEXT PARTITION KEY,
      chunk_id INTEGER PRIMARY KEY,
      embedding FLOAT[${dimensions}] distance_metric=cosine,
      document_id TEXT,
      source TEXT
    );
    CREATE TRIGGER IF NOT EXISTS retrieval_chunk_vectors_delete AFTER DELETE ON retrieval_chunks BEGIN
      DELETE FROM retrieval_chunk_vectors WHERE chunk_id = old.id;
    END;
  `);
  database
    .prepare(`INSERT OR IGNORE INTO retrieval_settings (key, value) VALUES ('vector_dimensions', ?)`)
    .run(String(dimensions));
  ensureSignatureTable(database, dimensions);
}

/** The vector length the index holds, if it holds vectors. */
export function storedVectorDimensions(database: DatabaseSync): number | undefined {
  const stored = database.prepare(`SELECT value FROM retrieval_settings WHERE key = 'vector_dimensions'`).get();
  return stored === undefined ? undefined : Number(stored.value);
}
