export interface FusedRank {
  id: string;
  /** Sum over the rankings of 1 / (k + rank), rank counted from 1. */
  score: number;
}

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): each ranking contributes
 * 1 / (k + rank) for every id it holds. It needs no score calibration between rankings, which
 * is why BM25 and cosine similarity can be fused with it. k = 60 is the paper's value and the
 * one Qdrant's Query API uses, so both backends fuse alike. Ties go to the id with the better
 * best rank, then to the earlier ranking, so the output is deterministic.
 * `weights` scale each ranking's contributions (default 1 each), for rankings of unequal worth.
 * @example reciprocalRankFusion([['a', 'b'], ['b', 'c']]) // b first: it appears in both
 */
export function reciprocalRankFusion(rankings: readonly (readonly string[])[], k = 60, weights?: readonly number[]): FusedRank[] {
  const fused = new Map<string, { score: number; bestRank: number; firstSeen: number }>();
  let seen = 0;
  for (const [position, ranking] of rankings.entries()) {
    const weight = weights?.[position] ?? 1;
    ranking.forEach((id, index) => {
      const entry = fused.get(id) ?? { score: 0, bestRank: Number.POSITIVE_INFINITY, firstSeen: seen++ };
      entry.score += weight / (k + index + 1);
      entry.bestRank = Math.min(entry.bestRank, index + 1);
      fused.set(id, entry);
    });
  }
  return [...fused.entries()]
    .sort(([, left], [, right]) => right.score - left.score || left.bestRank - right.bestRank || left.firstSeen - right.firstSeen)
    .map(([id, entry]) => ({ id, score: entry.score }));
}
