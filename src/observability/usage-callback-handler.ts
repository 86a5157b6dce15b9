import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { logError } from './log-error.ts';
import type { ModelUsageRecord, UsageStore } from './model-usage.ts';
import type { PriceTable } from './price-table.ts';
import { promptCharacters, readModelUsage, respondingModel } from './read-model-usage.ts';

/** The metadata key `callModel` sets on every model call of the graphs: which agent role asks. */
export const agentRoleMetadataKey = 'agent_role';
/** The metadata key `callModel` sets with the tier the routing policy chose (`routine` | `premium`); spans and usage read it. */
export const modelTierMetadataKey = 'overseer.model_tier';
/** Why the routing policy chose that tier, in a few words. */
export const modelTierReasonMetadataKey = 'overseer.model_tier_reason';

/** One model call, as metrics see it. */
export interface ModelCallObservation {
  role: string;
  model: string;
  outcome: 'ok' | 'error';
  durationSeconds: number;
  /** Absent for a failed call. */
  usage?: ModelUsageRecord;
}

export interface UsageCallbackOptions {
  /** Whose calls these are: every record carries them. */
  run: { tenantId: string; runId?: string; threadId?: string };
  prices: PriceTable;
  /** Where each call's usage is recorded; the call returns once it is. */
  store?: UsageStore;
  /** Told of every call, failed ones too. */
  onCall?: (observation: ModelCallObservation) => void;
  clock?: () => Date;
}

interface StartedCall {
  startedAt: number;
  role: string;
  model: string;
  tier?: ModelUsageRecord['tier'];
  promptCharacters: number;
}

/**
 * A LangChain callback handler for one run: times every chat model call, reads its usage (the
 * provider's counts, cached and reasoning tokens included, or an estimate when it gave none),
 * prices it and records it with the run, thread, tenant, agent role and model. It is awaited,
 * so a call's usage is stored before the graph goes on, and a run's totals are complete when
 * it ends.
 * @example await graph.invoke(input, { callbacks: [new UsageCallbackHandler({ run: { tenantId }, prices, store })] });
 */
export class UsageCallbackHandler extends BaseCallbackHandler {
  name = 'overseer_usage';
  private readonly options: UsageCallbackOptions;
  private readonly started = new Map<string, StartedCall>();

  constructor(options: UsageCallbackOptions) {
    // Only model calls count; chain, agent and retriever events (every graph step) are not even delivered.
    super({ _awaitHandler: true, ignoreChain: true, ignoreAgent: true, ignoreRetriever: true, ignoreCustomEvent: true });
    this.options = options;
  }

  // LangChain copies handlers when it copies a callback manager; one run keeps one record of calls.
  override copy(): this {
    return this;
  }

  override handleChatModelStart(llm: Serialized, messages: BaseMessage[][], runId: string, _parent?: string, extra?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>) {
    this.start(runId, llm, extra, metadata, promptCharacters(messages[0] ?? []));
  }

  override handleLLMStart(llm: Serialized, prompts: string[], runId: string, _parent?: string, extra?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>) {
    this.start(runId, llm, extra, metadata, promptCharacters(prompts.slice(0, 1)));
  }

  override async handleLLMEnd(output: LLMResult, runId: string) {
    const call = this.started.get(runId);
    if (!call) return;
    this.started.delete(runId);
    const { run, prices, store, onCall, clock } = this.options;
    const model = respondingModel(output) ?? call.model;
    const counts = readModelUsage(output, call.promptCharacters);
    const usage: ModelUsageRecord = {
      tenantId: run.tenantId,
      ...(run.runId === undefined ? {} : { runId: run.runId }),
      ...(run.threadId === undefined ? {} : { threadId: run.threadId }),
      role: call.role,
      model,
      ...(call.tier ? { tier: call.tier } : {}),
      at: (clock?.() ?? new Date()).toISOString(),
      inputTokens: counts.inputTokens,
      outputTokens: counts.outputTokens,
      cachedTokens: counts.cachedTokens,
      reasoningTokens: counts.reasoningTokens,
      costNanoUsd: prices.costOf(model, counts),
      estimated: counts.estimated,
    };
    onCall?.({ role: call.role, model, outcome: 'ok', durationSeconds: (performance.now() - call.startedAt) / 1_000, usage });
    // Accounting must not fail the run it accounts for: a lost record is logged, the call stands.
    await store?.record(usage).catch((error: unknown) => logError(`run ${run.runId ?? '-'}: could not record a model call's usage:`, error));
  }

  override handleLLMError(_error: unknown, runId: string) {
    const call = this.started.get(runId);
    if (!call) return;
    this.started.delete(runId);
    this.options.onCall?.({ role: call.role, model: call.model, outcome: 'error', durationSeconds: (performance.now() - call.startedAt) / 1_000 });
  }

  private start(runId: string, llm: Serialized, extra: Record<string, unknown> | undefined, metadata: Record<string, unknown> | undefined, characters: number) {
    const invocation = extra?.invocation_params as { model?: unknown } | undefined;
    const named = [metadata?.ls_model_name, invocation?.model].find((value): value is string => typeof value === 'string' && value !== '');
    // Graphs served from LANGGRAPH_CONFIG set no role: the node that called stands for it.
    const role = [metadata?.[agentRoleMetadataKey], metadata?.langgraph_node].find((value): value is string => typeof value === 'string' && value !== '');
    const tier = metadata?.[modelTierMetadataKey];
    this.started.set(runId, {
      startedAt: performance.now(),
      role: role ?? 'unknown',
      ...(tier === 'routine' || tier === 'premium' ? { tier } : {}),
      model: named ?? llm.id.at(-1) ?? 'unknown',
      promptCharacters: characters,
    });
  }
}
