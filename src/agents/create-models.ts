import { ChatOpenAI } from '@langchain/openai';
import type { Config, ModelRole } from '../config.ts';
import type { ModelsByRole } from './models-by-role.ts';
import { createOfflineModels } from './offline/create-offline-models.ts';

const roles: ModelRole[] = ['supervisor', 'retriever', 'executor', 'reviewer'];

/**
 * The models each role uses: any OpenAI-compatible endpoint when configured, otherwise
 * the deterministic offline models.
 */
export function createModels(config: Config['models']): ModelsByRole {
  if (config.provider === 'offline') return createOfflineModels();
  const models = {} as ModelsByRole;
  for (const role of roles) {
    models[role] = new ChatOpenAI({
      model: config.names[role],
      apiKey: config.apiKey ?? 'not-needed-for-this-endpoint',
      configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
      timeout: config.timeoutMs,
      maxRetries: config.maxRetries,
      // Routing, tool arguments and verdicts should be repeatable, not creative.
      temperature: 0,
    });
  }
  return models;
}
