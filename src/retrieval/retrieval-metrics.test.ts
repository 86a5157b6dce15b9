import { describe, expect, it } from 'vitest';
import { ndcgAt, rankDocuments, recallAt, reciprocalRankAt } from './retrieval-metrics.ts';

const relevant = new Set(['a', 'b']);

describe('retrieval metrics', () => {
  it('computes recall at k as the share of relevant documents found', () => {
    expect(recallAt(['x', 'a', 'y', 'b'], relevant, 1)).toBe(0);
    expect(recallAt(['x', 'a', 'y', 'b'], relevant, 2)).toBe(0.5);
    expect(recallAt(['x', 'a', 'y', 'b'], relevant, 10)).toBe(1);
    expect(recallAt(['a'], new Set(), 10)).toBe(0);
  });

  it('computes the reciprocal rank of the first relevant document within k', () => {
    expect(reciprocalRankAt(['a', 'b'], relevant, 10)).toBe(1);
    expect(reciprocalRankAt(['x', 'y', 'b'], relevant, 10)).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRankAt(['x', 'y', 'b'], relevant, 2)).toBe(0);
  });

  it('computes nDCG at k with binary gains, by hand', () => {
    // Relevant at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161;
    // ideal (ranks 1 and 2) = 1 + 0.63093 = 1.63093; nDCG = 0.65092.
    expect(ndcgAt(['x', 'a', 'y', 'b'], relevant, 10)).toBeCloseTo(0.65092, 5);
    expect(ndcgAt(['a', 'b', 'x'], relevant, 10)).toBe(1);
    // Only one relevant document fits in k = 1, so the ideal is 1 and rank 1 scores 1.
    expect(ndcgAt(['b', 'x'], relevant, 1)).toBe(1);
    expect(ndcgAt(['x', 'y'], relevant, 10)).toBe(0);
  });

  it('ranks documents by their first chunk', () => {
    expect(rankDocuments([{ documentId: 'b' }, { documentId: 'a' }, { documentId: 'b' }, { documentId: 'c' }])).toEqual(['b', 'a', 'c']);
  });
});
