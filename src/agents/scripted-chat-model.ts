import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk, ChatResult } from '@langchain/core/outputs';
import { normalizeBoundTool, type BoundTool } from './bound-tool.ts';
import { streamAsChunks } from './message-chunks.ts';

export interface ScriptedReply {
  content?: string;
  toolCalls?: Array<{ name: string; args: Record<string, unknown>; id?: string }>;
}

/** A reply, or a function of the prompt that returns one (to echo ids, say). */
export type ScriptedStep = ScriptedReply | ((messages: BaseMessage[]) => ScriptedReply);

export interface RecordedCall {
  messages: BaseMessage[];
  tools: BoundTool[];
}

export interface ScriptedChatModelOptions {
  /** When the script runs out: repeat the last step (to script a loop) or throw. */
  whenExhausted?: 'repeat-last' | 'throw';
  /** Start of its message and call ids (default `scripted`): two models in one conversation need different ones. */
  idPrefix?: string;
}

/**
 * The test double for chat models: returns the scripted replies in order, streams their
 * tokens, and records every call (messages and bound tools). Tools bound with `bindTools`
 * share the script and the record with the model they came from.
 * @example const model = new ScriptedChatModel([{ toolCalls: [{ name: 'lookup_order', args: { orderId: 1001 } }] }, { content: 'Done.' }]);
 */
export class ScriptedChatModel extends BaseChatModel {
  readonly calls: RecordedCall[];
  private readonly script: { steps: ScriptedStep[]; next: number; options: ScriptedChatModelOptions };
  private readonly tools: BoundTool[];

  constructor(steps: ScriptedStep[], options: ScriptedChatModelOptions = {}, shared?: { calls: RecordedCall[]; script: ScriptedChatModel['script']; tools: BoundTool[] }) {
    super({});
    this.calls = shared?.calls ?? [];
    this.script = shared?.script ?? { steps, next: 0, options };
    this.tools = shared?.tools ?? [];
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(tools: unknown[]) {
    return new ScriptedChatModel([], {}, {
      calls: this.calls,
      script: this.script,
      tools: [...this.tools, ...tools.map(normalizeBoundTool)],
    }) as never;
  }

  /** How many scripted steps have been consumed. */
  get position(): number {
    return this.script.next;
  }

  private reply(messages: BaseMessage[]): AIMessage {
    this.calls.push({ messages, tools: this.tools });
    const { steps, options } = this.script;
    let step = steps[this.script.next];
    if (step === undefined) {
      if (options.whenExhausted === 'repeat-last' && steps.length > 0) step = steps[steps.length - 1]!;
      else throw new Error(`ScriptedChatModel: script exhausted after ${steps.length} replies`);
    } else {
      this.script.next += 1;
    }
    const reply = typeof step === 'function' ? step(messages) : step;
    const callNumber = this.calls.length;
    const prefix = options.idPrefix ?? 'scripted';
    return new AIMessage({
      id: `${prefix}-${callNumber}`,
      content: reply.content ?? '',
      tool_calls: (reply.toolCalls ?? []).map((call, index) => ({
        id: call.id ?? `${prefix}_call_${callNumber}_${index}`,
        name: call.name,
        args: call.args,
        type: 'tool_call' as const,
      })),
    });
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const message = this.reply(messages);
    return { generations: [{ text: String(message.content), message }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    _options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    yield* streamAsChunks(this.reply(messages), runManager);
  }
}
