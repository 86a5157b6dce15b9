import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from '../storage/index.ts';
import { bumpGeneration } from './sqlite-generation.ts';
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
 */
export function ensureSignatureTable(database: DatabaseSync, dimensions: number): void {
  const exists = hasSignatureTable(database);
  database.exec(`
    CREATE TABLE IF NOT EXISTS retrieval_chunk_signatures (
      tenant_id TEXT NOT NULL,
      chunk_id INTEGER NOT NULL,
      signature BLOB NOT NULL,
      PRIMARY KEY (tenant_id, chunk_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS retrieval_chunk_embeddings (chunk_id INTEGER PRIMARY KEY, embedding BLOB NOT NULL);
    CREATE TRIGGER IF NOT EXISTS retrieval_chunk_signatures_delete AFTER DELETE ON retrieval_chunks BEGIN
      DELETE FROM retrieval_chunk_signatures WHERE tenant_id = old.tenant_id AND chunk_id = old.id;
      DELETE FROM retrieval_chunk_embeddings WHERE chunk_id = old.id;
    END;
  `);
  if (exists) return;
  if (database.isTransaction) backfillSignatures(database, dimensions);
  else inTransaction(database, () => backfillSignatures(database, dimensions));
}

function backfillSignatures(database: DatabaseSync, dimensions: number): void {
  const signer = createVectorSigner(dimensions);
  const insert = database.prepare('INSERT OR REPLACE INTO retrieval_chunk_signatures (tenant_id, chunk_id, signature) VALUES (?, ?, ?)');
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

/** A signature as the bytes stored in `retrieval_chunk_signatures`. */
export function signatureBlob(signature: Uint32Array): Uint8Array {
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
}
