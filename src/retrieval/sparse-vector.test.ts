import { describe, expect, it } from 'vitest';
import { documentSparseVector, querySparseVector, stemTerm, termId } from './sparse-vector.ts';

describe('sparse BM25 vectors', () => {
  it('folds inflections of a word to one stem', () => {
    expect(['refunds', 'refunded', 'refunding', 'refund'].map(stemTerm)).toEqual(['refund', 'refund', 'refund', 'refund']);
    expect(stemTerm('descaling')).toBe(stemTerm('descale'));
    expect(stemTerm('policies')).toBe('policy');
    expect(stemTerm('address')).toBe('address');
  });

  it('gives each informative query word weight 1 and drops stopwords and repeats', () => {
    const vector = querySparseVector('How do I get a refund? Refund please!');
    expect(vector).toEqual({ indices: [termId('refund')], values: [1] });
  });

  it('saturates term frequency and normalises by length as BM25 does (k1 = 1.2, b = 0.75)', () => {
    // One word once in a chunk of exactly average length: tf (k1 + 1) / (tf + k1) = 2.2 / 2.2 = 1.
    const average = documentSparseVector([], 'kettle', { averageLength: 1 });
    expect(average).toEqual({ indices: [termId('kettl')], values: [1] });
    // Three times in a chunk of three words, average length 3: 3 × 2.2 / (3 + 1.2) ≈ 1.5714.
    const repeated = documentSparseVector([], 'kettle kettle kettle', { averageLength: 3 });
    expect(repeated.values[0]).toBeCloseTo(1.5714, 4);
    // The same single word in a chunk twice the average length weighs less: 2.2 / (1 + 1.2 × 1.75) ≈ 0.7097.
    const long = documentSparseVector([], 'kettle spout', { averageLength: 1 });
    expect(long.values[long.indices.indexOf(termId('kettl'))]).toBeCloseTo(0.7097, 4);
  });

  it('counts heading words twice and returns ascending unique indices', () => {
    const vector = documentSparseVector(['Kettle care'], 'Descale the kettle monthly.', { averageLength: 5 });
    expect(vector.indices).toEqual([...new Set(vector.indices)].sort((left, right) => left - right));
    const kettle = vector.values[vector.indices.indexOf(termId('kettl'))] ?? 0;
    const monthly = vector.values[vector.indices.indexOf(termId('monthly'))] ?? 0;
    expect(kettle).toBeGreaterThan(monthly);
  });
});
