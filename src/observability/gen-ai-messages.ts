import type { BaseMessage } from '@langchain/core/messages';

/** A message in the GenAI conventions' JSON form (`gen_ai.input.messages`, `gen_ai.output.messages`). */
export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  finish_reason?: string;
}

type GenAiPart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown };

const roles: Record<string, string> = { human: 'user', ai: 'assistant', tool: 'tool', system: 'system', generic: 'user', function: 'tool' };

/** LangChain messages in the conventions' form; system messages are left to `systemInstructions`. */
export function toGenAiMessages(messages: BaseMessage[]): GenAiMessage[] {
  return messages.filter((message) => message.getType() !== 'system').map((message) => toGenAiMessage(message));
}

/** The system prompt as `gen_ai.system_instructions` parts; empty when there is none. */
export function systemInstructions(messages: BaseMessage[]): { type: 'text'; content: string }[] {
  return messages.filter((message) => message.getType() === 'system').map((message) => ({ type: 'text', content: textOf(message) }));
}

export function toGenAiMessage(message: BaseMessage, finishReason?: string): GenAiMessage {
  const type = message.getType();
  const parts: GenAiPart[] = [];
  if (type === 'tool') {
    parts.push({ type: 'tool_call_response', id: (message as { tool_call_id?: string }).tool_call_id, response: textOf(message) });
  } else {
    const text = textOf(message);
    if (text !== '') parts.push({ type: 'text', content: text });
    for (const call of (message as { tool_calls?: { id?: string; name: string; args?: unknown }[] }).tool_calls ?? []) {
      parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: call.args });
    }
  }
  return { role: roles[type] ?? type, parts, ...(finishReason ? { finish_reason: finishReason } : {}) };
}

function textOf(message: BaseMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .map((block) => (typeof block === 'string' ? block : (block as { text?: unknown }).text))
    .filter((text): text is string => typeof text === 'string')
    .join('');
}
