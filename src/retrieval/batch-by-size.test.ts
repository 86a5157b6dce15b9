import { describe, expect, it } from 'vitest';
import { batchBySize } from './batch-by-size.ts';

describe('batchBySize', () => {
  it('starts a new batch before one would exceed the byte limit', () => {
    // Each item serialises to 12 bytes ("xxxxxxxxxx" with quotes) plus 1 for the comma.
    const items = Array.from({ length: 5 }, () => 'x'.repeat(10));
    expect(batchBySize(items, { maxBytes: 26, maxItems: 100 }).map((batch) => batch.length)).toEqual([2, 2, 1]);
  });

  it('starts a new batch at the item limit', () => {
    expect(batchBySize([1, 2, 3, 4, 5], { maxBytes: 1_000, maxItems: 2 })).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('measures UTF-8 bytes, not characters', () => {
    expect(batchBySize(['€€€€', '€€€€'], { maxBytes: 20, maxItems: 10 })).toHaveLength(2);
  });

  it('sends an item larger than the limit alone and keeps the order', () => {
    expect(batchBySize(['a', 'b'.repeat(50), 'c'], { maxBytes: 10, maxItems: 10 })).toEqual([['a'], ['b'.repeat(50)], ['c']]);
    expect(batchBySize([], { maxBytes: 10, maxItems: 10 })).toEqual([]);
  });
});
