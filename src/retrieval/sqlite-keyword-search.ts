import type { DatabaseSync } from 'node:sqlite';
import { contentTerms } from './content-terms.ts';
import { quoteTerm } from './build-match-query.ts';
import { filterClause } from './filter-clause.ts';
import { inverseDocumentFrequency, scoreKeywordCandidates } from './keyword-relevance.ts';
import type { SearchFilter } from './retriever.ts';
import type { KeywordStatistics } from './sqlite-keyword-statistics.ts';
import { tenantToken } from './sqlite-retrieval-schema.ts';

export interface KeywordSearchOptions {
  /** The corpora searched together (a tenant's own and the shared one), ranked as one. */
  tenantIds: readonly string[];
  query: string;
  filter?: SearchFilter;
  /** How many BM25 candidates to score. */
  candidates: number;
}

// Matches in a heading count double: a section titled "Late-delivery credit" is about exactly
// that. The tenant column weighs nothing: it only restricts.
const bm25 = 'bm25(retrieval_chunks_fts, 0.0, 2.0, 1.0)';

// Common-terms pruning (as Elasticsearch's common terms query): in a large index, a word in
// more than 5% of the tenant's chunks adds little to BM25 but costs a score for every row it
// matches. Such words rank only the chunks that rarer words found; they still count fully
// towards each candidate's coverage and relevance below.
const commonShare = 0.05;
const pruneAbove = 5_000;

/**
 * BM25 over the chunks of the given tenants with FTS5, then the absolute relevance of
 * `scoreKeywordCandidates`. The tenant is a token inside the FTS5 index, so ranking and the
 * per-tenant document frequencies are posting-list merges, not row lookups; a tenant's own
 * documents and the shared corpus are ranked as one corpus (their frequencies added), and no
 * other tenant's documents ever shift the scores. Filters on documents or sources join the
 * chunks table.
 */
export function searchKeywords(
  database: DatabaseSync,
  statistics: KeywordStatistics,
  options: KeywordSearchOptions,
): Array<{ id: number; relevance: number }> {
  const terms = contentTerms(options.query);
  if (terms.length === 0) return [];
  // Corpora without chunks drop out, so a tenant searching alone costs what it always did.
  const corpora = options.tenantIds.map((tenantId) => ({ tenantId, ...statistics.read(tenantId, terms) })).filter((corpus) => corpus.chunkCount > 0);
  if (corpora.length === 0) return [];
  const chunkCount = corpora.reduce((sum, corpus) => sum + corpus.chunkCount, 0);
  const frequencies = terms.map((_, index) => corpora.reduce((sum, corpus) => sum + (corpus.frequencies[index] ?? 0), 0));
  const tokens = corpora.map((corpus) => `tenant_token : ${quoteTerm(tenantToken(corpus.tenantId))}`);
  const tenant = tokens.length === 1 ? (tokens[0] as string) : `(${tokens.join(' OR ')})`;
  const weights = frequencies.map((documentFrequency) => inverseDocumentFrequency(documentFrequency, chunkCount));

  const rare = terms.filter((_, index) => chunkCount < pruneAbove || (frequencies[index] ?? 0) <= commonShare * chunkCount);
  const filter = filterClause(options.filter, 'chunk');
  const rank = (expression: string) =>
    database
      .prepare(
        filter.sql === ''
          ? `SELECT rowid AS id, ${bm25} AS bm25 FROM retrieval_chunks_fts WHERE retrieval_chunks_fts MATCH ? ORDER BY bm25 LIMIT ?`
          : `SELECT chunk.id AS id, ${bm25} AS bm25
               FROM retrieval_chunks_fts JOIN retrieval_chunks AS chunk ON chunk.id = retrieval_chunks_fts.rowid
              WHERE retrieval_chunks_fts MATCH ?${filter.sql} ORDER BY bm25 LIMIT ?`,
      )
      .all(`${tenant} AND (${expression})`, ...filter.parameters, options.candidates);
  const anyTerm = terms.map(quoteTerm).join(' OR ');
  let rows =
    rare.length > 0
      ? rank(rare.map(quoteTerm).join(' OR '))
      : // Only common words: chunks holding all of them first; every chunk holding any if none does.
        rank(terms.map(quoteTerm).join(' AND '));
  if (rows.length === 0 && rare.length !== terms.length) rows = rank(anyTerm);
  if (rows.length === 0) return [];

  const candidateIds = JSON.stringify(rows.map((row) => row.id));
  const matchedTerms = new Map<number, Set<number>>(rows.map((row) => [Number(row.id), new Set<number>()]));
  const matching = database.prepare(
    `SELECT rowid AS id FROM retrieval_chunks_fts
      WHERE retrieval_chunks_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
  );
  terms.forEach((term, index) => {
    for (const row of matching.all(quoteTerm(term), candidateIds)) matchedTerms.get(Number(row.id))?.add(index);
  });

  return scoreKeywordCandidates(
    rows.map((row) => ({ id: Number(row.id), bm25: Number(row.bm25), matchedTerms: matchedTerms.get(Number(row.id)) ?? new Set() })),
    weights,
  );
}
