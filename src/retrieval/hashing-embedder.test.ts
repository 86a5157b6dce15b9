import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from './hashing-embedder.ts';

const cosine = (left: number[], right: number[]) => left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);

describe('HashingEmbedder', () => {
  it('returns unit-length vectors of the configured size, the same on every call', async () => {
    const embedder = new HashingEmbedder({ dimensions: 128 });
    const [vector] = await embedder.embedDocuments(['Refunds go back to the original payment method.']);
    expect(vector).toHaveLength(128);
    expect(Math.hypot(...(vector ?? []))).toBeCloseTo(1, 6);
    expect(await new HashingEmbedder({ dimensions: 128 }).embedQuery('Refunds go back to the original payment method.')).toEqual(vector);
  });

  it('makes texts that share words closer than texts that do not', async () => {
    const embedder = new HashingEmbedder();
    const [query, related, unrelated] = await embedder.embedDocuments([
      'refund for a late delivery',
      'A late delivery is eligible for a full refund.',
      'Vacuum the sofa cushions weekly.',
    ]);
    expect(cosine(query!, related!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.3);
  });

  it('returns a zero vector for text with no informative word', async () => {
    expect((await new HashingEmbedder({ dimensions: 8 }).embedQuery('what is it')).every((value) => value === 0)).toBe(true);
  });

  it('refuses a dimension below 2', () => {
    expect(() => new HashingEmbedder({ dimensions: 1 })).toThrow(RangeError);
  });
});
