import type { ChatCompletionRequest } from '../openai-compatible-server.ts';

/**
 * What the policy-following model reads of a Chat Completions request body: the plain text of
 * messages, the tools offered, and its own earlier tool calls paired with their results, as
 * any model sees them on the wire (arguments as JSON strings, results as tool messages).
 */

type WireMessage = ChatCompletionRequest['messages'][number];

export const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((part) => (typeof part === 'string' ? part : ((part as { text?: string }).text ?? ''))).join('')
      : '';

export interface OfferedTool {
  name: string;
  description: string;
  parameters: { properties?: Record<string, { enum?: string[]; description?: string; type?: string }>; required?: string[] };
}

export const toolsOf = (request: ChatCompletionRequest): OfferedTool[] =>
  (request.tools ?? []).map((tool) => ({
    name: tool.function.name,
    description: tool.function.description ?? '',
    parameters: (tool.function.parameters ?? {}) as OfferedTool['parameters'],
  }));

export const userTexts = (messages: WireMessage[]): string[] => messages.filter((message) => message.role === 'user').map((message) => textOf(message.content));

/** One call the model made earlier in this conversation and what came back for it. */
export interface PastCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** The tool message, parsed when it is JSON. */
  result: Record<string, unknown> & { status?: string; message?: string; result?: Record<string, unknown>; details?: Record<string, unknown>; issues?: Array<{ field: string; message: string }> };
}

export function pastCalls(messages: WireMessage[]): PastCall[] {
  const calls = new Map<string, Omit<PastCall, 'result'>>();
  const past: PastCall[] = [];
  for (const message of messages) {
    for (const call of message.role === 'assistant' ? (message.tool_calls ?? []) : []) {
      calls.set(call.id, { id: call.id, name: call.function.name, args: parseObject(call.function.arguments) });
    }
    if (message.role !== 'tool' || !message.tool_call_id) continue;
    const call = calls.get(message.tool_call_id);
    if (call) past.push({ ...call, result: parseObject(textOf(message.content)) });
  }
  return past;
}

export function parseObject(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { text };
  } catch {
    return { text };
  }
}

/** The order a text is about: "order 1001", "order #1001", "#1001". */
export function orderIdIn(text: string): number | undefined {
  const match = /\border\s*(?:#|no\.?|number)?\s*(\d{3,})\b|#(\d{3,})\b/i.exec(text);
  const digits = match?.[1] ?? match?.[2];
  return digits ? Number(digits) : undefined;
}

/** A dollar amount the text asks for, in cents: "$20", "$5.00". */
export function centsIn(text: string): number | undefined {
  const match = /\$\s?(\d+(?:,\d{3})*(?:\.\d{1,2})?)/.exec(text);
  return match ? Math.round(Number(match[1]!.replaceAll(',', '')) * 100) : undefined;
}

/** A stable small number from a text, so wording choices vary by request but never between runs. */
export function pick<T>(text: string, choices: readonly T[]): T {
  let hash = 0;
  for (const character of text) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return choices[hash % choices.length]!;
}

const stopWords = new Set(
  'a an and are as at be by can do does for from has have how i if in is it its my of on or our please should that the this to was we what when where which who why will with you your'.split(' '),
);

/** Content words, lower-cased and crudely stemmed, as a reader matches topics. */
export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const stem = (word: string) => word.replace(/(?:ies|es|s|ed|ing|y|e)$/, '');
  return new Set(words.filter((word) => !stopWords.has(word) && word.length > 1).map((word) => stem(stem(word))));
}

export function sharedWords(left: string, right: string): number {
  const rightWords = contentWords(right);
  return [...contentWords(left)].filter((word) => rightWords.has(word)).length;
}
