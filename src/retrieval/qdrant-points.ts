import { createHash } from 'node:crypto';
import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import type { DocumentChunk } from './chunk-document.ts';
import { sharedCorpusId } from './retriever.ts';
import type { SearchFilter, SourceDocument } from './retriever.ts';

export const denseVectorName = 'dense';
export const sparseVectorName = 'bm25';

/** What a chunk point carries. `terms` (its distinct term ids) lets Qdrant count per-tenant document frequencies. */
export interface ChunkPayload {
  kind: 'chunk';
  tenant_id: string;
  document_id: string;
  chunk_index: number;
  content_hash: string;
  source: string;
  title: string | null;
  headings: string[];
  text: string;
  terms: number[];
}

/** One point per document, without vectors, holding what the chunks cannot: the document hash and metadata. */
export interface DocumentPayload {
  kind: 'document';
  tenant_id: string;
  document_id: string;
  source: string;
  title: string | null;
  metadata: Record<string, string | number | boolean>;
  content_hash: string;
}

/**
 * A deterministic point id (Qdrant wants an unsigned integer or a UUID): the first 128 bits
 * of sha256 over the parts, in UUID form. Deterministic ids make a retried or interrupted
 * write idempotent: the same chunk lands on the same point.
 */
export function pointId(...parts: string[]): string {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function documentPointId(tenantId: string, documentId: string): string {
  return pointId('document', tenantId, documentId);
}

/** The point holding a tenant's write generation (see `Retriever.generation`). */
export function generationPointId(tenantId: string): string {
  return pointId('generation', tenantId);
}

/** `occurrence` tells apart identical chunks of one document (the same paragraph twice). */
export function chunkPointId(tenantId: string, documentId: string, contentHash: string, occurrence: number): string {
  return pointId('chunk', tenantId, documentId, contentHash, String(occurrence));
}

export function chunkPayload(tenantId: string, document: SourceDocument, chunk: DocumentChunk, terms: number[]): ChunkPayload {
  return {
    kind: 'chunk',
    tenant_id: tenantId,
    document_id: document.id,
    chunk_index: chunk.index,
    content_hash: chunk.hash,
    source: document.source,
    title: document.title ?? null,
    headings: chunk.headings,
    text: chunk.text,
    terms,
  };
}

export function documentPayload(tenantId: string, document: SourceDocument, contentHash: string): DocumentPayload {
  return {
    kind: 'document',
    tenant_id: tenantId,
    document_id: document.id,
    source: document.source,
    title: document.title ?? null,
    metadata: document.metadata ?? {},
    content_hash: contentHash,
  };
}

/**
 * The filter every chunk query carries: the tenant's own chunks or the shared corpus's (one
 * `any` match on the tenant index), chunks only, and the request's filters.
 */
export function chunkFilter(tenantId: string, filter?: SearchFilter): Schemas['Filter'] {
  const must: Schemas['FieldCondition'][] = [
    { key: 'tenant_id', match: tenantId === sharedCorpusId ? { value: tenantId } : { any: [tenantId, sharedCorpusId] } },
    { key: 'kind', match: { value: 'chunk' } },
  ];
  if (filter?.documentIds !== undefined) must.push({ key: 'document_id', match: { any: filter.documentIds } });
  if (filter?.sources !== undefined) must.push({ key: 'source', match: { any: filter.sources } });
  return { must };
}

/** The document points of one tenant (or of the shared corpus): never another's, whatever the filter. */
export function documentFilter(tenantId: string, filter?: SearchFilter): Schemas['Filter'] {
  const must: Schemas['FieldCondition'][] = [
    { key: 'tenant_id', match: { value: tenantId } },
    { key: 'kind', match: { value: 'document' } },
  ];
  if (filter?.documentIds !== undefined) must.push({ key: 'document_id', match: { any: filter.documentIds } });
  if (filter?.sources !== undefined) must.push({ key: 'source', match: { any: filter.sources } });
  return { must };
}

/** Every point matching `filter`, page by page, without vectors unless asked. */
export async function* scrollPoints(
  client: QdrantClient,
  collection: string,
  request: { filter?: Schemas['Filter']; withPayload: Schemas['WithPayloadInterface']; withVector?: Schemas['WithVector']; pageSize?: number },
): AsyncGenerator<Schemas['Record']> {
  let offset: Schemas['ExtendedPointId'] | undefined;
  do {
    const page = await client.scroll(collection, {
      filter: request.filter,
      with_payload: request.withPayload,
      with_vector: request.withVector ?? false,
      limit: request.pageSize ?? 512,
      ...(offset === undefined ? {} : { offset }),
    });
    yield* page.points;
    const next = page.next_page_offset;
    offset = next === null || next === undefined ? undefined : (next as Schemas['ExtendedPointId']);
  } while (offset !== undefined);
}
