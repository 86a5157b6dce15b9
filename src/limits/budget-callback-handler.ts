import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { AppError } from '../errors.ts';
import { promptCharacters, type PriceTable, type UsageStore } from '../observability/index.ts';
import { budgetExhaustedError, spendOf, type BudgetExhaustion, type BudgetPolicy, type BudgetSpend } from './budget-policy.ts';

/**
 * The metadata key that exempts a model call from the budget check. The executor sets it on the
 * pre-action review inside its `act` step: that step ends in dispatching the action (on resume
 * after an approval it re-runs the review right before the approved dispatch), so stopping there
 * would leave an approval without its effect. The call is still counted; the next step's check stops the run.
 */
export const budgetExemptMetadataKey = 'overseer.budget_exempt';

/**
 * The metadata key `callModel` sets on a call it has already checked itself (`checkBefore`), so
 * the handler does not check it twice. Checking before `invoke` lets the graphs' calls be refused
 * without LangChain logging the handler's error on stderr; other graphs' calls are checked here.
 */
export const budgetCheckedMetadataKey = 'overseer.budget_checked';

export interface BudgetCallbackOptions {
  policy: BudgetPolicy;
  usage: UsageStore;
  prices: PriceTable;
  run: { tenantId: string; runId: string };
  /** How long the tenant's daily usage read from the store is reused before it is read again (default 2 s). */
  dailyRefreshMs?: number;
  /** Told once, when the first call of the run is refused (the stop), before the refusal is thrown. */
  onExhausted?: (exhaustion: BudgetExhaustion) => Promise<void>;
}

// About four characters per token, as usage estimates count them: a prompt's size before it is sent.
const charactersPerToken = 4;

/**
 * A LangChain callback handler for one run that checks its budgets before every chat model call:
 * the run's own usage (from the usage store, so attempts on other workers count) and the tenant's
 * day, plus the call's prompt as estimated tokens and cost. A call that would pass a budget is
 * refused by throwing `BUDGET_EXHAUSTED` from `handleChatModelStart` (awaited, with `raiseError`),
 * so the model is never asked; once refused, every later call of the run is refused too.
 * @example await graph.invoke(input, { callbacks: [new BudgetCallbackHandler({ policy, usage, prices, run: { tenantId, runId } })] });
 */
export class BudgetCallbackHandler extends BaseCallbackHandler {
  name = 'overseer_budget';
  private readonly options: BudgetCallbackOptions;
  private exhausted: AppError | undefined;
  private daily: { day: string; readAt: number; spend: BudgetSpend; runAtRead: BudgetSpend } | undefined;

  constructor(options: BudgetCallbackOptions) {
    // Only model calls are checked; chain, agent and retriever events (every graph step) are not even delivered.
    super({ _awaitHandler: true, raiseError: true, ignoreChain: true, ignoreAgent: true, ignoreRetriever: true, ignoreCustomEvent: true });
    this.options = options;
  }

  // One run keeps one handler, however LangChain copies callback managers.
  override copy(): this {
    return this;
  }

  override async handleChatModelStart(llm: Serialized, messages: BaseMessage[][], _runId: string, _parent?: string, extra?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>) {
    await this.check(llm, extra, metadata, promptCharacters(messages[0] ?? []));
  }

  override async handleLLMStart(llm: Serialized, prompts: string[], _runId: string, _parent?: string, extra?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>) {
    await this.check(llm, extra, metadata, promptCharacters(prompts.slice(0, 1)));
  }

  private async check(llm: Serialized, extra: Record<string, unknown> | undefined, metadata: Record<string, unknown> | undefined, characters: number) {
    if (metadata?.[budgetExemptMetadataKey] === true || metadata?.[budgetCheckedMetadataKey] === true) return;
    await this.checkBefore({ characters, model: modelOf(llm, extra, metadata) });
  }

  /**
   * Refuse (throw `BUDGET_EXHAUSTED`) a call of `characters` prompt characters to `model` that
   * would pass a budget of the run or its tenant's day.
   */
  async checkBefore(call: { characters: number; model: string }): Promise<void> {
    if (this.exhausted) throw this.exhausted;
    const { policy, usage, prices, run } = this.options;
    const limits = policy.limitsFor(run.tenantId);
    const at = policy.clock();
    const tokens = Math.ceil(call.characters / charactersPerToken);
    const next: BudgetSpend = { tokens, costNanoUsd: prices.costOf(call.model, { inputTokens: tokens, outputTokens: 0, cachedTokens: 0 }) };
    const used = spendOf(await usage.forRun(run.tenantId, run.runId));
    let exhaustion = policy.exceeded(limits, 'run', used, next, at);
    if (!exhaustion && (limits.dailyTokens > 0 || limits.dailyCostUsd > 0)) {
      exhaustion = policy.exceeded(limits, 'tenant_daily', await this.dailySpend(at, used), next, at);
    }
    if (!exhaustion) return;
    this.exhausted = budgetExhaustedError(exhaustion, at);
    await this.options.onExhausted?.(exhaustion);
    throw this.exhausted;
  }

  /**
   * The tenant's day: read from the store at most every `dailyRefreshMs` (a summary reads the
   * day's records), with this run's own calls since then added from its cheap per-run totals.
   */
  private async dailySpend(at: Date, run: BudgetSpend): Promise<BudgetSpend> {
    const day = at.toISOString().slice(0, 10);
    const refreshMs = this.options.dailyRefreshMs ?? 2_000;
    if (!this.daily || this.daily.day !== day || at.getTime() - this.daily.readAt >= refreshMs || at.getTime() < this.daily.readAt) {
      this.daily = { day, readAt: at.getTime(), spend: await this.options.policy.dailySpend(this.options.run.tenantId, at), runAtRead: run };
      return this.daily.spend;
    }
    const { spend, runAtRead } = this.daily;
    return { tokens: spend.tokens + run.tokens - runAtRead.tokens, costNanoUsd: spend.costNanoUsd + run.costNanoUsd - runAtRead.costNanoUsd };
  }
}

/** The model a call goes to, named as usage records name it before the reply says otherwise. */
function modelOf(llm: Serialized, extra: Record<string, unknown> | undefined, metadata: Record<string, unknown> | undefined): string {
  const invocation = extra?.invocation_params as { model?: unknown } | undefined;
  const named = [metadata?.ls_model_name, invocation?.model].find((value): value is string => typeof value === 'string' && value !== '');
  return named ?? llm.id.at(-1) ?? 'unknown';
}

/** The run's budget handler among a call's callbacks (a manager's handlers or a list), if it has one. */
export function findBudgetHandler(callbacks: unknown): BudgetCallbackHandler | undefined {
  const handlers = Array.isArray(callbacks) ? callbacks : (callbacks as { handlers?: unknown[] } | undefined)?.handlers;
  return handlers?.find((handler): handler is BudgetCallbackHandler => handler instanceof BudgetCallbackHandler);
}
