import { ChatOpenAI } from '@langchain/openai';
import type { Config, ModelEndpoint, ModelRole } from '../config.ts';
import { ChatModelWithFallbacks } from './chat-model-with-fallbacks.ts';
import { createModelFetch } from './model-fetch.ts';
import type { ModelsByRole } from './models-by-role.ts';
import { createOfflineModels, type OfflineModelOptions } from './offline/create-offline-models.ts';

const roles: ModelRole[] = ['supervisor', 'retriever', 'executor', 'reviewer'];

/**
 * The models each role uses: any OpenAI-compatible endpoint when configured (OpenAI, vLLM,
 * Ollama, LiteLLM, Azure OpenAI's compatible endpoint, all through `OPENAI_BASE_URL`), each
 * with its fallbacks when `MODEL_FALLBACKS` names some, and a premium model per role when
 * `MODEL_<ROLE>_PREMIUM` names one (see `selectModel`); otherwise the deterministic offline
 * models, which act on the domain's plain requests through `options.offline.planner`.
 */
export function createModels(config: Config['models'], options: { offline?: OfflineModelOptions } = {}): ModelsByRole {
  if (config.provider === 'offline') return createOfflineModels(options.offline);
  // One fetch for every call: it cuts a response that stalls, which the SDK's timeout does not.
  const fetch = createModelFetch({ callTimeoutMs: config.timeoutMs, idleTimeoutMs: config.idleTimeoutMs });
  const chatModel = (endpoint: ModelEndpoint) => {
    const baseURL = endpoint.baseUrl ?? config.baseUrl;
    return new ChatOpenAI({
      model: endpoint.model,
      apiKey: endpoint.apiKey ?? config.apiKey ?? 'not-needed-for-this-endpoint',
      configuration: { ...(baseURL ? { baseURL } : {}), fetch },
      timeout: config.timeoutMs,
      maxRetries: config.maxRetries,
      // Routing, tool arguments and verdicts should be repeatable, not creative.
      temperature: 0,
    });
  };
  // A premium model has the role's fallbacks too: an outage of either tier falls back the same way.
  const withFallbacks = (role: ModelRole, model: string) => {
    const primary: ModelEndpoint = { model };
    const fallbacks = config.fallbacks[role] ?? [];
    return fallbacks.length === 0
      ? chatModel(primary)
      : new ChatModelWithFallbacks(role, [primary, ...fallbacks].map((endpoint) => ({
        name: endpoint.baseUrl ? `${endpoint.model}@${endpoint.baseUrl}` : endpoint.model,
        model: chatModel(endpoint),
      })));
  };
  const models = { premium: {} } as ModelsByRole & { premium: NonNullable<ModelsByRole['premium']> };
  for (const role of roles) {
    models[role] = withFallbacks(role, config.names[role]);
    const premium = config.premiumNames?.[role];
    if (premium) models.premium[role] = withFallbacks(role, premium);
  }
  return models;
}
