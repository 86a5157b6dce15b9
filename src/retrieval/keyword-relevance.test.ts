import { describe, expect, it } from 'vitest';
import { inverseDocumentFrequency, scoreKeywordCandidates } from './keyword-relevance.ts';

describe('scoreKeywordCandidates', () => {
  const rare = inverseDocumentFrequency(1, 100);
  const common = inverseDocumentFrequency(40, 100);

  it('gives the full score to the best chunk containing every rare query word', () => {
    const [best] = scoreKeywordCandidates([{ id: 1, bm25: -9, matchedTerms: new Set([0, 1]) }], [rare, rare]);
    expect(best).toEqual({ id: 1, relevance: 1 });
  });

  it('scores a single common word of a longer request low', () => {
    const [hit] = scoreKeywordCandidates([{ id: 1, bm25: -1, matchedTerms: new Set([0]) }], [common, rare, rare]);
    expect(hit?.relevance).toBeLessThan(0.1);
  });

  it('scores a query of one common word lower than a query of one rare word', () => {
    const [commonHit] = scoreKeywordCandidates([{ id: 1, bm25: -1, matchedTerms: new Set([0]) }], [common]);
    const [rareHit] = scoreKeywordCandidates([{ id: 1, bm25: -4, matchedTerms: new Set([0]) }], [rare]);
    expect(commonHit?.relevance).toBeLessThan(0.4);
    expect(rareHit?.relevance).toBe(1);
  });

  it('orders by coverage first and BM25 within equal coverage', () => {
    const scored = scoreKeywordCandidates(
      [
        { id: 1, bm25: -10, matchedTerms: new Set([0]) },
        { id: 2, bm25: -6, matchedTerms: new Set([0, 1]) },
        { id: 3, bm25: -8, matchedTerms: new Set([0, 1]) },
      ],
      [rare, rare],
    );
    expect(scored.map((entry) => entry.id)).toEqual([3, 2, 1]);
    expect(scored[0]!.relevance).toBeGreaterThan(scored[1]!.relevance);
  });

  it('weights a word the corpus never uses the most', () => {
    expect(inverseDocumentFrequency(0, 100)).toBeGreaterThan(inverseDocumentFrequency(1, 100));
    expect(inverseDocumentFrequency(100, 100)).toBeGreaterThan(0);
  });
});
