import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Counted here from characters, because the model reported nothing. */
  estimated: boolean;
}

interface UsageMetadata {
  input_tokens?: number;
  output_tokens?: number;
  input_token_details?: { cache_read?: number };
  output_token_details?: { reasoning?: number };
}

// About four characters per token in English prose and JSON: good enough to rank and budget.
const charactersPerToken = 4;

/** How many characters a prompt holds: the text of each message, and the tool calls it carries. */
export function promptCharacters(messages: BaseMessage[] | string[]): number {
  return messages.reduce((total: number, message: BaseMessage | string) => total + (typeof message === 'string' ? message.length : messageCharacters(message)), 0);
}

/**
 * The token counts of a finished call: the provider's own (`usage_metadata` on the message, with
 * cached and reasoning details, else `llmOutput.tokenUsage`), or an estimate from characters
 * when it reported none (the offline and scripted models, some compatible servers).
 */
export function readModelUsage(output: LLMResult, promptCharacterCount: number): TokenCounts {
  const generation = output.generations[0]?.[0] as { text?: string; message?: BaseMessage } | undefined;
  const metadata = (generation?.message as { usage_metadata?: UsageMetadata } | undefined)?.usage_metadata;
  if (metadata && (metadata.input_tokens !== undefined || metadata.output_tokens !== undefined)) {
    return {
      inputTokens: metadata.input_tokens ?? 0,
      outputTokens: metadata.output_tokens ?? 0,
      cachedTokens: metadata.input_token_details?.cache_read ?? 0,
      reasoningTokens: metadata.output_token_details?.reasoning ?? 0,
      estimated: false,
    };
  }
  const reported = (output.llmOutput?.tokenUsage ?? undefined) as { promptTokens?: number; completionTokens?: number } | undefined;
  if (reported && (reported.promptTokens !== undefined || reported.completionTokens !== undefined)) {
    return { inputTokens: reported.promptTokens ?? 0, outputTokens: reported.completionTokens ?? 0, cachedTokens: 0, reasoningTokens: 0, estimated: false };
  }
  const outputCharacters = generation?.message ? messageCharacters(generation.message) : (generation?.text?.length ?? 0);
  return {
    inputTokens: Math.ceil(promptCharacterCount / charactersPerToken),
    outputTokens: Math.ceil(outputCharacters / charactersPerToken),
    cachedTokens: 0,
    reasoningTokens: 0,
    estimated: true,
  };
}

/** The model that answered, as its reply names it (a fallback's, a dated snapshot). */
export function respondingModel(output: LLMResult): string | undefined {
  const generation = output.generations[0]?.[0] as { message?: BaseMessage } | undefined;
  const name = (generation?.message?.response_metadata as { model_name?: unknown } | undefined)?.model_name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function messageCharacters(message: BaseMessage): number {
  const content = typeof message.content === 'string' ? message.content.length : JSON.stringify(message.content).length;
  const toolCalls = (message as { tool_calls?: unknown[] }).tool_calls;
  return content + (toolCalls && toolCalls.length > 0 ? JSON.stringify(toolCalls).length : 0);
}
