import { AIMessageChunk, type AIMessage } from '@langchain/core/messages';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { ChatGenerationChunk } from '@langchain/core/outputs';

/**
 * Split a finished AI message into the chunks a streaming provider would send: the text
 * word by word (so `messages` stream mode shows tokens), then each tool call whole.
 */
export function toGenerationChunks(message: AIMessage): ChatGenerationChunk[] {
  const text = typeof message.content === 'string' ? message.content : '';
  const chunks: ChatGenerationChunk[] = [];
  for (const piece of text.match(/\S+\s*|\s+/g) ?? []) {
    chunks.push(
      new ChatGenerationChunk({ text: piece, message: new AIMessageChunk({ content: piece, id: message.id }) }),
    );
  }
  const toolCalls = message.tool_calls ?? [];
  if (toolCalls.length > 0 || chunks.length === 0) {
    chunks.push(
      new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          id: message.id,
          tool_call_chunks: toolCalls.map((call, index) => ({
            id: call.id,
            name: call.name,
            args: JSON.stringify(call.args),
            index,
            type: 'tool_call_chunk' as const,
          })),
          response_metadata: message.response_metadata,
        }),
      }),
    );
  }
  return chunks;
}

/** Yield a finished message as streamed chunks, reporting each token as providers do. */
export async function* streamAsChunks(
  message: AIMessage,
  runManager?: CallbackManagerForLLMRun,
  signal?: AbortSignal,
): AsyncGenerator<ChatGenerationChunk> {
  for (const chunk of toGenerationChunks(message)) {
    if (signal?.aborted) return;
    yield chunk;
    await runManager?.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
  }
}
