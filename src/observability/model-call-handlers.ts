import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';

/** What a handler of model calls implements (ours all implement every one). */
export interface ModelCallHandler {
  handleChatModelStart?(llm: Serialized, messages: BaseMessage[][], runId: string, parentRunId?: string, extra?: Record<string, unknown>, tags?: string[], metadata?: Record<string, unknown>, runName?: string): unknown;
  handleLLMStart?(llm: Serialized, prompts: string[], runId: string, parentRunId?: string, extra?: Record<string, unknown>, tags?: string[], metadata?: Record<string, unknown>, runName?: string): unknown;
  handleLLMEnd?(output: LLMResult, runId: string, parentRunId?: string, tags?: string[], extra?: Record<string, unknown>): unknown;
  handleLLMError?(error: unknown, runId: string, parentRunId?: string, tags?: string[], extra?: Record<string, unknown>): unknown;
}

/**
 * Several model-call handlers (usage, `chat` spans) as one LangChain handler. LangChain's
 * callback managers copy, merge and scan their handler list at every graph step and runnable,
 * whether or not a handler wants the step's events; one entry instead of two keeps that work
 * where it was before tracing was turned on. Each event goes to every handler in order, in the
 * caller's async context (it is awaited, so a `chat` span nests where the call happens); one
 * handler's failure does not keep the others from the event, and is thrown once they have it
 * (LangChain logs it as a handler's error).
 * @example callbacks: [new ModelCallHandlers([usageHandler, new GenAiTracingHandler()])]
 */
export class ModelCallHandlers extends BaseCallbackHandler {
  name = 'overseer_model_calls';
  private readonly handlers: ModelCallHandler[];

  constructor(handlers: ModelCallHandler[]) {
    super({ _awaitHandler: true, ignoreChain: true, ignoreAgent: true, ignoreRetriever: true, ignoreCustomEvent: true });
    this.handlers = handlers;
  }

  // As its handlers: one run keeps one record of its calls, however LangChain copies managers.
  override copy(): this {
    return this;
  }

  override handleChatModelStart(...args: Parameters<NonNullable<ModelCallHandler['handleChatModelStart']>>) {
    return this.each((handler) => handler.handleChatModelStart?.(...args));
  }

  override handleLLMStart(...args: Parameters<NonNullable<ModelCallHandler['handleLLMStart']>>) {
    return this.each((handler) => handler.handleLLMStart?.(...args));
  }

  override handleLLMEnd(...args: Parameters<NonNullable<ModelCallHandler['handleLLMEnd']>>) {
    return this.each((handler) => handler.handleLLMEnd?.(...args));
  }

  override handleLLMError(...args: Parameters<NonNullable<ModelCallHandler['handleLLMError']>>) {
    return this.each((handler) => handler.handleLLMError?.(...args));
  }

  // Every handler is given the event before any is awaited, as LangChain does with a list of
  // awaited handlers: a `chat` span ends when the call does, not after the usage is stored.
  private async each(deliver: (handler: ModelCallHandler) => unknown): Promise<void> {
    const deliveries = this.handlers.map(async (handler) => deliver(handler));
    const failed = (await Promise.allSettled(deliveries)).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
