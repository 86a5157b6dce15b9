/** What a model costs, in US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Input tokens served from the provider's prompt cache; the input price when absent. */
  cached_input?: number;
}

/**
 * List prices of common models, per million tokens, standard (not batch) tier. Checked on
 * 2026-12-02 against the providers' published price tables. They are estimates: providers change
 * them, contracts differ, and long-context tiers cost more. `MODEL_PRICES` overrides any entry
 * and adds others. A model is matched by its exact name, then by the longest name it starts
 * with, so a dated snapshot (`gpt-4o-mini-2024-07-18`) takes its family's price.
 */
export const defaultModelPrices: Readonly<Record<string, ModelPrice>> = {
  'gpt-5': { input: 1.25, output: 10, cached_input: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cached_input: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cached_input: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cached_input: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cached_input: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cached_input: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cached_input: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cached_input: 0.075 },
  o3: { input: 2, output: 8, cached_input: 0.5 },
  'o3-mini': { input: 1.1, output: 4.4, cached_input: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cached_input: 0.275 },
  'claude-opus-4': { input: 15, output: 75, cached_input: 1.5 },
  'claude-sonnet-4': { input: 3, output: 15, cached_input: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cached_input: 0.1 },
  'gemini-2.5-pro': { input: 1.25, output: 10, cached_input: 0.31 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cached_input: 0.075 },
  // The deterministic no-key models cost nothing; their token counts are estimates.
  'overseer-offline': { input: 0, output: 0 },
};
