export type {
  Retriever,
  RetrieverCapabilities,
  SearchFilter,
  SearchHit,
  SearchMode,
  SearchRequest,
  SourceDocument,
  UpsertReport,
} from './retriever.ts';
export { emptyUpsertReport } from './retriever.ts';
export { createSqliteRetriever, type SqliteRetrieverOptions } from './sqlite-retriever.ts';
export { HashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.ts';
export { chunkDocument, type ChunkOptions, type DocumentChunk } from './chunk-document.ts';
export { reciprocalRankFusion, type FusedRank } from './reciprocal-rank-fusion.ts';
export { ingestDirectory, readDirectory, type IngestDirectoryOptions } from './ingest-directory.ts';
export { readSourceFile, sourceFileExtensions } from './read-source-file.ts';
export { buildMatchQuery } from './build-match-query.ts';
export { contentTerms } from './content-terms.ts';
