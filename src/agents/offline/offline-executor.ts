import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { readExecutorTask } from '../prompts/executor-prompt.ts';
import type { BoundTool } from '../bound-tool.ts';
import { daysSinceDelivery, lateRefundWindowDays } from '../../tools/index.ts';
import type { OfflinePolicy } from './offline-chat-model.ts';

type Observations = Map<string, { status: string; result?: Record<string, unknown>; message?: string }>;
type ToolCall = { name: string; args: Record<string, unknown> };
type Step = ToolCall | { done: string };

interface Facts {
  task: string;
  orderId?: number;
  amountCents?: number;
  observations: Observations;
  has: (tool: string) => boolean;
}

/**
 * Offline execution does only what the request spells out. Either an explicit call
 * (`issue_refund {"orderId": 1001, ...}`) or one of a few plain intents of the sample
 * domain (refund, credit memo, cancel, penalty, SLA check, look-up) naming an order.
 * It reads before it writes and stops when a read shows the action is not warranted.
 */
export const offlineExecutorPolicy: OfflinePolicy = ({ messages, tools }) => {
  const { task } = readExecutorTask(messages);
  const observations = readObservations(messages);
  const names = new Set(tools.map((tool) => tool.name));
  const facts: Facts = {
    task,
    orderId: numberAfter(task, /\border\s*(?:#|no\.?|number)?\s*(\d{3,})\b|#(\d{3,})\b/i),
    amountCents: dollarsToCents(task),
    observations,
    has: (tool) => names.has(tool),
  };
  const step = explicitCall(task, tools, observations) ?? intentStep(facts);
  return 'done' in step ? { content: step.done } : { content: '', toolCalls: [step] };
};

function readObservations(messages: BaseMessage[]): Observations {
  const observations: Observations = new Map();
  const names = new Map<string, string>();
  for (const message of messages) {
    if (AIMessage.isInstance(message)) for (const call of message.tool_calls ?? []) names.set(call.id ?? '', call.name);
    if (ToolMessage.isInstance(message)) {
      const name = names.get(message.tool_call_id) ?? message.name ?? '';
      try {
        observations.set(name, JSON.parse(String(message.content)));
      } catch {
        observations.set(name, { status: 'failed', message: String(message.content) });
      }
    }
  }
  return observations;
}

function explicitCall(task: string, tools: BoundTool[], observations: Observations): Step | undefined {
  for (const tool of tools) {
    const match = new RegExp(`\\b${tool.name}\\s*(\\{.*\\})`).exec(task);
    if (!match) continue;
    const seen = observations.get(tool.name);
    if (seen) return { done: describeOutcome(tool.name, seen) };
    try {
      return { name: tool.name, args: JSON.parse(match[1]!) };
    } catch {
      return { done: `The explicit call to ${tool.name} has arguments that are not valid JSON; nothing was done.` };
    }
  }
  return undefined;
}

function intentStep(facts: Facts): Step {
  const { task, orderId } = facts;
  if (orderId === undefined) return { done: 'The request names no order number, so no action was taken.' };
  if (/\brefund/i.test(task) && facts.has('issue_refund')) return refundStep(facts, orderId);
  if (/credit\s*memo|store credit|compensat|penalty credit/i.test(task) && facts.has('create_credit_memo')) {
    return creditMemoStep(facts, orderId);
  }
  if (/\bcancel/i.test(task) && facts.has('cancel_order')) {
    return once(facts, { name: 'cancel_order', args: { orderId, reason: reasonFrom(task) } });
  }
  if (/penalt/i.test(task) && facts.has('compute_late_penalty')) {
    return once(facts, { name: 'compute_late_penalty', args: { orderId } });
  }
  if (/\b(late|on time|sla|shipment|deliver\w*)\b/i.test(task) && facts.has('check_shipment_sla')) {
    return once(facts, { name: 'check_shipment_sla', args: { orderId } });
  }
  return once(facts, { name: 'lookup_order', args: { orderId } });
}

function refundStep(facts: Facts, orderId: number): Step {
  const { task, observations } = facts;
  if (/\blate|delay/i.test(task) && facts.has('check_shipment_sla')) {
    const sla = observations.get('check_shipment_sla');
    if (!sla) return { name: 'check_shipment_sla', args: { orderId } };
    if (sla.status !== 'ok') return { done: describeOutcome('check_shipment_sla', sla) };
    if (sla.result?.late !== true) {
      return { done: `Order ${orderId} was not delivered late, so it is not eligible for a late-delivery refund. No refund was issued.` };
    }
    const { deliveredAt, asOf } = sla.result as { deliveredAt?: string | null; asOf?: string };
    if (deliveredAt && asOf && daysSinceDelivery(deliveredAt, asOf) > lateRefundWindowDays) {
      return {
        done:
          `Order ${orderId} was delivered late, but on ${deliveredAt.slice(0, 10)}, more than ${lateRefundWindowDays} days ago; ` +
          `late-delivery refunds must be requested within ${lateRefundWindowDays} days of delivery. No refund was issued.`,
      };
    }
  }
  const order = observations.get('lookup_order');
  if (!order && facts.has('lookup_order')) return { name: 'lookup_order', args: { orderId } };
  const refundable = order?.result ? findNumber(order.result, /refundable/i) : undefined;
  if (refundable !== undefined && refundable <= 0) {
    return { done: `Order ${orderId} has nothing left to refund (already refunded in full). No refund was issued.` };
  }
  const amountCents = facts.amountCents ?? refundable;
  if (amountCents === undefined) return { done: `The refundable amount of order ${orderId} is unknown; no refund was issued.` };
  return once(facts, { name: 'issue_refund', args: { orderId, amountCents, reason: reasonFrom(task) } });
}

function creditMemoStep(facts: Facts, orderId: number): Step {
  const penalty = facts.observations.get('compute_late_penalty');
  if (!penalty) return { name: 'compute_late_penalty', args: { orderId } };
  if (penalty.status !== 'ok') return { done: describeOutcome('compute_late_penalty', penalty) };
  const amountCents = facts.amountCents ?? findNumber(penalty.result ?? {}, /penalty.*cents|cents/i);
  if (!amountCents) return { done: `Order ${orderId} is owed no late-delivery penalty, so no credit memo was created.` };
  return once(facts, { name: 'create_credit_memo', args: { orderId, amountCents, reason: reasonFrom(facts.task) } });
}

/** Call a tool once; after its result, report it and stop. */
function once(facts: Facts, call: ToolCall): Step {
  const seen = facts.observations.get(call.name);
  return seen ? { done: describeOutcome(call.name, seen) } : call;
}

function describeOutcome(tool: string, outcome: { status: string; result?: unknown; message?: string }): string {
  if (outcome.status === 'ok') {
    // Tools that summarise their own result say it best; otherwise show the result itself.
    const summary = (outcome.result as { summary?: unknown } | undefined)?.summary;
    return typeof summary === 'string' ? summary : `${tool} succeeded: ${JSON.stringify(outcome.result)}`;
  }
  return `${tool} did not succeed (${outcome.status}): ${outcome.message ?? JSON.stringify(outcome)}`;
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

/** First numeric field (depth-first) whose key matches `key`. */
function findNumber(value: Record<string, unknown>, key: RegExp): number | undefined {
  for (const [name, field] of Object.entries(value)) {
    if (typeof field === 'number' && key.test(name)) return field;
    if (field && typeof field === 'object' && !Array.isArray(field)) {
      const nested = findNumber(field as Record<string, unknown>, key);
      if (nested !== undefined) return nested;
    }
  }
  return undefined;
}

