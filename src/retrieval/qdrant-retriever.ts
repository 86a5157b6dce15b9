import { randomUUID } from 'node:crypto';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { QdrantClient } from '@qdrant/js-client-rest';
import type { Schemas } from '@qdrant/js-client-rest';
import { AppError } from '../errors.ts';
import { batchBySize } from './batch-by-size.ts';
import type { BatchLimits } from './batch-by-size.ts';
import type { ChunkOptions } from './chunk-document.ts';
import { filterMatchesNothing } from './filter-clause.ts';
import { embeddingText, prepareDocument } from './prepare-document.ts';
import { createPhysicalCollection, ensureCollection, physicalCollectionName, swapAlias } from './qdrant-collection.ts';
import { planUpsert } from './qdrant-plan-upsert.ts';
import {
  chunkPointId,
  chunkPayload,
  denseVectorName,
  documentFilter,
  documentPointId,
  generationPointId,
  scrollPoints,
  sparseVectorName,
} from './qdrant-points.ts';
import type { ChunkPayload } from './qdrant-points.ts';
import { buildQueryRequest, scorePoints, tenantStatistics } from './qdrant-search.ts';
import { sharedCorpusId, type Retriever, type SearchFilter, type SearchHit, type SearchRequest, type SourceDocument, type UpsertReport } from './retriever.ts';
import { documentSparseVector } from './sparse-vector.ts';
import type { SparseVectorOptions } from './sparse-vector.ts';
import { assertDocuments, assertTenantId, validateSearchRequest } from './validate-request.ts';

export interface QdrantRetrieverOptions {
  /** A ready client; otherwise one is made from `url` and `apiKey`. */
  client?: QdrantClient;
  url?: string;
  apiKey?: string;
  /** The alias every read and write goes through; physical collections behind it are named `<alias>-<time>`. */
  collection: string;
  /** Any LangChain embedding model. Without it the collection has only the sparse BM25 vector. */
  embeddings?: EmbeddingsInterface;
  /** Vector length; measured with one embedding call when left out. */
  dimensions?: number;
  chunking?: ChunkOptions;
  sparse?: SparseVectorOptions;
  /** Per write request (default 8 MiB and 256 points: well under Qdrant's default 32 MiB request limit). */
  batchLimits?: Partial<BatchLimits>;
}

export interface ReindexReport {
  /** The physical collection the alias now points at. */
  collection: string;
  /** The one it pointed at before, now deleted. */
  previous?: string;
  documents: number;
  chunks: number;
}

export interface QdrantRetriever extends Retriever {
  /**
   * Rebuild the whole index into a new physical collection, re-embedding every chunk with the
   * current model and recomputing its sparse vector, then swap the alias atomically and drop
   * the old collection. Searches keep being served from the old collection until the swap.
   * Writes made while it runs are not copied: pause ingestion for its duration.
   */
  reindex(): Promise<ReindexReport>;
}

/**
 * The production retrieval backend: Qdrant with a named dense vector and a sparse BM25
 * vector (IDF modifier), fused by RRF in one Query API request, every query filtered by
 * tenant. Same `Retriever` contract and score scale as the SQLite backend (see `scorePoints`).
 * @example
 * const retriever = createQdrantRetriever({ url: 'http://localhost:6333', collection: 'overseer_chunks', embeddings });
 * await retriever.upsertDocuments('default', documents);
 */
export function createQdrantRetriever(options: QdrantRetrieverOptions): QdrantRetriever {
  const client = options.client ?? new QdrantClient({ url: options.url, apiKey: options.apiKey, checkCompatibility: false });
  const alias = options.collection;
  const { embeddings } = options;
  const limits: BatchLimits = { maxBytes: 8 * 1024 * 1024, maxItems: 256, ...options.batchLimits };
  let dimensions = options.dimensions;
  let ready: Promise<void> | undefined;
  let closed = false;

  const measureDimensions = async (): Promise<number | undefined> => {
    if (embeddings === undefined) return undefined;
    dimensions ??= (await embed(() => embeddings.embedQuery('dimension probe'))).length;
    return dimensions;
  };

  const ensureReady = async (): Promise<void> => {
    if (closed) throw new AppError('INTERNAL', 'The retriever is closed');
    ready ??= ensureCollection(client, alias, measureDimensions).catch((error: unknown) => {
      ready = undefined;
      throw upstream(error);
    });
    await ready;
  };

  const writePoints = async (collection: string, points: Schemas['PointStruct'][]): Promise<void> => {
    for (const batch of batchBySize(points, limits)) await client.upsert(collection, { points: batch, wait: true });
  };

  // A fresh random token, not a counter: two writers bumping at once can never both leave the
  // same value, so an answer cached between their writes is never served after the second.
  const bumpGeneration = (tenantId: string) => writePoints(alias, [{
    id: generationPointId(tenantId),
    vector: {},
    payload: { kind: 'generation', tenant_id: tenantId, generation: randomUUID() },
  }]);

  const chunkPoint = (payload: ChunkPayload, id: string | number, vector: number[] | undefined): Schemas['PointStruct'] => ({
    id,
    vector: {
      [sparseVectorName]: documentSparseVector(payload.headings, payload.text, options.sparse),
      ...(vector === undefined ? {} : { [denseVectorName]: vector }),
    },
    payload: payload as unknown as Schemas['Payload'],
  });

  const embedAll = async (texts: string[]): Promise<Array<number[] | undefined>> => {
    if (embeddings === undefined || texts.length === 0) return texts.map(() => undefined);
    const vectors = await embed(() => embeddings.embedDocuments(texts));
    if (vectors.length !== texts.length || vectors.some((vector) => vector.length !== dimensions)) {
      throw new AppError('MODEL_ERROR', `The embedding model returned vectors of unexpected count or length (expected ${dimensions})`);
    }
    // A zero vector has no direction; Qdrant would refuse it for cosine distance.
    return vectors.map((vector) => (vector.every((value) => value === 0) ? undefined : vector));
  };

  return {
    capabilities: { dense: embeddings !== undefined },

    async upsertDocuments(tenantId: string, documents: SourceDocument[]): Promise<UpsertReport> {
      assertTenantId(tenantId);
      assertDocuments(documents);
      await ensureReady();
      const prepared = await Promise.all(documents.map((document) => prepareDocument(document, options.chunking)));
      const plan = await call(() => planUpsert(client, alias, tenantId, prepared));
      const vectors = await embedAll(plan.newChunks.map(({ chunk }) => embeddingText(chunk)));
      const newPoints = plan.newChunks.map(({ document, chunk, occurrence }, index) => {
        const payload = chunkPayload(tenantId, document, chunk, []);
        payload.terms = documentSparseVector(chunk.headings, chunk.text, options.sparse).indices;
        return chunkPoint(payload, chunkPointId(tenantId, document.id, chunk.hash, occurrence), vectors[index]);
      });
      await call(async () => {
        await writePoints(alias, newPoints);
        const moves = plan.moves.map(({ id, chunkIndex }) => ({ set_payload: { payload: { chunk_index: chunkIndex }, points: [id] } }));
        for (const batch of batchBySize(moves, limits)) await client.batchUpdate(alias, { operations: batch, wait: true });
        for (const batch of batchBySize(plan.deletes, limits)) await client.delete(alias, { points: batch, wait: true });
        // Document points go last: if anything above fails, the stale document hash makes the next run redo the work.
        await writePoints(alias, plan.documents.map((payload) => ({ id: documentPointId(tenantId, payload.document_id), vector: {}, payload: payload as unknown as Schemas['Payload'] })));
        // Last: what was cached under the old generation was computed before any of this write.
        if (newPoints.length > 0 || plan.moves.length > 0 || plan.deletes.length > 0 || plan.documents.length > 0) await bumpGeneration(tenantId);
      });
      return plan.report;
    },

    async deleteDocuments(tenantId: string, documentIds: string[]): Promise<number> {
      assertTenantId(tenantId);
      if (documentIds.length === 0) return 0;
      await ensureReady();
      return call(async () => {
        const existing = await client.retrieve(alias, { ids: documentIds.map((id) => documentPointId(tenantId, id)), with_payload: false });
        await client.delete(alias, { filter: { must: [{ key: 'tenant_id', match: { value: tenantId } }, { key: 'document_id', match: { any: documentIds } }] }, wait: true });
        if (existing.length > 0) await bumpGeneration(tenantId);
        return existing.length;
      });
    },

    async generation(tenantId: string): Promise<string> {
      assertTenantId(tenantId);
      await ensureReady();
      const points = await call(() => client.retrieve(alias, { ids: [generationPointId(tenantId), generationPointId(sharedCorpusId)], with_payload: true }));
      const of = (id: string) => String(points.find((point) => point.id === id)?.payload?.generation ?? '0');
      return `${of(generationPointId(tenantId))}:${of(generationPointId(sharedCorpusId))}`;
    },

    async listDocumentIds(tenantId: string, filter?: SearchFilter): Promise<string[]> {
      assertTenantId(tenantId);
      await ensureReady();
      if (filterMatchesNothing(filter)) return [];
      return call(async () => {
        const ids: string[] = [];
        for await (const point of scrollPoints(client, alias, { filter: documentFilter(tenantId, filter), withPayload: ['document_id'] })) {
          ids.push(String(point.payload?.document_id));
        }
        return ids.sort();
      });
    },

    async search(request: SearchRequest): Promise<SearchHit[]> {
      const { limit, mode } = validateSearchRequest(request, { dense: embeddings !== undefined });
      await ensureReady();
      if (filterMatchesNothing(request.filter)) return [];
      const queryVector = embeddings !== undefined && mode !== 'keyword' && request.query.trim() !== '' ? await embed(() => embeddings.embedQuery(request.query)) : undefined;
      const vector = queryVector?.some((value) => value !== 0) ? queryVector : undefined;
      const input = { request, mode, limit, vector };
      const query = buildQueryRequest(input);
      if (query === undefined) return [];
      return call(async () => {
        const [response, statistics] = await Promise.all([client.query(alias, query), tenantStatistics(client, alias, request.tenantId, request.query)]);
        return scorePoints(response.points, input, statistics);
      });
    },

    async reindex(): Promise<ReindexReport> {
      if (closed) throw new AppError('INTERNAL', 'The retriever is closed');
      // Not `ensureReady`: a collection whose vectors no longer fit the model is what a reindex repairs.
      if (!(await call(() => client.collectionExists(alias))).exists) await ensureReady();
      const target = physicalCollectionName(alias);
      return call(async () => {
        await createPhysicalCollection(client, target, await measureDimensions());
        let documents = 0;
        let chunks = 0;
        let page: Schemas['Record'][] = [];
        const flush = async (): Promise<void> => {
          const payloads = page.map((point) => point.payload as unknown as ChunkPayload & { kind: string });
          const chunkPayloads = payloads.filter((payload) => payload.kind === 'chunk');
          const vectors = await embedAll(chunkPayloads.map((payload) => embeddingText({ index: 0, hash: '', headings: payload.headings, text: payload.text })));
          let next = 0;
          await writePoints(
            target,
            page.map((point, index) => {
              const payload = payloads[index] as ChunkPayload & { kind: string };
              if (payload.kind !== 'chunk') return { id: point.id, vector: {}, payload: point.payload ?? {} };
              return chunkPoint(payload, point.id, vectors[next++]);
            }),
          );
          chunks += chunkPayloads.length;
          // Generation points are copied too, but they are no documents.
          documents += payloads.filter((payload) => (payload.kind as string) === 'document').length;
          page = [];
        };
        for await (const point of scrollPoints(client, alias, { withPayload: true, pageSize: 256 })) {
          page.push(point);
          if (page.length >= 256) await flush();
        }
        await flush();
        const previous = await swapAlias(client, alias, target);
        if (previous !== undefined) await client.deleteCollection(previous);
        ready = Promise.resolve();
        return { collection: target, ...(previous === undefined ? {} : { previous }), documents, chunks };
      });
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

async function embed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('UPSTREAM_UNAVAILABLE', 'The embedding model failed', { cause: error });
  }
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw upstream(error);
  }
}

function upstream(error: unknown): unknown {
  if (error instanceof AppError) return error;
  return new AppError('UPSTREAM_UNAVAILABLE', 'The Qdrant request failed', { cause: error });
}
