import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ExecutionFacts, ObservedOutcome, OfflineDomainPlanner, PlanStep, ToolCall } from '../../contracts/index.ts';
import { readExecutorTask } from '../prompts/executor-prompt.ts';
import type { BoundTool } from '../bound-tool.ts';
import type { OfflinePolicy } from './offline-chat-model.ts';
import { describeOutcome } from './describe-outcome.ts';

/**
 * Offline execution does only what the request spells out: either an explicit call
 * (`issue_refund {"orderId": 1001, ...}`) or one of the plain intents the domain's planner
 * knows (for the sample domain: cancel, refund, credit memo, penalty, SLA check, look-up).
 * It reads before it writes, stops when a read shows the action is not warranted, and tells
 * the customer the outcome in the tools' customer-facing words.
 * @example const policy = createOfflineExecutorPolicy(brightcartOfflinePlanner);
 */
export function createOfflineExecutorPolicy(planner?: OfflineDomainPlanner): OfflinePolicy {
  return ({ messages, tools }) => {
    const { task } = readExecutorTask(messages);
    const history = readHistory(messages);
    const names = tools.map((tool) => tool.name);
    const facts: ExecutionFacts = {
      task,
      observations: new Map(history.map((entry) => [entry.name, entry.outcome])),
      history,
      has: (tool) => names.includes(tool),
      toolNames: names,
    };
    const step = explicitCall(facts, tools, planner) ?? planner?.plan(facts) ?? {
      done: 'The request does not spell out an action this assistant can take offline, so nothing was done.',
    };
    return 'done' in step ? { content: step.done } : { content: '', toolCalls: [step] };
  };
}

function readHistory(messages: BaseMessage[]): ExecutionFacts['history'] {
  const calls = new Map<string, ToolCall>();
  const history: ExecutionFacts['history'] = [];
  for (const message of messages) {
    if (AIMessage.isInstance(message)) {
      for (const call of message.tool_calls ?? []) calls.set(call.id ?? '', { name: call.name, args: call.args as Record<string, unknown> });
    }
    if (ToolMessage.isInstance(message)) {
      const call = calls.get(message.tool_call_id) ?? { name: message.name ?? '', args: {} };
      let outcome: ObservedOutcome;
      try {
        outcome = JSON.parse(String(message.content)) as ObservedOutcome;
      } catch {
        outcome = { status: 'failed', message: String(message.content) };
      }
      history.push({ ...call, outcome });
    }
  }
  return history;
}

function explicitCall(facts: ExecutionFacts, tools: BoundTool[], planner: OfflineDomainPlanner | undefined): PlanStep | undefined {
  for (const tool of tools) {
    const match = new RegExp(`\\b${tool.name}\\s*(\\{.*\\})`).exec(facts.task);
    if (!match) continue;
    const seen = facts.observations.get(tool.name);
    if (seen) return { done: describeOutcome(tool.name, seen, { toolNames: facts.toolNames, notDone: planner?.notDone }) };
    try {
      return { name: tool.name, args: JSON.parse(match[1]!) };
    } catch {
      return { done: 'The request spells out an action whose details cannot be read; nothing was done.' };
    }
  }
  return undefined;
}
