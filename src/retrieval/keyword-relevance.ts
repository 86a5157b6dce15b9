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

// IDF of a word found in one chunk of 20, whatever the corpus size: ln(1 + 0.95 / 0.05) = ln 20.
const fullEvidence = Math.log(20);

/**
 * Score keyword candidates on an absolute 0..1 scale and sort them best first.
 *
 * relevance = coverage × evidence × (0.5 + 0.5 × bm25 / best bm25)
 * - coverage: the IDF-weighted share of the query's informative words the chunk contains.
 *   Raw BM25 grows with query length and corpus statistics; "contains 90% of what was asked,
 *   weighted by rarity" means the same thing for any query.
 * - evidence: min(1, IDF of the matched words / ln 20). A match resting on one common word
 *   ("order" in a shop's knowledge base) proves little even when it is the whole query; the
 *   matched words must together be as rare as one word found in 1 chunk of 20 to count fully.
 * - the BM25 factor (0.5..1) orders chunks of equal coverage; the best hit gets 1.
 * A chunk matching every word of a specific request scores near 1, one matching a single
 * common word of a longer request near 0.1, and a request sharing no informative word with
 * the knowledge base returns no keyword hits at all.
 */
export function scoreKeywordCandidates(
  candidates: readonly KeywordCandidate[],
  termWeights: readonly number[],
): Array<{ id: number; relevance: number }> {
  const totalWeight = termWeights.reduce((sum, weight) => sum + weight, 0);
  const best = Math.max(0, ...candidates.map((candidate) => -candidate.bm25));
  return (
    candidates
      .map((candidate) => {
        let matchedWeight = 0;
        for (const term of candidate.matchedTerms) matchedWeight += termWeights[term] ?? 0;
        const coverage = totalWeight > 0 ? matchedWeight / totalWeight : 0;
        const evidence = Math.min(1, matchedWeight / fullEvidence);
        const relative = best > 0 ? -candidate.bm25 / best : 0;
        return { id: candidate.id, relevance: coverage * evidence * (0.5 + 0.5 * relative) };
      })
      // Stable sort: equal relevance keeps the BM25 order the candidates came in.
      .sort((left, right) => right.relevance - left.relevance)
  );
}
