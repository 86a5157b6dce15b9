import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { readExecutorTask } from '../prompts/executor-prompt.ts';
import type { BoundTool } from '../bound-tool.ts';
import type { OfflinePolicy } from './offline-chat-model.ts';
import { describeOutcome } from './describe-outcome.ts';
import type { ExecutionFacts, Observations, Outcome, Step, ToolCall } from './offline-execution-facts.ts';
import { refundStep } from './offline-refund-step.ts';

/**
 * Offline execution does only what the request spells out. Either an explicit call
 * (`issue_refund {"orderId": 1001, ...}`) or one of a few plain intents of the sample
 * domain (cancel, refund, credit memo, penalty, SLA check, look-up) naming an order.
 * It reads before it writes, stops when a read shows the action is not warranted, and
 * tells the customer the outcome in the tools' customer-facing words.
 */
export const offlineExecutorPolicy: OfflinePolicy = ({ messages, tools }) => {
  const { task } = readExecutorTask(messages);
  const history = readHistory(messages);
  const observations: Observations = new Map(history.map((entry) => [entry.name, entry.outcome]));
  const names = new Set(tools.map((tool) => tool.name));
  const facts: ExecutionFacts = {
    task,
    orderId: numberAfter(task, /\border\s*(?:#|no\.?|number)?\s*(\d{3,})\b|#(\d{3,})\b/i),
    amountCents: dollarsToCents(task),
    observations,
    history,
    has: (tool) => names.has(tool),
  };
  const step = explicitCall(task, tools, observations) ?? intentStep(facts);
  return 'done' in step ? { content: step.done } : { content: '', toolCalls: [step] };
};

function readHistory(messages: BaseMessage[]): ExecutionFacts['history'] {
  const calls = new Map<string, ToolCall>();
  const history: ExecutionFacts['history'] = [];
  for (const message of messages) {
    if (AIMessage.isInstance(message)) {
      for (const call of message.tool_calls ?? []) calls.set(call.id ?? '', { name: call.name, args: call.args as Record<string, unknown> });
    }
    if (ToolMessage.isInstance(message)) {
      const call = calls.get(message.tool_call_id) ?? { name: message.name ?? '', args: {} };
      let outcome: Outcome;
      try {
        outcome = JSON.parse(String(message.content)) as Outcome;
      } catch {
        outcome = { status: 'failed', message: String(message.content) };
      }
      history.push({ ...call, outcome });
    }
  }
  return history;
}

function explicitCall(task: string, tools: BoundTool[], observations: Observations): Step | undefined {
  for (const tool of tools) {
    const match = new RegExp(`\\b${tool.name}\\s*(\\{.*\\})`).exec(task);
    if (!match) continue;
    const seen = observations.get(tool.name);
    if (seen) return { done: describeOutcome(tool.name, seen, tools.map((candidate) => candidate.name)) };
    try {
      return { name: tool.name, args: JSON.parse(match[1]!) };
    } catch {
      return { done: 'The request spells out an action whose details cannot be read; nothing was done.' };
    }
  }
  return undefined;
}

function intentStep(facts: ExecutionFacts): Step {
  const { task, orderId } = facts;
  if (orderId === undefined) return { done: 'The request names no order number, so no action was taken.' };
  // Cancelling refunds what was paid by itself, so "cancel" comes before "refund".
  if (/\bcancel\b/i.test(task) && facts.has('cancel_order')) {
    return once(facts, { name: 'cancel_order', args: { orderId, reason: reasonFrom(task) } });
  }
  if (/\brefund/i.test(task) && facts.has('issue_refund')) return refundStep(facts, orderId);
  if (/credit\s*memo|store credit|compensat|penalty credit/i.test(task) && facts.has('create_credit_memo')) {
    return creditMemoStep(facts, orderId);
  }
  if (/penalt/i.test(task) && facts.has('compute_late_penalty')) {
    return once(facts, { name: 'compute_late_penalty', args: { orderId } });
  }
  if (/\b(late|on time|sla|shipment|deliver\w*)\b/i.test(task) && facts.has('check_shipment_sla')) {
    return once(facts, { name: 'check_shipment_sla', args: { orderId } });
  }
  return once(facts, { name: 'lookup_order', args: { orderId } });
}

function creditMemoStep(facts: ExecutionFacts, orderId: number): Step {
  const penalty = facts.observations.get('compute_late_penalty');
  if (!penalty) return { name: 'compute_late_penalty', args: { orderId } };
  if (penalty.status !== 'ok') return { done: describeOutcome('compute_late_penalty', penalty) };
  const owed = typeof penalty.result?.remainingCreditCents === 'number' ? penalty.result.remainingCreditCents : penalty.result?.penaltyCents;
  const amountCents = facts.amountCents ?? (typeof owed === 'number' ? owed : undefined);
  if (!amountCents) return { done: `Order ${orderId} is owed no late-delivery credit, so no store credit was added.` };
  return once(facts, { name: 'create_credit_memo', args: { orderId, amountCents, reason: reasonFrom(facts.task) } });
}

/** Call a tool once; after its result, report it and stop. */
function once(facts: ExecutionFacts, call: ToolCall): Step {
  const seen = facts.observations.get(call.name);
  return seen ? { done: describeOutcome(call.name, seen) } : call;
}

function reasonFrom(task: string): string {
  const because = /\b(because|since|due to)\b(.*)$/i.exec(task);
  return (because ? because[0] : task).trim().slice(0, 200);
}

function numberAfter(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  const digits = match?.slice(1).find((group) => group !== undefined);
  return digits ? Number(digits) : undefined;
}

function dollarsToCents(text: string): number | undefined {
  const match = /\$\s?(\d+(?:,\d{3})*(?:\.\d{1,2})?)/.exec(text);
  return match ? Math.round(Number(match[1]!.replaceAll(',', '')) * 100) : undefined;
}
