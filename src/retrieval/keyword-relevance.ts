export interface KeywordCandidate {
  id: number;
  /** FTS5 `bm25()` value: negative, more negative is better. */
  bm25: number;
  /** Indexes (into the query terms) of the terms this chunk contains. */
  matchedTerms: ReadonlySet<number>;
}

/**
 * Inverse document frequency in the BM25 form that never goes negative:
 * ln(1 + (N - df + 0.5) / (df + 0.5)). A term absent from the corpus gets the largest weight,
 * so a request full of words the knowledge base never uses cannot look covered.
 */
export function inverseDocumentFrequency(documentFrequency: number, chunkCount: number): number {
  return Math.log(1 + (chunkCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * Score keyword candidates on an absolute 0..1 scale and sort them best first.
 *
 * relevance = coverage × (0.5 + 0.5 × bm25 / best bm25), where coverage is the IDF-weighted
 * share of the query's informative terms the chunk contains. Coverage is what makes the score
 * comparable across queries: raw BM25 grows with query length and corpus statistics, but
 * "contains 90% of what was asked, weighted by rarity" means the same thing for any query.
 * The BM25 factor (between 0.5 and 1) orders chunks of equal coverage and makes the best hit
 * of a query score exactly its coverage. A chunk matching one common word of a five-word
 * request scores near 0.1; one matching every word scores near 1.
 */
export function scoreKeywordCandidates(
  candidates: readonly KeywordCandidate[],
  termWeights: readonly number[],
): Array<{ id: number; relevance: number }> {
  const totalWeight = termWeights.reduce((sum, weight) => sum + weight, 0);
  const best = Math.max(0, ...candidates.map((candidate) => -candidate.bm25));
  return candidates
    .map((candidate) => {
      let matchedWeight = 0;
      for (const term of candidate.matchedTerms) matchedWeight += termWeights[term] ?? 0;
      const coverage = totalWeight > 0 ? matchedWeight / totalWeight : 0;
      const relative = best > 0 ? -candidate.bm25 / best : 0;
      return { id: candidate.id, relevance: coverage * (0.5 + 0.5 * relative) };
    })
    // Stable sort: equal relevance keeps the BM25 order the candidates came in.
    .sort((left, right) => right.relevance - left.relevance);
}
