import { AppError } from '../errors.ts';
import type { Retriever, SearchHit, SearchMode } from './retriever.ts';
import { ndcgAt, rankDocuments, recallAt, reciprocalRankAt } from './retrieval-metrics.ts';

export interface LabelledQuery {
  query: string;
  /** Ids of the documents that answer the query. */
  relevant: string[];
}

export interface RetrievalEvaluation {
  mode: SearchMode;
  queries: number;
  recallAt1: number;
  recallAt10: number;
  mrrAt10: number;
  ndcgAt10: number;
  /** Share of queries whose best hit scores at least `minScore`: those a caller with that threshold counts as covered. */
  covered?: number;
}

/**
 * Run every labelled query against the retriever and average recall@1, recall@10, MRR@10 and
 * nDCG@10 over documents (a document counts once, at the rank of its best chunk).
 * @example const figures = await evaluateRetrieval(retriever, { tenantId: 'default', mode: 'keyword', queries });
 */
export async function evaluateRetrieval(
  retriever: Retriever,
  options: {
    tenantId: string;
    mode: SearchMode;
    queries: readonly LabelledQuery[];
    /** How a query is searched, when not by one `retriever.search` (to measure a caller's own way of searching). */
    search?: (query: string) => Promise<SearchHit[]>;
    /** Report `covered` for this score threshold. */
    minScore?: number;
  },
): Promise<RetrievalEvaluation> {
  if (options.queries.length === 0) throw new AppError('BAD_REQUEST', 'No queries to evaluate');
  const totals = { recallAt1: 0, recallAt10: 0, mrrAt10: 0, ndcgAt10: 0, covered: 0 };
  for (const { query, relevant } of options.queries) {
    // Enough chunks that ten distinct documents are almost always among them.
    const hits = options.search ? await options.search(query) : await retriever.search({ tenantId: options.tenantId, query, mode: options.mode, limit: 100 });
    const ranked = rankDocuments(hits);
    const expected = new Set(relevant);
    totals.recallAt1 += recallAt(ranked, expected, 1);
    totals.recallAt10 += recallAt(ranked, expected, 10);
    totals.mrrAt10 += reciprocalRankAt(ranked, expected, 10);
    totals.ndcgAt10 += ndcgAt(ranked, expected, 10);
    if (options.minScore !== undefined && hits.some((hit) => hit.score >= options.minScore!)) totals.covered += 1;
  }
  const count = options.queries.length;
  const round = (value: number) => Math.round((value / count) * 1000) / 1000;
  return {
    mode: options.mode,
    queries: count,
    recallAt1: round(totals.recallAt1),
    recallAt10: round(totals.recallAt10),
    mrrAt10: round(totals.mrrAt10),
    ndcgAt10: round(totals.ndcgAt10),
    ...(options.minScore === undefined ? {} : { covered: round(totals.covered) }),
  };
}

/** Parse JSON lines of `{ "query": string, "relevant": string[] }`, naming every bad line. */
export function parseLabelledQueries(content: string, name = 'queries'): LabelledQuery[] {
  const queries: LabelledQuery[] = [];
  const issues: string[] = [];
  content.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as { query?: unknown; relevant?: unknown };
      if (typeof value.query !== 'string' || !Array.isArray(value.relevant) || !value.relevant.every((id) => typeof id === 'string') || value.relevant.length === 0) {
        issues.push(`${name}:${index + 1} needs a string "query" and a non-empty string array "relevant"`);
        return;
      }
      queries.push({ query: value.query, relevant: value.relevant as string[] });
    } catch {
      issues.push(`${name}:${index + 1} is not valid JSON`);
    }
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', `Invalid lines in ${name}`, { details: issues });
  return queries;
}
