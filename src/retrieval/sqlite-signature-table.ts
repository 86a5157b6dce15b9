import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { inTransaction } from '../storage/index.ts';
import { bumpGeneration, nextGenerationSql } from './sqlite-generation.ts';
import { createVectorSigner } from './vector-signature.ts';

/** Whether the signature and embedding tables exist (they come with the vector table). */
export function hasSignatureTable(database: DatabaseSync): boolean {
  return database.prepare(`SELECT 1 AS found FROM sqlite_master WHERE name = 'retrieval_chunk_embeddings'`).get() !== undefined;
}

/**
 * The SimHash signature of every vector (see `vector-signature.ts`), clustered by tenant so one
 * tenant's signatures load in one range scan, and a copy of each vector in a plain table, where
 * rescoring reads a few hundred by primary key about four times faster than from the vec0
 * table. Indexes made before signatures existed get theirs computed once from the vectors.
 * Each signature row carries the write generation that stored it, and each deleted chunk
 * leaves a tombstone with the generation that deleted it, so a cache of the signatures at one
 * generation catches up by reading only what changed since (see `sqlite-signature-search.ts`).
 */
export function ensureSignatureTable(database: DatabaseSync, dimensions: number): void {
  const exists = hasSignatureTable(database);
  database.exec(`
    CREATE TABLE IF NOT EXISTS retrieval_chunk_signatures (
      tenant_id TEXT NOT NULL,
      chunk_id INTEGER NOT NULL,
      signature BLOB NOT NULL,
      generation INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, chunk_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS retrieval_chunk_tombstones (
      tenant_id TEXT NOT NULL,
      generation INTEGER NOT NULL,
      chunk_id INTEGER NOT NULL,
      PRIMARY KEY (tenant_id, generation, chunk_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS retrieval_chunk_embeddings (chunk_id INTEGER PRIMARY KEY, embedding BLOB NOT NULL);
    CREATE TRIGGER IF NOT EXISTS retrieval_chunk_signatures_delete AFTER DELETE ON retrieval_chunks BEGIN
      DELETE FROM retrieval_chunk_signatures WHERE tenant_id = old.tenant_id AND chunk_id = old.id;
      DELETE FROM retrieval_chunk_embeddings WHERE chunk_id = old.id;
    END;
  `);
  const columns = database.prepare(`SELECT name FROM pragma_table_info('retrieval_chunk_signatures')`).all().map((row) => String(row.name));
  // Signatures stored before generations were tracked count as generation 0: older than any cache.
  if (!columns.includes('generation')) {
    database.exec('ALTER TABLE retrieval_chunk_signatures ADD COLUMN generation INTEGER NOT NULL DEFAULT 0');
  }
  database.exec(`
    CREATE INDEX IF NOT EXISTS retrieval_chunk_signatures_by_generation ON retrieval_chunk_signatures (tenant_id, generation);
    CREATE TRIGGER IF NOT EXISTS retrieval_chunk_tombstones_insert AFTER DELETE ON retrieval_chunks BEGIN
      INSERT OR IGNORE INTO retrieval_chunk_tombstones (tenant_id, generation, chunk_id)
        VALUES (old.tenant_id, ${nextGenerationSql('old.tenant_id')}, old.id);
    END;
  `);
  if (exists) return;
  if (database.isTransaction) backfillSignatures(database, dimensions);
  else inTransaction(database, () => backfillSignatures(database, dimensions));
}

function backfillSignatures(database: DatabaseSync, dimensions: number): void {
  const signer = createVectorSigner(dimensions);
  const insert = saveSignatureStatement(database);
  const copy = database.prepare('INSERT OR REPLACE INTO retrieval_chunk_embeddings (chunk_id, embedding) VALUES (?, ?)');
  const tenants = new Set<string>();
  for (const row of database.prepare('SELECT chunk_id, tenant_id, embedding FROM retrieval_chunk_vectors').iterate()) {
    const blob = row.embedding as Uint8Array;
    const vector = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
    insert.run(String(row.tenant_id), Number(row.chunk_id), signatureBlob(signer.sign(vector)));
    copy.run(Number(row.chunk_id), blob);
    tenants.add(String(row.tenant_id));
  }
  for (const tenantId of tenants) bumpGeneration(database, tenantId);
}

/**
 * Store (or replace) a chunk's signature, tagged with the generation the write will commit as.
 * Parameters: tenant id, chunk id, signature blob.
 */
export function saveSignatureStatement(database: DatabaseSync): StatementSync {
  return database.prepare(
    `INSERT OR REPLACE INTO retrieval_chunk_signatures (tenant_id, chunk_id, signature, generation)
     VALUES (?1, ?2, ?3, ${nextGenerationSql('?1')})`,
  );
}

// Caches more than this many generations behind rebuild in full, so older tombstones can go.
export const tombstoneHorizon = 64;

/** Drop the tenant's tombstones no cache will read any more; call inside the write transaction. */
export function pruneTombstones(database: DatabaseSync, tenantId: string): void {
  // An index written only by keyword retrievers, or by a version before tombstones, has none.
  if (database.prepare(`SELECT 1 AS found FROM sqlite_master WHERE name = 'retrieval_chunk_tombstones'`).get() === undefined) return;
  database
    .prepare(`DELETE FROM retrieval_chunk_tombstones WHERE tenant_id = ?1 AND generation <= ${nextGenerationSql('?1')} - ?2`)
    .run(tenantId, tombstoneHorizon);
}

/** A signature as the bytes stored in `retrieval_chunk_signatures`. */
export function signatureBlob(signature: Uint32Array): Uint8Array {
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
}
