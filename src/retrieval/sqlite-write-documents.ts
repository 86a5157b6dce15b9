import type { DatabaseSync } from 'node:sqlite';
import type { PreparedDocument } from './prepare-document.ts';
import type { SourceDocument, UpsertReport } from './retriever.ts';
import { toVectorBlob } from './sqlite-dense-search.ts';
import { bumpGeneration } from './sqlite-generation.ts';
import { pruneTombstones, saveSignatureStatement, signatureBlob } from './sqlite-signature-table.ts';
import { createVectorSigner } from './vector-signature.ts';

interface StoredChunk {
  id: number;
  chunkIndex: number;
  hash: string;
}

/**
 * Write prepared documents of one tenant, inside the caller's transaction, and count what
 * happened in `report`. Chunks are matched to stored ones by content hash, not position, so
 * inserting a paragraph near the top rewrites only the chunks whose text changed; the rest
 * keep their rows, FTS entries and vectors, and at most get a new position.
 * `vectors` maps chunk hashes to embeddings for every chunk that needs one; a stored chunk
 * whose hash appears there lacks a vector and gets it now.
 */
export function writeDocuments(
  database: DatabaseSync,
  tenantId: string,
  documents: readonly PreparedDocument[],
  vectors: ReadonlyMap<string, number[]>,
  report: UpsertReport,
): void {
  const storedHash = database.prepare('SELECT content_hash FROM retrieval_documents WHERE tenant_id = ? AND document_id = ?');
  const saveDocument = database.prepare(
    `INSERT INTO retrieval_documents (tenant_id, document_id, source, title, metadata, content_hash)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant_id, document_id) DO UPDATE SET
       source = excluded.source, title = excluded.title, metadata = excluded.metadata, content_hash = excluded.content_hash`,
  );
  const storedChunks = database.prepare(
    `SELECT id, chunk_index AS chunkIndex, content_hash AS hash FROM retrieval_chunks
      WHERE tenant_id = ? AND document_id = ? ORDER BY chunk_index`,
  );
  const insertChunk = database.prepare(
    `INSERT INTO retrieval_chunks (tenant_id, document_id, chunk_index, content_hash, source, title, headings, text)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const moveChunk = database.prepare('UPDATE retrieval_chunks SET chunk_index = ? WHERE id = ?');
  const deleteChunk = database.prepare('DELETE FROM retrieval_chunks WHERE id = ?');
  const insertVector =
    vectors.size > 0
      ? database.prepare(
          `INSERT INTO retrieval_chunk_vectors (chunk_id, tenant_id, embedding, document_id, source) VALUES (?, ?, ?, ?, ?)`,
        )
      : undefined;
  const deleteVector = vectors.size > 0 ? database.prepare('DELETE FROM retrieval_chunk_vectors WHERE chunk_id = ?') : undefined;
  const saveSignature = vectors.size > 0 ? saveSignatureStatement(database) : undefined;
  const copyVector =
    vectors.size > 0 ? database.prepare('INSERT OR REPLACE INTO retrieval_chunk_embeddings (chunk_id, embedding) VALUES (?, ?)') : undefined;
  const [firstVector] = vectors.values();
  const signer = firstVector === undefined ? undefined : createVectorSigner(firstVector.length);
  const changes = (): number => report.added + report.updated + report.chunks.written + report.chunks.deleted;
  const changesBefore = changes();

  const attachVector = (chunkId: number, hash: string, document: SourceDocument): void => {
    const vector = vectors.get(hash);
    if (vector === undefined || insertVector === undefined) return;
    deleteVector?.run(BigInt(chunkId));
    const blob = toVectorBlob(vector);
    insertVector.run(BigInt(chunkId), tenantId, blob, document.id, document.source);
    copyVector?.run(chunkId, blob);
    if (signer !== undefined) saveSignature?.run(tenantId, chunkId, signatureBlob(signer.sign(vector)));
  };

  for (const { document, chunks, hash } of documents) {
    const stored = (storedChunks.all(tenantId, document.id) as unknown as StoredChunk[]).map((row) => ({
      id: Number(row.id),
      chunkIndex: Number(row.chunkIndex),
      hash: String(row.hash),
    }));
    const previousHash = storedHash.get(tenantId, document.id)?.content_hash;
    if (previousHash === hash) {
      report.unchanged++;
      report.chunks.unchanged += chunks.length;
      for (const chunk of stored) attachVector(chunk.id, chunk.hash, document);
      continue;
    }
    if (previousHash === undefined) report.added++;
    else report.updated++;
    saveDocument.run(tenantId, document.id, document.source, document.title ?? null, JSON.stringify(document.metadata ?? {}), hash);

    const reusable = new Map<string, StoredChunk[]>();
    for (const chunk of stored) reusable.set(chunk.hash, [...(reusable.get(chunk.hash) ?? []), chunk]);
    for (const chunk of chunks) {
      const kept = reusable.get(chunk.hash)?.shift();
      if (kept !== undefined) {
        if (kept.chunkIndex !== chunk.index) moveChunk.run(chunk.index, kept.id);
        attachVector(kept.id, kept.hash, document);
        report.chunks.unchanged++;
        continue;
      }
      const inserted = insertChunk.get(
        tenantId,
        document.id,
        chunk.index,
        chunk.hash,
        document.source,
        document.title ?? null,
        chunk.headings.join('\n'),
        chunk.text,
      );
      attachVector(Number(inserted?.id), chunk.hash, document);
      report.chunks.written++;
    }
    for (const leftovers of reusable.values()) {
      for (const chunk of leftovers) {
        deleteChunk.run(chunk.id);
        report.chunks.deleted++;
      }
    }
  }
  // Re-sending unchanged documents must not throw away the search caches of the tenant. The
  // bump comes last: signatures and tombstones above are tagged with the generation it makes.
  if (changes() !== changesBefore || vectors.size > 0) {
    pruneTombstones(database, tenantId);
    bumpGeneration(database, tenantId);
  }
}
