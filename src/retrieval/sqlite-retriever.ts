import type { DatabaseSync } from 'node:sqlite';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { AppError } from '../errors.ts';
import { inTransaction } from '../storage/index.ts';
import type { ChunkOptions } from './chunk-document.ts';
import { filterClause, filterMatchesNothing } from './filter-clause.ts';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.ts';
import { emptyUpsertReport, sharedCorpusId } from './retriever.ts';
import type { Retriever, SearchFilter, SearchHit, SearchRequest, SourceDocument, UpsertReport } from './retriever.ts';
import { isZeroVector } from './sqlite-dense-search.ts';
import { searchKeywords } from './sqlite-keyword-search.ts';
import { createKeywordStatistics } from './sqlite-keyword-statistics.ts';
import { bumpGeneration, readGeneration } from './sqlite-generation.ts';
import { createRetrievalSchema, ensureVectorTable, hasVectorTable, storedVectorDimensions } from './sqlite-retrieval-schema.ts';
import { createSignatureSearch } from './sqlite-signature-search.ts';
import { pruneTombstones } from './sqlite-signature-table.ts';
import { writeDocuments } from './sqlite-write-documents.ts';
import { embeddingText, prepareDocument } from './prepare-document.ts';
import type { PreparedDocument } from './prepare-document.ts';
import { loadHits } from './sqlite-load-hits.ts';
import { assertDocuments, assertTenantId, validateSearchRequest } from './validate-request.ts';

export interface SqliteRetrieverOptions {
  /** From `openDatabase`; sqlite-vec must be loaded when `embeddings` is given. */
  database: DatabaseSync;
  /** Any LangChain embedding model (`OpenAIEmbeddings`, `HashingEmbedder`). Without it, search is BM25 only. */
  embeddings?: EmbeddingsInterface;
  /** Expected vector length; checked against the model's output. Inferred from the first embedding if left out. */
  dimensions?: number;
  chunking?: ChunkOptions;
  /** Close the database when the retriever closes (default false: the caller owns it). */
  ownsDatabase?: boolean;
  /**
   * Tenants with at most this many vectors get exact dense search; larger ones scan SimHash
   * signatures and rescore the nearest candidates exactly (default 20,000).
   */
  exactDenseSearchUpTo?: number;
}

/**
 * The embedded retrieval backend: FTS5 BM25 and, with an embedding model, sqlite-vec dense
 * search fused with reciprocal rank fusion. All tables are prefixed `retrieval_`; the shared
 * corpus is stored as the tenant `sharedCorpusId`, and every query is scoped to one tenant
 * and the shared corpus.
 * @example
 * const retriever = createSqliteRetriever({ database: openDatabase('data/overseer.db') });
 * await retriever.upsertDocuments('default', [{ id: 'refund-policy', text, source: 'refund-policy.md' }]);
 * const hits = await retriever.search({ tenantId: 'default', query: 'refund for a late order' });
 */
export function createSqliteRetriever(options: SqliteRetrieverOptions): Retriever {
  const { database, embeddings } = options;
  createRetrievalSchema(database);
  // With a known size, create the vector tables now (and bring an older index's up to date).
  const knownDimensions = options.dimensions ?? storedVectorDimensions(database);
  if (embeddings !== undefined && knownDimensions !== undefined) ensureVectorTable(database, knownDimensions);
  const keywordStatistics = createKeywordStatistics(database);
  const denseSearch = createSignatureSearch(database, { exactUpTo: options.exactDenseSearchUpTo });
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new AppError('INTERNAL', 'The retriever is closed');
  };

  const embedMissing = async (tenantId: string, documents: PreparedDocument[]): Promise<Map<string, number[]>> => {
    const vectors = new Map<string, number[]>();
    if (embeddings === undefined) return vectors;
    const pending = new Map<string, string>();
    for (const { document, chunks } of documents) {
      const embedded = embeddedHashes(database, tenantId, document.id);
      for (const chunk of chunks) {
        if (!embedded.has(chunk.hash)) pending.set(chunk.hash, embeddingText(chunk));
      }
    }
    if (pending.size === 0) return vectors;
    const output = await embedOrThrow(() => embeddings.embedDocuments([...pending.values()]));
    const dimensions = options.dimensions ?? output[0]?.length ?? 0;
    if (output.length !== pending.size || output.some((vector) => vector.length !== dimensions)) {
      throw new AppError('MODEL_ERROR', `The embedding model returned vectors of unexpected count or length (expected ${dimensions})`);
    }
    ensureVectorTable(database, dimensions);
    [...pending.keys()].forEach((hash, index) => {
      const vector = output[index];
      if (vector !== undefined && !isZeroVector(vector)) vectors.set(hash, vector);
    });
    return vectors;
  };

  return {
    capabilities: { dense: embeddings !== undefined },

    async upsertDocuments(tenantId: string, documents: SourceDocument[]): Promise<UpsertReport> {
      assertOpen();
      assertTenantId(tenantId);
      assertDocuments(documents);
      const prepared = await Promise.all(documents.map((document) => prepareDocument(document, options.chunking)));
      const vectors = await embedMissing(tenantId, prepared);
      assertOpen();
      const report = emptyUpsertReport();
      inTransaction(database, () => writeDocuments(database, tenantId, prepared, vectors, report));
      return report;
    },

    async deleteDocuments(tenantId: string, documentIds: string[]): Promise<number> {
      assertOpen();
      assertTenantId(tenantId);
      if (documentIds.length === 0) return 0;
      return inTransaction(database, () => {
        const result = database
          .prepare('DELETE FROM retrieval_documents WHERE tenant_id = ? AND document_id IN (SELECT value FROM json_each(?))')
          .run(tenantId, JSON.stringify(documentIds));
        // Last, as in every write: the tombstones the delete left are tagged with the generation it makes.
        pruneTombstones(database, tenantId);
        bumpGeneration(database, tenantId);
        return Number(result.changes);
      });
    },

    async generation(tenantId: string): Promise<string> {
      assertOpen();
      assertTenantId(tenantId);
      return `${readGeneration(database, tenantId)}:${readGeneration(database, sharedCorpusId)}`;
    },

    async listDocumentIds(tenantId: string, filter?: SearchFilter): Promise<string[]> {
      assertOpen();
      assertTenantId(tenantId);
      if (filterMatchesNothing(filter)) return [];
      const clause = filterClause(filter, 'document');
      return database
        .prepare(`SELECT document_id FROM retrieval_documents AS document WHERE tenant_id = ?${clause.sql} ORDER BY document_id`)
        .all(tenantId, ...clause.parameters)
        .map((row) => String(row.document_id));
    },

    async search(request: SearchRequest): Promise<SearchHit[]> {
      assertOpen();
      const { limit, mode } = validateSearchRequest(request, { dense: embeddings !== undefined });
      if (filterMatchesNothing(request.filter)) return [];
      // Fusion and relevance re-ranking need more than `limit` candidates from each side.
      const candidates = Math.max(limit * 4, 40);
      const tenantIds = searchedCorpora(database, request.tenantId);

      const useDense = embeddings !== undefined && mode !== 'keyword' && hasVectorTable(database);
      // Ask the embedding model first: its round trip overlaps the keyword search below.
      const queryVector = useDense ? embedOrThrow(() => embeddings.embedQuery(request.query)) : undefined;
      queryVector?.catch(() => undefined); // awaited below; a keyword failure must not leave it unhandled
      const keyword = mode === 'dense' ? [] : searchKeywords(database, keywordStatistics, { tenantIds, filter: request.filter, candidates, query: request.query });
      const vector = queryVector ? await queryVector : undefined;
      // Similarities are exact cosines, so the nearest of each corpus merge into one ranking.
      const dense = vector === undefined ? [] : tenantIds
        .flatMap((tenantId) => denseSearch.search({ tenantId, filter: request.filter, candidates, vector }))
        .sort((left, right) => right.similarity - left.similarity)
        .slice(0, candidates);
      assertOpen();

      const keywordScores = new Map(keyword.map((entry) => [entry.id, entry.relevance]));
      const denseScores = new Map(dense.map((entry) => [entry.id, entry.similarity]));
      const fused = reciprocalRankFusion(
        [keyword, dense].filter((ranking) => ranking.length > 0).map((ranking) => ranking.map((entry) => String(entry.id))),
      ).slice(0, limit);
      const fusedScores = new Map(fused.map((entry) => [Number(entry.id), entry.score]));
      const showFused = mode === 'hybrid' && useDense;
      return loadHits(database, tenantIds, [...fusedScores.keys()]).map((hit) => {
        const keywordScore = keywordScores.get(hit.rowId);
        const denseScore = denseScores.get(hit.rowId);
        const { rowId: _rowId, ...rest } = hit;
        return {
          ...rest,
          score: Math.max(keywordScore ?? 0, denseScore ?? 0),
          scores: {
            ...(keywordScore === undefined ? {} : { keyword: keywordScore }),
            ...(denseScore === undefined ? {} : { dense: denseScore }),
            ...(showFused ? { fused: fusedScores.get(hit.rowId) ?? 0 } : {}),
          },
        };
      });
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (options.ownsDatabase) database.close();
    },
  };
}

/** The tenant and the shared corpus, leaving out a shared corpus that was never written. */
function searchedCorpora(database: DatabaseSync, tenantId: string): string[] {
  if (tenantId === sharedCorpusId || readGeneration(database, sharedCorpusId) === 0) return [tenantId];
  return [tenantId, sharedCorpusId];
}

/** Hashes of the document's chunks that already have a vector. */
function embeddedHashes(database: DatabaseSync, tenantId: string, documentId: string): Set<string> {
  if (!hasVectorTable(database)) return new Set();
  const rows = database
    .prepare(
      `SELECT chunk.content_hash AS hash FROM retrieval_chunks AS chunk
        WHERE chunk.tenant_id = ? AND chunk.document_id = ?
          AND EXISTS (SELECT 1 FROM retrieval_chunk_vectors AS vector WHERE vector.chunk_id = chunk.id)`,
    )
    .all(tenantId, documentId);
  return new Set(rows.map((row) => String(row.hash)));
}

async function embedOrThrow<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('UPSTREAM_UNAVAILABLE', 'The embedding model failed', { cause: error });
  }
}
