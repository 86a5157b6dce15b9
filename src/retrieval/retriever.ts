/**
 * The contract every retrieval backend implements (SQLite now, Qdrant next). Backends prove
 * they honour it by passing `describeRetrieverConformance` in `retriever-conformance.ts`.
 */

/**
 * The corpus every tenant reads beside its own documents (the sample knowledge base, company
 * policy). Write to it by passing this id as the tenant of `upsertDocuments`; no real tenant
 * may carry it (configuration refuses API keys and tokens that name it), so only code that
 * means to, such as ingestion with the `ingest:admin` scope, ever writes there.
 */
export const sharedCorpusId = '__shared__';

/** Where a hit comes from: the shared corpus, or the searching tenant's own documents. */
export type SearchScope = 'shared' | 'tenant';

/** A document as it enters the index; `id` is unique per tenant (and within the shared corpus). */
export interface SourceDocument {
  id: string;
  text: string;
  /** Where the document came from (a file path, a URL); shown in citations and filterable. */
  source: string;
  title?: string;
  metadata?: Record<string, string | number | boolean>;
}

export type SearchMode = 'hybrid' | 'keyword' | 'dense';

export interface SearchFilter {
  /** Only chunks of these documents. An empty array matches nothing. */
  documentIds?: string[];
  /** Only chunks whose document has one of these sources. An empty array matches nothing. */
  sources?: string[];
}

export interface SearchRequest {
  /** Whose documents are searched: this tenant's own and the shared corpus, never another tenant's. */
  tenantId: string;
  query: string;
  /** How many hits at most (default 5, at most 100). */
  limit?: number;
  filter?: SearchFilter;
  /**
   * `hybrid` (the default) fuses every signal the backend has; without an embedding model that
   * is keyword search alone. `dense` without an embedding model is a BAD_REQUEST.
   */
  mode?: SearchMode;
}

/**
 * One retrieved chunk. `score` is an absolute relevance in 0..1 that callers may threshold on:
 * - keyword: the share of the query's informative words (weighted by inverse document frequency)
 *   that the chunk contains, times its BM25 relative to the best hit; see `keyword-relevance.ts`;
 * - dense: the cosine similarity of query and chunk, floored at 0;
 * - hybrid: the larger of the two. The order of hybrid hits is decided by reciprocal rank fusion,
 *   so a later hybrid hit may carry a higher score than an earlier one.
 */
export interface SearchHit {
  documentId: string;
  /** Stable while the chunk's content is unchanged: `${documentId}#${chunkIndex}`. */
  chunkId: string;
  chunkIndex: number;
  text: string;
  title?: string;
  source: string;
  score: number;
  /** The per-signal relevances behind `score`, and the fused value that decided the order. */
  scores: { keyword?: number; dense?: number; fused?: number };
  /** The heading path of the chunk, outermost first (e.g. ["Refund policy", "How much we refund"]). */
  headings: string[];
  /**
   * `shared` for a chunk of the shared corpus, `tenant` for one of the tenant's own documents.
   * A tenant may hold a document with the same id as a shared one; both are returned, told
   * apart by scope.
   */
  scope: SearchScope;
}

/** Counts of documents, plus chunk counts that show how much was really written. */
export interface UpsertReport {
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  chunks: { written: number; unchanged: number; deleted: number };
}

export interface RetrieverCapabilities {
  /** Whether an embedding model is configured, so `dense` and true `hybrid` search are available. */
  dense: boolean;
}

export interface Retriever {
  /**
   * Chunk, hash and write only what changed; unchanged chunks are neither rewritten nor
   * re-embedded. Writes the tenant's own documents, or the shared corpus for `sharedCorpusId`.
   */
  upsertDocuments(tenantId: string, documents: SourceDocument[]): Promise<UpsertReport>;
  /** Delete the tenant's own documents (or shared ones, for `sharedCorpusId`) with their chunks; how many existed. */
  deleteDocuments(tenantId: string, documentIds: string[]): Promise<number>;
  /** The tenant's own document ids (or the shared corpus's, for `sharedCorpusId`), sorted; only those matching `filter` if given. */
  listDocumentIds(tenantId: string, filter?: SearchFilter): Promise<string[]>;
  /** The tenant's own chunks and the shared corpus's, ranked together. */
  search(request: SearchRequest): Promise<SearchHit[]>;
  /**
   * The write generation of everything a tenant's search reads (its own documents and the
   * shared corpus): it changes with every write to either, so what was computed from a search
   * can be cached under it (the answer cache does). Read it before searching.
   */
  generation?(tenantId: string): Promise<string>;
  readonly capabilities: RetrieverCapabilities;
  close(): Promise<void>;
}

/** An empty report, to add counts into. */
export function emptyUpsertReport(): UpsertReport {
  return { added: 0, updated: 0, unchanged: 0, deleted: 0, chunks: { written: 0, unchanged: 0, deleted: 0 } };
}
