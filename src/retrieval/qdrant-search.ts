import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { contentTerms } from './content-terms.ts';
import { inverseDocumentFrequency, scoreKeywordCandidates } from './keyword-relevance.ts';
import type { ChunkPayload } from './qdrant-points.ts';
import { chunkFilter, denseVectorName, sparseVectorName } from './qdrant-points.ts';
import { sharedCorpusId } from './retriever.ts';
import type { SearchHit, SearchMode, SearchRequest } from './retriever.ts';
import { documentSparseVector, querySparseVector, stemTerm, termId } from './sparse-vector.ts';
import type { SparseVector } from './sparse-vector.ts';

export interface QdrantSearchInput {
  request: SearchRequest;
  mode: SearchMode;
  limit: number;
  /** The query embedding, or undefined when dense search is off or the query has no direction. */
  vector: number[] | undefined;
}

/** Reciprocal rank fusion constant: the same k = 60 as the SQLite backend. */
const rrfK = 60;

/**
 * Build the Query API request for one search. Hybrid search is one request: a sparse BM25
 * prefetch and a dense prefetch, each filtered by tenant and the request's filters, fused by
 * RRF. Returns undefined when there is nothing to search with (no informative word, no vector).
 * The tenant filter admits the tenant's own chunks and the shared corpus's, ranked together.
 */
export function buildQueryRequest(input: QdrantSearchInput): Schemas['QueryRequest'] | undefined {
  const filter = chunkFilter(input.request.tenantId, input.request.filter);
  const sparse = input.mode === 'dense' ? undefined : querySparseVector(input.request.query);
  const useSparse = sparse !== undefined && sparse.indices.length > 0;
  const useDense = input.vector !== undefined && input.mode !== 'keyword';
  // Relevance re-ranking (keyword) and the "best BM25" reference need more than `limit` candidates.
  const candidates = Math.max(input.limit * 4, 40);
  const common = { filter, limit: candidates, with_payload: true, with_vector: useDense ? [denseVectorName] : false };
  if (useSparse && useDense) {
    return {
      prefetch: [
        { query: sparse as SparseVector, using: sparseVectorName, filter, limit: candidates },
        { query: input.vector as number[], using: denseVectorName, filter, limit: candidates },
      ],
      query: { rrf: { k: rrfK } },
      ...common,
    };
  }
  if (useSparse) return { query: sparse as SparseVector, using: sparseVectorName, ...common };
  if (useDense) return { query: input.vector as number[], using: denseVectorName, ...common };
  return undefined;
}

/**
 * Turn Qdrant's points into hits with the shared 0..1 score contract, computed client-side
 * from the payload so that it does not depend on which query produced the point:
 * - keyword: `scoreKeywordCandidates` with IDF over the tenant's and the shared chunks (`documentFrequencies`),
 *   BM25 recomputed from the chunk's text, relative to the best candidate;
 * - dense: cosine of the query vector and the returned chunk vector, floored at 0;
 * - order: keyword mode by keyword relevance (as SQLite), dense by similarity, hybrid by
 *   Qdrant's RRF over its BM25 and dense rankings (SQLite fuses its relevance ranking instead,
 *   so hybrid orders can differ slightly between backends).
 */
export function scorePoints(
  points: readonly Schemas['ScoredPoint'][],
  input: QdrantSearchInput,
  statistics: { chunkCount: number; documentFrequencies: ReadonlyMap<number, number> },
): SearchHit[] {
  const queryTerms = [...new Set(contentTerms(input.request.query).map((term) => termId(stemTerm(term))))];
  const weights = queryTerms.map((id) => inverseDocumentFrequency(statistics.documentFrequencies.get(id) ?? 0, statistics.chunkCount));
  const payloads = points.map((point) => point.payload as unknown as ChunkPayload);
  const candidates = payloads.map((payload, position) => {
    const sparse = documentSparseVector(payload.headings, payload.text);
    const saturated = new Map(sparse.indices.map((id, index) => [id, sparse.values[index] ?? 0]));
    const matchedTerms = new Set<number>();
    let bm25 = 0;
    queryTerms.forEach((id, index) => {
      const weight = saturated.get(id);
      if (weight === undefined) return;
      matchedTerms.add(index);
      bm25 += (weights[index] ?? 0) * weight;
    });
    return { id: position, bm25: -bm25, matchedTerms };
  });
  const keyword = new Map(
    scoreKeywordCandidates(
      candidates.filter((candidate) => candidate.matchedTerms.size > 0),
      weights,
    ).map((entry) => [entry.id, entry.relevance]),
  );
  // Both prefetches ran, so Qdrant's score is the RRF value.
  const fusedRan = input.mode === 'hybrid' && input.vector !== undefined && queryTerms.length > 0;
  const hits = points.map((point, position) => {
    const payload = payloads[position] as ChunkPayload;
    const keywordScore = input.mode === 'dense' ? undefined : keyword.get(position);
    const denseScore = input.vector === undefined || input.mode === 'keyword' ? undefined : cosine(input.vector, denseOf(point));
    const hit: SearchHit = {
      documentId: payload.document_id,
      chunkId: `${payload.document_id}#${payload.chunk_index}`,
      chunkIndex: payload.chunk_index,
      text: payload.text,
      ...(payload.title === null ? {} : { title: payload.title }),
      source: payload.source,
      headings: payload.headings,
      scope: payload.tenant_id === sharedCorpusId ? 'shared' : 'tenant',
      score: Math.max(keywordScore ?? 0, denseScore ?? 0),
      scores: {
        ...(keywordScore === undefined ? {} : { keyword: keywordScore }),
        ...(denseScore === undefined ? {} : { dense: denseScore }),
        ...(fusedRan ? { fused: point.score } : {}),
      },
    };
    return { hit, keywordScore, position };
  });
  if (input.mode === 'keyword') {
    // A sparse match on a hash collision alone is no keyword match at all.
    return hits
      .filter((entry) => entry.keywordScore !== undefined)
      .sort((left, right) => (right.keywordScore ?? 0) - (left.keywordScore ?? 0) || left.position - right.position)
      .slice(0, input.limit)
      .map((entry) => entry.hit);
  }
  return hits.slice(0, input.limit).map((entry) => entry.hit);
}

function denseOf(point: Schemas['ScoredPoint']): number[] | undefined {
  const vector = point.vector as Record<string, unknown> | number[] | null | undefined;
  if (vector === null || vector === undefined || Array.isArray(vector)) return undefined;
  const dense = vector[denseVectorName];
  return Array.isArray(dense) ? (dense as number[]) : undefined;
}

function cosine(left: readonly number[], right: readonly number[] | undefined): number | undefined {
  if (right === undefined || right.length !== left.length) return undefined;
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  left.forEach((value, index) => {
    const other = right[index] ?? 0;
    dot += value * other;
    leftNorm += value * value;
    rightNorm += other * other;
  });
  if (leftNorm === 0 || rightNorm === 0) return undefined;
  return Math.max(0, Math.min(1, dot / Math.sqrt(leftNorm * rightNorm)));
}

/**
 * The chunk count and the document frequency of each query term over what the tenant searches
 * (its own chunks and the shared corpus), from exact counts on the `terms` index.
 */
export async function tenantStatistics(
  client: QdrantClient,
  collection: string,
  tenantId: string,
  query: string,
): Promise<{ chunkCount: number; documentFrequencies: Map<number, number> }> {
  const terms = [...new Set(contentTerms(query).map((term) => termId(stemTerm(term))))];
  const base = chunkFilter(tenantId).must as Schemas['FieldCondition'][];
  const [total, ...frequencies] = await Promise.all([
    client.count(collection, { filter: { must: base }, exact: true }),
    ...terms.map((id) => client.count(collection, { filter: { must: [...base, { key: 'terms', match: { value: id } }] }, exact: true })),
  ]);
  return {
    chunkCount: total?.count ?? 0,
    documentFrequencies: new Map(terms.map((id, index) => [id, frequencies[index]?.count ?? 0])),
  };
}
