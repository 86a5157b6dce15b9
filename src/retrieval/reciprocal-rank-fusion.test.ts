import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.ts';

describe('reciprocalRankFusion', () => {
  it('puts an id found by both rankings above ids found by one', () => {
    const fused = reciprocalRankFusion([['a', 'b'], ['b', 'c']]);
    expect(fused.map((entry) => entry.id)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61);
    expect(fused[1]?.score).toBeCloseTo(1 / 61);
  });

  it('breaks ties by best rank, then by the earlier ranking', () => {
    expect(reciprocalRankFusion([['a', 'b'], ['c', 'd']]).map((entry) => entry.id)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('uses the given k', () => {
    expect(reciprocalRankFusion([['a']], 0)[0]?.score).toBe(1);
  });

  it('lets a ranking of more worth outweigh agreement between weaker ones', () => {
    const fused = reciprocalRankFusion([['a', 'b'], ['c', 'b']], 60, [0.2, 1]);
    expect(fused.map((entry) => entry.id)).toEqual(['b', 'c', 'a']);
    expect(fused[0]?.score).toBeCloseTo(0.2 / 62 + 1 / 62);
    expect(reciprocalRankFusion([['a', 'b'], ['c']], 60, [0.2, 1])[0]?.id).toBe('c');
  });

  it('returns nothing for no rankings', () => {
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});
