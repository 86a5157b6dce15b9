import { createHash } from 'node:crypto';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk, ChatResult } from '@langchain/core/outputs';
import { normalizeBoundTool, type BoundTool } from '../bound-tool.ts';
import { streamAsChunks } from '../message-chunks.ts';

export interface OfflineDecision {
  content: string;
  toolCalls?: Array<{ name: string; args: Record<string, unknown> }>;
}

/** A deterministic policy for one role: what to say or which tools to call, given the prompt. */
export type OfflinePolicy = (input: { messages: BaseMessage[]; tools: BoundTool[] }) => OfflineDecision;

export interface OfflineChatModelParams extends BaseChatModelParams {
  role: string;
  policy: OfflinePolicy;
  tools?: BoundTool[];
}

/**
 * The no-key model: a chat model whose answers come from a deterministic rule-based policy
 * per role, not from a language model. It speaks the chat-model protocol (tool calls,
 * streaming, metadata) so graphs treat it like any provider, and its metadata says what it is.
 */
export class OfflineChatModel extends BaseChatModel {
  readonly role: string;
  readonly policy: OfflinePolicy;
  readonly boundTools: BoundTool[];

  constructor(params: OfflineChatModelParams) {
    super(params);
    this.role = params.role;
    this.policy = params.policy;
    this.boundTools = params.tools ?? [];
  }

  _llmType(): string {
    return 'overseer-offline';
  }

  override bindTools(tools: unknown[]) {
    return new OfflineChatModel({
      role: this.role,
      policy: this.policy,
      tools: [...this.boundTools, ...tools.map(normalizeBoundTool)],
    }) as never;
  }

  private decide(messages: BaseMessage[]): AIMessage {
    const decision = this.policy({ messages, tools: this.boundTools });
    const fingerprint = createHash('sha256')
      .update(this.role)
      .update(JSON.stringify(messages.map((message) => [message.type, message.content])))
      .digest('hex');
    return new AIMessage({
      id: `offline-${fingerprint.slice(0, 24)}`,
      content: decision.content,
      tool_calls: (decision.toolCalls ?? []).map((call, index) => ({
        // Same prompt, same ids: a re-executed node asks for the same effects, which the
        // effect ledger then recognises instead of repeating them.
        id: `call_${fingerprint.slice(0, 16)}_${index}`,
        name: call.name,
        args: call.args,
        type: 'tool_call' as const,
      })),
      response_metadata: { model_provider: 'offline', model_name: `overseer-offline-${this.role}` },
    });
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const message = this.decide(messages);
    return { generations: [{ text: String(message.content), message }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    yield* streamAsChunks(this.decide(messages), runManager, options.signal);
  }
}
