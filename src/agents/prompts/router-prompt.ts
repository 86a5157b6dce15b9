import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { SpecialistName, Step } from '../../contracts/index.ts';

/** What each specialist is for; the router model (and the offline router) chooses by these. */
export const specialistDescriptions: Record<SpecialistName, string> = {
  retriever:
    'Answers questions from the knowledge base of company policies and help articles ' +
    'with citations, or says that the knowledge base does not cover the question.',
  executor:
    'Acts on business systems through registered tools: looks records up and carries out ' +
    'the actions the request asks for, within policy.',
  reviewer: 'Checks an answer or an action against the acceptance criteria and the policy; accepts it or sends it back with reasons.',
};

export const handoffToolName = (specialist: SpecialistName): string => `handoff_to_${specialist}`;

export const routerSystemPrompt = `You are the supervisor of Overseer, a service that answers customer-support requests and acts on business systems safely.
Decide the single next step:
- To delegate, call exactly one handoff tool with a self-contained task, acceptance criteria and the context the specialist needs.
- When the request is handled (or cannot be), reply with the final answer to the user as plain text: cite sources as [document#chunk] and state every action taken with its identifiers.
Rules: look up the governing policy before acting on a policy-based request; after any action, hand it to the reviewer; never repeat a step that already succeeded; never invent facts that no step reported.`;

/** How well the knowledge base matches the request, from a retrieval probe (scores 0..1). */
export interface KnowledgeBaseCoverage {
  topScore: number;
  documents: string[];
}

const coveragePrefix = 'Knowledge-base coverage for this request (retrieval scores 0..1): ';

/**
 * The router's view of the conversation, stable part first so providers' prompt caching
 * applies: the system prompt, the conversation up to the request, the coverage probe of this
 * request, then each earlier hop of it as a tool call and its report (appended hop by hop).
 */
export function buildRouterMessages(conversation: BaseMessage[], steps: Step[], coverage?: KnowledgeBaseCoverage | null): BaseMessage[] {
  const messages: BaseMessage[] = [new SystemMessage(routerSystemPrompt), ...conversation];
  if (coverage) messages.push(new SystemMessage(coveragePrefix + JSON.stringify(coverage)));
  for (const step of steps) {
    const toolCallId = `hop_${step.hop}`;
    messages.push(
      new AIMessage({
        content: '',
        tool_calls: [{ id: toolCallId, name: handoffToolName(step.specialist), args: { task: step.task }, type: 'tool_call' }],
      }),
      new ToolMessage({ tool_call_id: toolCallId, content: JSON.stringify(reportForRouter(step)) }),
    );
  }
  return messages;
}

function reportForRouter(step: Step) {
  return {
    specialist: step.specialist,
    outcome: step.outcome,
    summary: step.summary,
    citations: step.citations.map((citation) => `${citation.documentId}#${citation.chunkIndex}`),
    // What was done, not the records it returned: the summary names identifiers and amounts, and
    // raw results (a whole order) were most of the router's prompt after an action.
    actions: step.actions.map((action) => ({ tool: action.tool, status: action.status })),
    reasons: step.reasons,
  };
}

export interface RouterTrail {
  request: string;
  coverage?: KnowledgeBaseCoverage;
  steps: Array<{ specialist: SpecialistName; outcome: string; summary: string; citations: string[]; reasons: string[] }>;
}

/** Read back what `buildRouterMessages` wrote; used by the offline router. */
export function readRouterTrail(messages: BaseMessage[]): RouterTrail {
  const firstToolCall = messages.findIndex((message) => AIMessage.isInstance(message) && (message.tool_calls?.length ?? 0) > 0);
  const conversation = firstToolCall === -1 ? messages : messages.slice(0, firstToolCall);
  const lastHuman = [...conversation].reverse().find((message) => HumanMessage.isInstance(message));
  const steps: RouterTrail['steps'] = [];
  for (const message of messages) {
    if (!ToolMessage.isInstance(message)) continue;
    try {
      const report = JSON.parse(String(message.content));
      steps.push({
        specialist: report.specialist,
        outcome: report.outcome,
        summary: report.summary ?? '',
        citations: report.citations ?? [],
        reasons: report.reasons ?? [],
      });
    } catch {
      // A tool message that is not one of our reports carries nothing to route on.
    }
  }
  const coverageMessage = messages.find((message) => SystemMessage.isInstance(message) && messageText(message).startsWith(coveragePrefix));
  let coverage: KnowledgeBaseCoverage | undefined;
  try {
    coverage = coverageMessage ? JSON.parse(messageText(coverageMessage).slice(coveragePrefix.length)) : undefined;
  } catch {
    coverage = undefined;
  }
  return { request: lastHuman ? messageText(lastHuman) : '', steps, ...(coverage ? { coverage } : {}) };
}

/** Messages before the request the router sees (the turn before it): enough for a follow-up, not the whole thread. */
export const routerHistoryMessages = 2;
/** How much of an earlier answer the router sees; the thread keeps all of it. */
const historyAnswerCharacters = 300;

/**
 * What the router is shown of a thread: the last few messages before the request, earlier
 * answers shortened, then the request itself. A follow-up needs the turn before it; the
 * whole history, resent on every routing call, was the largest part of the router's prompts.
 * @example buildRouterMessages(routerConversation(state.messages, request), steps, coverage)
 */
export function routerConversation(messages: BaseMessage[], request: BaseMessage): BaseMessage[] {
  const spoken = messages.filter((message) => HumanMessage.isInstance(message) || (AIMessage.isInstance(message) && !message.tool_calls?.length));
  const index = spoken.lastIndexOf(request);
  const earlier = spoken.slice(Math.max(0, index - routerHistoryMessages), Math.max(0, index)).map((message) => {
    const text = messageText(message);
    if (!AIMessage.isInstance(message) || text.length <= historyAnswerCharacters) return message;
    return new AIMessage({ content: `${text.slice(0, historyAnswerCharacters).trimEnd()}…`, ...(message.name ? { name: message.name } : {}), ...(message.id ? { id: message.id } : {}) });
  });
  return index === -1 ? [request] : [...earlier, request];
}

/** The plain text of a message whatever its content shape. */
export function messageText(message: BaseMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .map((part) => (typeof part === 'string' ? part : part.type === 'text' ? String(part.text) : ''))
    .join('');
}
