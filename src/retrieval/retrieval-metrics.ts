/**
 * Ranking metrics over document ids with binary relevance. `ranked` is the retrieved order
 * (best first, without repeats); `relevant` the labelled set.
 */

/** The share of the relevant documents found in the first k. */
export function recallAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  return ranked.slice(0, k).filter((id) => relevant.has(id)).length / relevant.size;
}

/** 1 / rank of the first relevant document within the first k, or 0. */
export function reciprocalRankAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const index = ranked.slice(0, k).findIndex((id) => relevant.has(id));
  return index === -1 ? 0 : 1 / (index + 1);
}

/**
 * Normalised discounted cumulative gain at k with binary gains: Σ 1 / log2(rank + 1) over
 * the relevant documents in the first k, divided by the same sum for an ideal ranking that
 * puts all relevant documents first.
 */
export function ndcgAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let gain = 0;
  ranked.slice(0, k).forEach((id, index) => {
    if (relevant.has(id)) gain += 1 / Math.log2(index + 2);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(k, relevant.size); index++) ideal += 1 / Math.log2(index + 2);
  return ideal === 0 ? 0 : gain / ideal;
}

/** Document ids in the order of their best chunk: a document counts once, at its first hit. */
export function rankDocuments(hits: readonly { documentId: string }[]): string[] {
  return [...new Set(hits.map((hit) => hit.documentId))];
}
