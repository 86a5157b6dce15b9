import { customerSafe, describeOutcome, overlapScore } from '../../agents/index.ts';
import type { ExecutionFacts, ObservedOutcome, OfflineDomainPlanner, PlanStep, ToolCall } from '../../contracts/index.ts';
import type { RefundReason } from './order-arguments.ts';
import { daysSinceDelivery, lateRefundWindowDays } from './shipping-policy.ts';

// The sample domain's tools, as a customer would name what they do.
const notDone: Record<string, string> = {
  issue_refund: 'No refund was issued',
  create_credit_memo: 'No store credit was added',
  cancel_order: 'The order was not cancelled',
  start_return: 'The return was not started',
  report_damage: 'The problem was not recorded',
  lookup_order: 'The order could not be looked up',
  check_shipment_sla: 'The delivery could not be checked',
  compute_late_penalty: 'The late-delivery credit could not be worked out',
};

const orderReference = /\border\s*(?:#|no\.?|number)?\s*\d{3,}\b|#\d{3,}\b/i;

interface OrderFacts extends ExecutionFacts {
  orderId: number;
  amountCents?: number;
}

/**
 * The plain requests of a Brightcart customer the offline executor understands, each naming
 * an order: cancel, refund, credit memo, late penalty, shipment check, look-up. It proposes;
 * the order policy rules decide eligibility on the records.
 */
// What a customer says when they want something done to an order (the words of every tool's purpose).
const actionVocabulary =
  'look up an order, check a shipment against its SLA, compute a late delivery penalty, issue a refund, ' +
  'create a credit memo, cancel an order, start a return, report a damaged, defective or wrong item';

export const brightcartOfflinePlanner: OfflineDomainPlanner = {
  notDone,
  // An action needs a target: without an order reference the request is a question, even when
  // it mentions what the executor can do ("can I cancel an order?").
  recognises: (request) => orderReference.test(request) && overlapScore(request, actionVocabulary) > 0,
  plan(facts) {
    const orderId = numberAfter(facts.task, /\border\s*(?:#|no\.?|number)?\s*(\d{3,})\b|#(\d{3,})\b/i);
    if (orderId === undefined) return { done: 'The request names no order number, so no action was taken.' };
    return intentStep({ ...facts, orderId, amountCents: dollarsToCents(facts.task) });
  },
};

function describe(facts: ExecutionFacts, tool: string, outcome: ObservedOutcome): string {
  return describeOutcome(tool, outcome, { notDone, toolNames: [...new Set([...facts.toolNames, ...Object.keys(notDone)])] });
}

function intentStep(facts: OrderFacts): PlanStep {
  const { task, orderId } = facts;
  // Cancelling refunds what was paid by itself, so "cancel" comes before "refund".
  if (/\bcancel\b/i.test(task) && facts.has('cancel_order')) {
    return once(facts, { name: 'cancel_order', args: { orderId, reason: reasonFrom(task) } });
  }
  if (/\brefund/i.test(task) && facts.has('issue_refund')) return refundStep(facts);
  if (/\breturn\b/i.test(task) && facts.has('start_return')) return itemStep(facts, 'start_return');
  if (damageKindFrom(task) && facts.has('report_damage')) return itemStep(facts, 'report_damage');
  if (/credit\s*memo|store credit|compensat|penalty credit/i.test(task) && facts.has('create_credit_memo')) {
    return creditMemoStep(facts);
  }
  if (/penalt/i.test(task) && facts.has('compute_late_penalty')) {
    return once(facts, { name: 'compute_late_penalty', args: { orderId } });
  }
  if (/\b(late|on time|sla|shipment|deliver\w*)\b/i.test(task) && facts.has('check_shipment_sla')) {
    return once(facts, { name: 'check_shipment_sla', args: { orderId } });
  }
  return once(facts, { name: 'lookup_order', args: { orderId } });
}

/**
 * The refund reason the request states, read by its words; no eligible words means
 * `customer_request`, which the policy rules refuse with the policy quoted. The offline
 * executor never decides eligibility itself: the rules do, on the records.
 */
export function refundReasonFrom(task: string): RefundReason {
  if (/\b(goodwill|gesture|vip)\b/i.test(task)) return 'goodwill';
  if (/\b(late|delay\w*|never arrived|has(?:n't| not) arrived)\b/i.test(task)) return 'late_delivery';
  if (/\b(damag\w*|broken|defect\w*|faulty|cracked|dead on arrival|wrong item)\b|\b(?:does|did)(?:n't| not) (?:work|switch on|turn on)\b/i.test(task)) return 'damaged_item';
  if (/\breturn(?:ed|s)?\b/i.test(task)) return 'return_received';
  if (/\bcancel\w*\b/i.test(task)) return 'cancelled_before_shipment';
  return 'customer_request';
}

/**
 * Refund: check lateness first when the request claims it, look the order up, propose the
 * amount asked (or what is refundable), and when the policy review refuses it with a lower
 * maximum and no amount was asked, propose that maximum once.
 */
function refundStep(facts: OrderFacts): PlanStep {
  const { task, observations, orderId } = facts;
  const reason = refundReasonFrom(task);
  if (reason === 'late_delivery' && facts.has('check_shipment_sla')) {
    const sla = observations.get('check_shipment_sla');
    if (!sla) return { name: 'check_shipment_sla', args: { orderId } };
    if (sla.status !== 'ok') return { done: describe(facts, 'check_shipment_sla', sla) };
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
  // A damaged-item refund rests on a damage report: record it first (one already on file is fine).
  if (reason === 'damaged_item' && facts.has('report_damage') && order?.status === 'ok') {
    const report = observations.get('report_damage');
    // Without the item it concerns there is nothing to report; the rules then say what is missing.
    if (!report && itemOf(facts, order)) return itemStep(facts, 'report_damage');
    if (report && report.status !== 'ok') return { done: describe(facts, 'report_damage', report) };
  }
  const refundable = typeof order?.result?.refundableRemainingCents === 'number' ? order.result.refundableRemainingCents : undefined;
  if (refundable !== undefined && refundable <= 0) {
    return { done: `Order ${orderId} has nothing left to refund (already refunded in full). No refund was issued.` };
  }
  const proposals = facts.history.filter((entry) => entry.name === 'issue_refund');
  const last = proposals.at(-1);
  if (last) {
    const max = last.outcome.details?.maxAmountCents;
    const again = last.outcome.status === 'forbidden' && facts.amountCents === undefined && proposals.length < 2
      && typeof max === 'number' && max > 0 && max < Number(last.args.amountCents);
    if (!again) {
      // After a lower maximum was proposed, the customer hears why it is not the full amount.
      const earlier = proposals.at(-2)?.outcome;
      const why = last.outcome.status === 'ok' && earlier?.status === 'forbidden' && earlier.message
        ? ` ${customerSafe(earlier.message, Object.keys(notDone))}`
        : '';
      return { done: `${describe(facts, 'issue_refund', last.outcome)}${why}` };
    }
    return { name: 'issue_refund', args: { ...last.args, amountCents: max } };
  }
  const amountCents = facts.amountCents ?? refundable;
  if (amountCents === undefined) return { done: `The refundable amount of order ${orderId} is unknown; no refund was issued.` };
  const because = /\b(because|since|due to)\b.{3,}$/i.exec(task)?.[0]?.trim().slice(0, 200);
  return { name: 'issue_refund', args: { orderId, amountCents, reason, ...(because ? { note: because } : {}) } };
}

/** The damage a request describes, if any: a wrong item, one that does not work, or one that arrived broken. */
function damageKindFrom(task: string): 'damaged' | 'defective' | 'wrong_item' | undefined {
  if (/\bwrong (?:item|product|size|colou?r)\b|\bnot what I ordered\b/i.test(task)) return 'wrong_item';
  if (/\b(defect\w*|faulty|dead on arrival)\b|\b(?:does|did|do)(?:n't| not) (?:work|switch on|turn on|charge)\b/i.test(task)) return 'defective';
  if (/\b(damag\w*|broken|cracked|smashed|dented|shattered)\b/i.test(task)) return 'damaged';
  return undefined;
}

interface OrderItem {
  sku: string;
  productName: string;
  quantity: number;
}

/**
 * Return or report one item of the order: look the order up, take the item the request names
 * (or the only one), and ask which when it cannot tell.
 */
function itemStep(facts: OrderFacts, tool: 'start_return' | 'report_damage'): PlanStep {
  const { orderId, observations, task } = facts;
  const order = observations.get('lookup_order');
  if (!order) return { name: 'lookup_order', args: { orderId } };
  if (order.status !== 'ok') return { done: describe(facts, 'lookup_order', order) };
  const seen = observations.get(tool);
  if (seen) return { done: describe(facts, tool, seen) };
  const items = (order.result?.items ?? []) as OrderItem[];
  const item = itemOf(facts, order);
  if (!item) {
    const names = items.map((candidate) => candidate.productName).join(', ');
    return { done: `Which item of order ${orderId} do you mean: ${names}? Nothing was done yet.` };
  }
  if (tool === 'report_damage') return { name: tool, args: { orderId, sku: item.sku, kind: damageKindFrom(task) ?? 'damaged' } };
  const count = Number(/\b(\d{1,2})\s+(?:x\s+)?(?!days?\b)[a-z]/i.exec(task.replace(/order\s*#?\s*\d+/gi, ''))?.[1] ?? item.quantity);
  return { name: tool, args: { orderId, sku: item.sku, quantity: Math.min(Math.max(count, 1), item.quantity) } };
}

function itemOf(facts: OrderFacts, order: ObservedOutcome): OrderItem | undefined {
  const items = (order.result?.items ?? []) as OrderItem[];
  return items.length === 1 ? items[0] : itemNamedIn(facts.task, items);
}

function itemNamedIn(task: string, items: OrderItem[]): OrderItem | undefined {
  const scored = items
    .map((item) => ({ item, score: overlapScore(task, item.productName) }))
    .filter((entry) => entry.score > 0)
    .sort((left, right) => right.score - left.score);
  return scored.length > 0 && (scored.length === 1 || scored[0]!.score > scored[1]!.score) ? scored[0]!.item : undefined;
}

function creditMemoStep(facts: OrderFacts): PlanStep {
  const { orderId } = facts;
  const penalty = facts.observations.get('compute_late_penalty');
  if (!penalty) return { name: 'compute_late_penalty', args: { orderId } };
  if (penalty.status !== 'ok') return { done: describe(facts, 'compute_late_penalty', penalty) };
  const owed = typeof penalty.result?.remainingCreditCents === 'number' ? penalty.result.remainingCreditCents : penalty.result?.penaltyCents;
  const amountCents = facts.amountCents ?? (typeof owed === 'number' ? owed : undefined);
  if (!amountCents) return { done: `Order ${orderId} is owed no late-delivery credit, so no store credit was added.` };
  return once(facts, { name: 'create_credit_memo', args: { orderId, amountCents, reason: reasonFrom(facts.task) } });
}

/** Call a tool once; after its result, report it and stop. */
function once(facts: ExecutionFacts, call: ToolCall): PlanStep {
  const seen = facts.observations.get(call.name);
  return seen ? { done: describe(facts, call.name, seen) } : call;
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
