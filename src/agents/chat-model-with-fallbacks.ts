import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { RunnableLambda, type Runnable, type RunnableConfig } from '@langchain/core/runnables';
import type { ModelRole } from '../config.ts';
import { toModelError } from './model-error.ts';

export interface FallbackModel {
  /** How the audit names it: the model, and the endpoint when it is not the default one. */
  name: string;
  model: BaseChatModel;
}

/** What a reply's `response_metadata.model_fallback` says when a fallback gave it. */
export interface ModelFallbackRecord {
  from: string;
  to: string;
  /** The code of the failure that moved the call on (`MODEL_UNAVAILABLE`, `MODEL_TIMEOUT`). */
  reason: string;
  message: string;
}

// Only an outage or a time-out is worth another model: a 429 is passed on with its Retry-After,
// and a refused request (400) would be refused again.
const fallbackCodes = new Set(['MODEL_UNAVAILABLE', 'MODEL_TIMEOUT']);

/**
 * A role's model with a chain of fallbacks, through LangChain's `withFallbacks`. `bindTools`
 * binds the tools (and `tool_choice`, `parallel_tool_calls`) to every model of the chain and then
 * chains the bound models, because a `RunnableWithFallbacks` has no `bindTools` of its own. A
 * fallback is tried only after an outage or a time-out, and a reply it gives carries
 * `response_metadata.model_fallback` so the graph can audit it.
 * @example new ChatModelWithFallbacks('executor', [{ name: 'gpt-4o', model: primary }, { name: 'llama3', model: local }])
 */
export class ChatModelWithFallbacks extends BaseChatModel {
  private readonly role: ModelRole;
  private readonly chain: FallbackModel[];
  private readonly bound: Array<Runnable<BaseLanguageModelInput, AIMessageChunk>>;

  constructor(role: ModelRole, chain: FallbackModel[], bound?: Array<Runnable<BaseLanguageModelInput, AIMessageChunk>>) {
    super({});
    if (chain.length === 0) throw new RangeError('a fallback chain needs at least one model');
    this.role = role;
    this.chain = chain;
    this.bound = bound ?? chain.map((entry) => entry.model as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk>);
  }

  _llmType(): string {
    return 'with-fallbacks';
  }

  /** The names of the chain, first the primary. */
  get modelNames(): string[] {
    return this.chain.map((entry) => entry.name);
  }

  override bindTools(tools: Parameters<NonNullable<BaseChatModel['bindTools']>>[0], kwargs?: Partial<this['ParsedCallOptions']>) {
    return new ChatModelWithFallbacks(
      this.role,
      this.chain,
      this.chain.map((entry) => entry.model.bindTools!(tools, kwargs as never) as Runnable<BaseLanguageModelInput, AIMessageChunk>),
    ) as never;
  }

  override async invoke(input: BaseLanguageModelInput, options?: this['ParsedCallOptions']): Promise<AIMessageChunk> {
    // Each call keeps its own record of failures, so a fallback knows why it is being asked.
    const failures: unknown[] = [];
    const attempts = this.bound.map((model, index) =>
      RunnableLambda.from(async (messages: BaseLanguageModelInput, config?: RunnableConfig) => {
        if (index > 0) {
          const reason = toModelError(failures.at(-1), this.role);
          if (!reason || !fallbackCodes.has(reason.code)) throw failures.at(-1);
        }
        try {
          const reply = await model.invoke(messages, config);
          if (index > 0) {
            const reason = toModelError(failures.at(-1), this.role)!;
            const record: ModelFallbackRecord = { from: this.chain[0]!.name, to: this.chain[index]!.name, reason: reason.code, message: reason.message };
            reply.response_metadata = { ...reply.response_metadata, model_fallback: record };
          }
          return reply;
        } catch (error) {
          failures.push(error);
          throw error;
        }
      }),
    );
    const [primary, ...fallbacks] = attempts;
    return primary!.withFallbacks(fallbacks).invoke(input, options as RunnableConfig);
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const message = await this.invoke(messages, options);
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
  }
}
