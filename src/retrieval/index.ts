export type {
  Retriever,
  RetrieverCapabilities,
  SearchFilter,
  SearchHit,
  SearchMode,
  SearchRequest,
  SearchScope,
  SourceDocument,
  UpsertReport,
} from './retriever.ts';
export { emptyUpsertReport, sharedCorpusId } from './retriever.ts';
export { createSqliteRetriever, type SqliteRetrieverOptions } from './sqlite-retriever.ts';
export { normalizeQuestion, questionDigest, type AnswerCache, type AnswerCacheKey } from './answer-cache.ts';
export { createSqliteAnswerCache, type SqliteAnswerCacheOptions } from './sqlite-answer-cache.ts';
export { createRedisAnswerCache, type RedisAnswerCacheOptions } from './redis-answer-cache.ts';
export { HashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.ts';
export { chunkDocument, type ChunkOptions, type DocumentChunk } from './chunk-document.ts';
export { reciprocalRankFusion, type FusedRank } from './reciprocal-rank-fusion.ts';
export { ingestDirectory, readDirectory, type IngestDirectoryOptions } from './ingest-directory.ts';
export { readSourceFile, sourceFileExtensions } from './read-source-file.ts';
export { buildMatchQuery } from './build-match-query.ts';
export { contentTerms } from './content-terms.ts';
export { createQdrantRetriever, type QdrantRetriever, type QdrantRetrieverOptions, type ReindexReport } from './qdrant-retriever.ts';
export { createEmbeddings, type EmbeddingsConfig } from './create-embeddings.ts';
export { createResilientEmbeddings, isRetryableEmbeddingError, type ResilientEmbeddingsOptions } from './resilient-embeddings.ts';
export { documentSparseVector, querySparseVector, stemTerm, type SparseVector, type SparseVectorOptions } from './sparse-vector.ts';
export { batchBySize, type BatchLimits } from './batch-by-size.ts';
export { evaluateRetrieval, parseLabelledQueries, type LabelledQuery, type RetrievalEvaluation } from './evaluate-retrieval.ts';
export { ndcgAt, rankDocuments, recallAt, reciprocalRankAt } from './retrieval-metrics.ts';
export { ingestDocuments } from './ingest-directory.ts';
export { readSources, resolveInside } from './read-sources.ts';
export {
  createIngestionJobs,
  type IngestionJob,
  type IngestionJobs,
  type IngestionJobsOptions,
  type IngestionJobStatus,
  type IngestionSource,
} from './ingestion-jobs.ts';
export { ingestSharedDirectory, type SharedDirectoryReport } from './ingest-shared-directory.ts';
