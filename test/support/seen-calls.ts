import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { RecordedCall } from '../../src/agents/index.ts';
import type { ChatCompletionRequest } from './openai-compatible-server.ts';
import { textOf } from './policy-following-model/read-request.ts';

/**
 * One call to a model as the model saw it, the same whether it was an in-process scripted
 * model or a request to the OpenAI-compatible stand-in, so one suite can assert on either.
 */
export interface SeenCall {
  messages: Array<{ role: 'system' | 'user' | 'assistant' | 'tool'; content: string; toolCallId?: string; toolCalls?: Array<{ id: string; name: string }> }>;
  tools: string[];
}

/** The calls a scripted model recorded. */
export function seenByScripted(calls: RecordedCall[]): SeenCall[] {
  return calls.map((call) => ({ messages: call.messages.map(seenMessage), tools: call.tools.map((tool) => tool.name) }));
}

/** The requests the stand-in recorded. */
export function seenOnTheWire(requests: ChatCompletionRequest[]): SeenCall[] {
  return requests.map((request) => ({
    messages: request.messages.map((message) => ({
      role: message.role as SeenCall['messages'][number]['role'],
      content: textOf(message.content),
      ...(message.tool_call_id ? { toolCallId: message.tool_call_id } : {}),
      ...(message.tool_calls?.length ? { toolCalls: message.tool_calls.map((call) => ({ id: call.id, name: call.function.name })) } : {}),
    })),
    tools: (request.tools ?? []).map((tool) => tool.function.name),
  }));
}

function seenMessage(message: BaseMessage): SeenCall['messages'][number] {
  const content = typeof message.content === 'string' ? message.content : textOf(message.content);
  if (ToolMessage.isInstance(message)) return { role: 'tool', content, toolCallId: message.tool_call_id };
  if (AIMessage.isInstance(message)) {
    return { role: 'assistant', content, ...(message.tool_calls?.length ? { toolCalls: message.tool_calls.map((call) => ({ id: call.id ?? '', name: call.name })) } : {}) };
  }
  if (SystemMessage.isInstance(message)) return { role: 'system', content };
  if (HumanMessage.isInstance(message)) return { role: 'user', content };
  return { role: 'user', content };
}
