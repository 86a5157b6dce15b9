import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { SpanKind, type Span } from '@opentelemetry/api';
import { genAiAttributes, genAiOperations, overseerAttributes } from './gen-ai-attributes.ts';
import { systemInstructions, toGenAiMessage, toGenAiMessages } from './gen-ai-messages.ts';
import { failSpan, overseerTracer } from './overseer-tracer.ts';
import { promptCharacters, readModelUsage, respondingModel } from './read-model-usage.ts';
import { agentRoleMetadataKey } from './usage-callback-handler.ts';
import { tracingSettings } from './tracing-settings.ts';

interface StartedChat {
  span: Span;
  promptCharacters: number;
}

// LangChain's `ls_provider` names (from the model class) → the conventions' `gen_ai.provider.name` values.
const providers: Record<string, string> = {
  openai: 'openai',
  azure_openai: 'azure.ai.openai',
  azureopenai: 'azure.ai.openai',
  anthropic: 'anthropic',
  google_genai: 'gcp.gen_ai',
  google_vertexai: 'gcp.vertex_ai',
  mistralai: 'mistral_ai',
  groq: 'groq',
  bedrock: 'aws.bedrock',
  deepseek: 'deepseek',
  xai: 'x_ai',
  cohere: 'cohere',
};

/**
 * A LangChain callback handler that makes a `chat {model}` span (kind CLIENT) per chat model
 * call, under whatever span is active where the model is called (the specialist's
 * `invoke_agent`): provider, request and response model, finish reasons, input, output, cached
 * and reasoning tokens (marked `overseer.usage.estimated` when the model reported none), the
 * agent role, and the messages only when content capture is on. It is awaited, so it runs in
 * the caller's async context and its spans nest where the call happens.
 * @example await graph.invoke(input, { callbacks: [new GenAiTracingHandler()] });
 */
export class GenAiTracingHandler extends BaseCallbackHandler {
  name = 'overseer_gen_ai_tracing';
  private readonly started = new Map<string, StartedChat>();

  constructor() {
    // Only model calls matter here: LangChain skips an ignoring handler for the many chain events
    // of every graph step, which it would otherwise await one by one.
    super({ _awaitHandler: true, ignoreChain: true, ignoreAgent: true, ignoreRetriever: true, ignoreCustomEvent: true });
  }

  // One run keeps one map of open spans, however LangChain copies its handlers.
  override copy(): this {
    return this;
  }

  override handleChatModelStart(llm: Serialized, messages: BaseMessage[][], runId: string, _parent?: string, extra?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>) {
    const prompt = messages[0] ?? [];
    const span = this.start(llm, extra, metadata);
    if (tracingSettings().captureContent) {
      span.setAttribute(genAiAttributes.inputMessages, JSON.stringify(toGenAiMessages(prompt)));
      const instructions = systemInstructions(prompt);
      if (instructions.length > 0) span.setAttribute(genAiAttributes.systemInstructions, JSON.stringify(instructions));
    }
    this.started.set(runId, { span, promptCharacters: promptCharacters(prompt) });
  }

  override handleLLMStart(llm: Serialized, prompts: string[], runId: string, _parent?: string, extra?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>) {
    const span = this.start(llm, extra, metadata);
    if (tracingSettings().captureContent) {
      span.setAttribute(genAiAttributes.inputMessages, JSON.stringify(prompts.map((content) => ({ role: 'user', parts: [{ type: 'text', content }] }))));
    }
    this.started.set(runId, { span, promptCharacters: promptCharacters(prompts.slice(0, 1)) });
  }

  override handleLLMEnd(output: LLMResult, runId: string) {
    const call = this.started.get(runId);
    if (!call) return;
    this.started.delete(runId);
    const { span } = call;
    const generations = output.generations[0] ?? [];
    const reasons = generations.map(finishReasonOf).filter((reason): reason is string => reason !== undefined);
    const model = respondingModel(output);
    const counts = readModelUsage(output, call.promptCharacters);
    const responseId = (generations[0] as { message?: BaseMessage } | undefined)?.message?.id;
    span.setAttributes({
      ...(model ? { [genAiAttributes.responseModel]: model } : {}),
      ...(responseId ? { [genAiAttributes.responseId]: responseId } : {}),
      ...(reasons.length > 0 ? { [genAiAttributes.responseFinishReasons]: reasons } : {}),
      [genAiAttributes.usageInputTokens]: counts.inputTokens,
      [genAiAttributes.usageOutputTokens]: counts.outputTokens,
      // Known only from a provider's report; an estimate says nothing of caching or reasoning.
      ...(counts.estimated
        ? { [overseerAttributes.usageEstimated]: true }
        : { [genAiAttributes.usageCacheReadInputTokens]: counts.cachedTokens, [genAiAttributes.usageReasoningOutputTokens]: counts.reasoningTokens }),
    });
    if (tracingSettings().captureContent) {
      const replies = generations.map((generation) => {
        const message = (generation as { message?: BaseMessage }).message;
        return message ? toGenAiMessage(message, finishReasonOf(generation)) : { role: 'assistant', parts: [{ type: 'text', content: generation.text }] };
      });
      span.setAttribute(genAiAttributes.outputMessages, JSON.stringify(replies));
    }
    span.end();
  }

  override handleLLMError(error: unknown, runId: string) {
    const call = this.started.get(runId);
    if (!call) return;
    this.started.delete(runId);
    failSpan(call.span, error);
    call.span.end();
  }

  private start(llm: Serialized, extra: Record<string, unknown> | undefined, metadata: Record<string, unknown> | undefined): Span {
    const invocation = (extra?.invocation_params ?? {}) as { model?: unknown; temperature?: unknown; max_tokens?: unknown; max_completion_tokens?: unknown };
    const model = [invocation.model, metadata?.ls_model_name].find((value): value is string => typeof value === 'string' && value !== '') ?? llm.id.at(-1) ?? 'unknown';
    const provider = providerOf(metadata?.ls_provider, llm);
    const role = [metadata?.[agentRoleMetadataKey], metadata?.langgraph_node].find((value): value is string => typeof value === 'string' && value !== '');
    const maxTokens = [invocation.max_tokens, invocation.max_completion_tokens].find((value): value is number => typeof value === 'number');
    return overseerTracer().startSpan(`${genAiOperations.chat} ${model}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        [genAiAttributes.operationName]: genAiOperations.chat,
        [genAiAttributes.providerName]: provider,
        ...(tracingSettings().latestConventions ? {} : { [genAiAttributes.system]: provider }),
        [genAiAttributes.requestModel]: model,
        ...(typeof invocation.temperature === 'number' ? { [genAiAttributes.requestTemperature]: invocation.temperature } : {}),
        ...(maxTokens === undefined ? {} : { [genAiAttributes.requestMaxTokens]: maxTokens }),
        ...(role ? { [overseerAttributes.agentRole]: role } : {}),
      },
    });
  }
}

function providerOf(named: unknown, llm: Serialized): string {
  const name = typeof named === 'string' && named !== '' ? named : (llm.id.at(-1) ?? 'unknown');
  const key = name.toLowerCase().replace(/^chat/, '');
  return providers[key] ?? key;
}

function finishReasonOf(generation: unknown): string | undefined {
  const info = (generation as { generationInfo?: { finish_reason?: unknown } }).generationInfo;
  const metadata = (generation as { message?: { response_metadata?: { finish_reason?: unknown; stop_reason?: unknown } } }).message?.response_metadata;
  const reason = [info?.finish_reason, metadata?.finish_reason, metadata?.stop_reason].find((value) => typeof value === 'string' && value !== '');
  return reason as string | undefined;
}
