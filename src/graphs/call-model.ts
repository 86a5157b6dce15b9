import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { toModelError, type ModelFallbackRecord, type ModelTier } from '../agents/index.ts';
import type { ModelRole } from '../config.ts';
import { agentRoleMetadataKey, modelTierMetadataKey, modelTierReasonMetadataKey, type AuditLog } from '../observability/index.ts';
import { budgetCheckedMetadataKey, budgetExemptMetadataKey, findBudgetHandler } from '../limits/index.ts';
import { promptCharacters } from '../observability/index.ts';
import { recordAudit } from './record-audit.ts';

/**
 * Every model call of the graphs: a provider failure becomes the service's error (429 →
 * `MODEL_RATE_LIMITED`, 5xx → `MODEL_UNAVAILABLE`, time-out → `MODEL_TIMEOUT`, see
 * `toModelError`) instead of an opaque `INTERNAL`, and an answer from a fallback model is
 * audited as `model.fallback`. A cancelled or timed-out run's abort passes unchanged.
 */
export async function callModel(
  model: Runnable<BaseLanguageModelInput, BaseMessage>,
  messages: BaseMessage[],
  context: { role: ModelRole; config: LangGraphRunnableConfig; audit?: AuditLog; tier?: { tier: ModelTier; reason: string } },
): Promise<BaseMessage> {
  const { role, config, audit, tier } = context;
  let reply: BaseMessage;
  try {
    // The role and the routing policy's tier ride in the call's metadata, so usage, metrics and spans name them.
    const metadata = {
      ...config.metadata,
      [agentRoleMetadataKey]: role,
      ...(tier ? { [modelTierMetadataKey]: tier.tier, [modelTierReasonMetadataKey]: tier.reason } : {}),
    };
    // The run's budgets, checked here rather than by the handler so a refusal is the graph's to handle, not logged as a handler error.
    const budget = config.metadata?.[budgetExemptMetadataKey] === true ? undefined : findBudgetHandler(config.callbacks);
    if (budget) {
      await budget.checkBefore({ characters: promptCharacters(messages), model: modelNameOf(model) });
      Object.assign(metadata, { [budgetCheckedMetadataKey]: true });
    }
    reply = await model.invoke(messages, { ...config, metadata });
  } catch (error) {
    if (config.signal?.aborted) throw error;
    throw toModelError(error, role) ?? error;
  }
  const fallback = (reply.response_metadata as { model_fallback?: ModelFallbackRecord } | undefined)?.model_fallback;
  if (fallback) await recordAudit(audit, config, 'model.fallback', { role, ...fallback });
  return reply;
}

/** Audit a reply handed back to its model with the exact problem. */
export async function recordReprompt(
  audit: AuditLog | undefined,
  config: LangGraphRunnableConfig,
  data: { role: ModelRole; attempt: number; problem: string },
): Promise<void> {
  await recordAudit(audit, config, 'model.reprompted', data);
}

/** The model a call goes to, as a chat model (or a model bound to tools) names it; for the cost estimate of a budget check. */
function modelNameOf(model: Runnable<BaseLanguageModelInput, BaseMessage>): string {
  const named = model as unknown as { model?: unknown; modelName?: unknown; bound?: { model?: unknown; modelName?: unknown } };
  const name = [named.model, named.modelName, named.bound?.model, named.bound?.modelName].find((value): value is string => typeof value === 'string' && value !== '');
  return name ?? 'unknown';
}
