import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import { messageText } from './prompts/index.ts';

/** A model's reply read for a tool-calling protocol. */
export interface ToolReply {
  text: string;
  /** Calls whose arguments parsed, each with an id (one is made up when the provider sent none). */
  calls: Array<ToolCall & { id: string }>;
  /** Calls whose arguments were not valid JSON: described to the model, never sent back as calls. */
  malformed: Array<{ name: string; args: string; error: string }>;
  /** Nothing at all: no text, no call. */
  empty: boolean;
  /**
   * The reply as it may go back to the provider: its text and parsed calls only. The raw
   * provider fields would resend malformed calls, which then need answers of their own.
   */
  message: AIMessage;
}

/**
 * Read a model reply: its text, its parsed tool calls and the malformed ones.
 * @example const { calls, malformed, empty } = readToolReply(await model.invoke(messages));
 */
export function readToolReply(reply: BaseMessage, idPrefix = 'call'): ToolReply {
  const ai = AIMessage.isInstance(reply) ? reply : undefined;
  const text = messageText(reply).trim();
  const calls = (ai?.tool_calls ?? []).map((call, index) => ({ ...call, id: call.id || `${idPrefix}_${index}` }));
  const malformed = (ai?.invalid_tool_calls ?? []).map((call) => ({
    name: call.name ?? '(no name)',
    args: String(call.args ?? '').slice(0, 300),
    error: call.error ?? 'the arguments are not valid JSON',
  }));
  const message = new AIMessage({ id: reply.id, content: text, tool_calls: calls, ...(ai?.usage_metadata ? { usage_metadata: ai.usage_metadata } : {}) });
  return { text, calls, malformed, empty: !text && calls.length === 0 && malformed.length === 0, message };
}

/**
 * Messages that hand a reply's problems back to the model: the reply, an answer to every one of
 * its tool call ids (a provider refuses a conversation with an unanswered one), then what else
 * was wrong. An empty reply is not repeated, only described.
 */
export function buildReprompt(reply: ToolReply, options: { answers: Map<string, string>; otherwise: string; problems: string[] }): BaseMessage[] {
  const messages: BaseMessage[] = [];
  if (reply.text || reply.calls.length > 0) messages.push(reply.message);
  for (const call of reply.calls) {
    messages.push(new ToolMessage({ tool_call_id: call.id, name: call.name, content: options.answers.get(call.id) ?? options.otherwise }));
  }
  const malformed = reply.malformed.map(
    (call) => `Your call to ${call.name} was not run: its arguments are not valid JSON (${call.error}). You sent: ${call.args}`,
  );
  const problems = [...malformed, ...options.problems];
  if (problems.length > 0) messages.push(new HumanMessage(problems.join('\n')));
  return messages;
}
