import type { DatabaseSync } from 'node:sqlite';
import { contentTerms } from './content-terms.ts';
import { quoteTerm } from './build-match-query.ts';
import { filterClause } from './filter-clause.ts';
import { inverseDocumentFrequency, scoreKeywordCandidates } from './keyword-relevance.ts';
import type { SearchFilter } from './retriever.ts';

export interface KeywordSearchOptions {
  tenantId: string;
  query: string;
  filter?: SearchFilter;
  /** How many BM25 candidates to score. */
  candidates: number;
}

// Matches in a heading count double: a section titled "Late-delivery credit" is about exactly that.
const bm25 = 'bm25(retrieval_chunks_fts, 2.0, 1.0)';

/**
 * BM25 over the tenant's chunks with FTS5, then the absolute relevance of
 * `scoreKeywordCandidates`. The OR of the quoted informative words lets BM25 rank partial
 * matches; the per-term lookups afterwards tell which words each candidate contains.
 * Document frequencies are counted within the tenant so one tenant's documents never shift
 * another tenant's scores.
 */
export function searchKeywords(database: DatabaseSync, options: KeywordSearchOptions): Array<{ id: number; relevance: number }> {
  const terms = contentTerms(options.query);
  if (terms.length === 0) return [];
  const filter = filterClause(options.filter, 'chunk');
  const rows = database
    .prepare(
      `SELECT chunk.id AS id, ${bm25} AS bm25
         FROM retrieval_chunks_fts JOIN retrieval_chunks AS chunk ON chunk.id = retrieval_chunks_fts.rowid
        WHERE retrieval_chunks_fts MATCH ? AND chunk.tenant_id = ?${filter.sql}
        ORDER BY bm25 LIMIT ?`,
    )
    .all(terms.map(quoteTerm).join(' OR '), options.tenantId, ...filter.parameters, options.candidates);
  if (rows.length === 0) return [];

  const candidateIds = JSON.stringify(rows.map((row) => row.id));
  const matchedTerms = new Map<number, Set<number>>(rows.map((row) => [Number(row.id), new Set<number>()]));
  const matching = database.prepare(
    `SELECT rowid AS id FROM retrieval_chunks_fts
      WHERE retrieval_chunks_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
  );
  const frequency = database.prepare(
    `SELECT count(*) AS count
       FROM retrieval_chunks_fts JOIN retrieval_chunks AS chunk ON chunk.id = retrieval_chunks_fts.rowid
      WHERE retrieval_chunks_fts MATCH ? AND chunk.tenant_id = ?`,
  );
  const chunkCount = Number(
    database.prepare('SELECT count(*) AS count FROM retrieval_chunks WHERE tenant_id = ?').get(options.tenantId)?.count ?? 0,
  );
  const weights = terms.map((term, index) => {
    for (const row of matching.all(quoteTerm(term), candidateIds)) matchedTerms.get(Number(row.id))?.add(index);
    const documentFrequency = Number(frequency.get(quoteTerm(term), options.tenantId)?.count ?? 0);
    return inverseDocumentFrequency(documentFrequency, chunkCount);
  });

  return scoreKeywordCandidates(
    rows.map((row) => ({ id: Number(row.id), bm25: Number(row.bm25), matchedTerms: matchedTerms.get(Number(row.id)) ?? new Set() })),
    weights,
  );
}
