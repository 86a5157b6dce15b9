import { describe, expect, it } from 'vitest';
import { createPriceTable } from './price-table.ts';

describe('price table', () => {
  const tokens = { inputTokens: 10_000, outputTokens: 2_000, cachedTokens: 0 };

  it('prices a dated snapshot as its family, the longest name first', () => {
    const table = createPriceTable();
    expect(table.priceOf('gpt-4o-mini-2024-07-18')).toEqual(table.priceOf('gpt-4o-mini'));
    expect(table.priceOf('gpt-4o-2024-08-06')).toEqual(table.priceOf('gpt-4o'));
    // 10,000 × $0.15/M + 2,000 × $0.60/M = $0.0027.
    expect(table.costOf('gpt-4o-mini-2024-07-18', tokens)).toBe(2_700_000);
  });

  it('charges cached input tokens at the cached price, as part of the input count', () => {
    const table = createPriceTable();
    // 2,000 uncached × $0.15/M + 8,000 cached × $0.075/M + 2,000 × $0.60/M = $0.0021.
    expect(table.costOf('gpt-4o-mini', { ...tokens, cachedTokens: 8_000 })).toBe(2_100_000);
  });

  it('takes MODEL_PRICES over the defaults and for models it does not know', () => {
    const table = createPriceTable({ 'gpt-4o-mini': { input: 1, output: 2 }, 'llama3.1': { input: 0.5, output: 0.5 } });
    expect(table.costOf('gpt-4o-mini', tokens)).toBe(14_000_000);
    expect(table.costOf('llama3.1:8b', tokens)).toBe(6_000_000);
    // No cached price: cached tokens cost the input price.
    expect(table.costOf('llama3.1', { ...tokens, cachedTokens: 10_000 })).toBe(6_000_000);
  });

  it('costs nothing for a model without a price, and for the offline models', () => {
    const table = createPriceTable();
    expect(table.priceOf('my-private-model')).toBeUndefined();
    expect(table.costOf('my-private-model', tokens)).toBe(0);
    expect(table.costOf('overseer-offline-executor', tokens)).toBe(0);
  });
});
