import { defaultModelPrices, type ModelPrice } from './model-prices.ts';

export interface PriceTable {
  /** The price of `model`: its own entry, else the longest entry it starts with (a dated snapshot takes its family's). */
  priceOf(model: string): ModelPrice | undefined;
  /**
   * The cost of one call in billionths of a dollar (0 for a model without a price). Cached
   * tokens are part of the input count and cost the cached price instead of the input price;
   * reasoning tokens are part of the output count.
   */
  costOf(model: string, tokens: { inputTokens: number; outputTokens: number; cachedTokens: number }): number;
}

/**
 * The default list prices (`model-prices.ts`) with `overrides` (from `MODEL_PRICES`) on top.
 * @example createPriceTable({ 'my-model': { input: 1, output: 2 } }).costOf('gpt-4o-mini', { inputTokens: 1000, outputTokens: 100, cachedTokens: 0 }) // 210000 (= $0.00021)
 */
export function createPriceTable(overrides: Record<string, ModelPrice> = {}): PriceTable {
  const prices = new Map(Object.entries({ ...defaultModelPrices, ...overrides }));
  // Longest first, so `gpt-4o-mini-2024-07-18` finds `gpt-4o-mini` before `gpt-4o`.
  const names = [...prices.keys()].sort((left, right) => right.length - left.length);

  function priceOf(model: string): ModelPrice | undefined {
    return prices.get(model) ?? prices.get(names.find((name) => model.startsWith(name)) ?? '');
  }

  return {
    priceOf,
    costOf(model, { inputTokens, outputTokens, cachedTokens }) {
      const price = priceOf(model);
      if (!price) return 0;
      const cached = Math.min(cachedTokens, inputTokens);
      // Dollars per million tokens are thousandths of a nano-dollar per token.
      const nano = ((inputTokens - cached) * price.input + cached * (price.cached_input ?? price.input) + outputTokens * price.output) * 1_000;
      return Math.round(nano);
    },
  };
}
