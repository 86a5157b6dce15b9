import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import type { DocumentChunk } from './chunk-document.ts';
import type { PreparedDocument } from './prepare-document.ts';
import { documentPayload, documentPointId, scrollPoints } from './qdrant-points.ts';
import type { DocumentPayload } from './qdrant-points.ts';
import { emptyUpsertReport } from './retriever.ts';
import type { SourceDocument, UpsertReport } from './retriever.ts';

export interface UpsertPlan {
  report: UpsertReport;
  /** Chunks with no stored point of the same content; `occurrence` numbers repeats of one content within a document. */
  newChunks: Array<{ document: SourceDocument; chunk: DocumentChunk; occurrence: number }>;
  /** Kept chunks whose position in the document changed. */
  moves: Array<{ id: string | number; chunkIndex: number }>;
  /** Points of chunks that are no longer in their document. */
  deletes: Array<string | number>;
  /** Document points to write for every added or updated document. */
  documents: DocumentPayload[];
}

interface StoredChunk {
  id: string | number;
  chunkIndex: number;
  hash: string;
}

/**
 * Compare prepared documents with what the collection holds and decide the writes, the same
 * way the SQLite backend does: a document whose hash is unchanged is skipped; otherwise its
 * chunks are matched to stored chunks by content hash, not position, so only changed chunks
 * are written (and embedded), moved ones get a new `chunk_index`, and the rest are deleted.
 */
export async function planUpsert(client: QdrantClient, collection: string, tenantId: string, prepared: readonly PreparedDocument[]): Promise<UpsertPlan> {
  const plan: UpsertPlan = { report: emptyUpsertReport(), newChunks: [], moves: [], deletes: [], documents: [] };
  if (prepared.length === 0) return plan;
  const storedDocuments = await client.retrieve(collection, {
    ids: prepared.map(({ document }) => documentPointId(tenantId, document.id)),
    with_payload: ['document_id', 'content_hash'],
  });
  const storedHashes = new Map(storedDocuments.map((point) => [String(point.payload?.document_id), String(point.payload?.content_hash)]));
  const changed = prepared.filter(({ document, hash }) => storedHashes.get(document.id) !== hash);
  const storedChunks = await loadStoredChunks(client, collection, tenantId, changed.map(({ document }) => document.id));

  for (const { document, chunks, hash } of prepared) {
    const previousHash = storedHashes.get(document.id);
    if (previousHash === hash) {
      plan.report.unchanged++;
      plan.report.chunks.unchanged += chunks.length;
      continue;
    }
    if (previousHash === undefined) plan.report.added++;
    else plan.report.updated++;
    plan.documents.push(documentPayload(tenantId, document, hash));

    const reusable = new Map<string, StoredChunk[]>();
    for (const chunk of storedChunks.get(document.id) ?? []) reusable.set(chunk.hash, [...(reusable.get(chunk.hash) ?? []), chunk]);
    const occurrences = new Map<string, number>();
    for (const chunk of chunks) {
      const occurrence = occurrences.get(chunk.hash) ?? 0;
      occurrences.set(chunk.hash, occurrence + 1);
      const kept = reusable.get(chunk.hash)?.shift();
      if (kept === undefined) {
        plan.newChunks.push({ document, chunk, occurrence });
        plan.report.chunks.written++;
        continue;
      }
      if (kept.chunkIndex !== chunk.index) plan.moves.push({ id: kept.id, chunkIndex: chunk.index });
      plan.report.chunks.unchanged++;
    }
    for (const leftovers of reusable.values()) {
      for (const chunk of leftovers) {
        plan.deletes.push(chunk.id);
        plan.report.chunks.deleted++;
      }
    }
  }
  return plan;
}

async function loadStoredChunks(client: QdrantClient, collection: string, tenantId: string, documentIds: string[]): Promise<Map<string, StoredChunk[]>> {
  const byDocument = new Map<string, StoredChunk[]>();
  if (documentIds.length === 0) return byDocument;
  const filter: Schemas['Filter'] = {
    must: [
      { key: 'tenant_id', match: { value: tenantId } },
      { key: 'kind', match: { value: 'chunk' } },
      { key: 'document_id', match: { any: documentIds } },
    ],
  };
  for await (const point of scrollPoints(client, collection, { filter, withPayload: ['document_id', 'chunk_index', 'content_hash'] })) {
    const documentId = String(point.payload?.document_id);
    const chunk = { id: point.id, chunkIndex: Number(point.payload?.chunk_index), hash: String(point.payload?.content_hash) };
    byDocument.set(documentId, [...(byDocument.get(documentId) ?? []), chunk]);
  }
  for (const chunks of byDocument.values()) chunks.sort((left, right) => left.chunkIndex - right.chunkIndex);
  return byDocument;
}
