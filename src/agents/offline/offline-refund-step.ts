import { daysSinceDelivery, lateRefundWindowDays, type RefundReason } from '../../tools/index.ts';
import { customerSafe, describeOutcome } from './describe-outcome.ts';
import type { ExecutionFacts, Step } from './offline-execution-facts.ts';

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
export function refundStep(facts: ExecutionFacts, orderId: number): Step {
  const { task, observations } = facts;
  const reason = refundReasonFrom(task);
  if (reason === 'late_delivery' && facts.has('check_shipment_sla')) {
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
      const why = last.outcome.status === 'ok' && earlier?.status === 'forbidden' && earlier.message ? ` ${customerSafe(earlier.message)}` : '';
      return { done: `${describeOutcome('issue_refund', last.outcome)}${why}` };
    }
    return { name: 'issue_refund', args: { ...last.args, amountCents: max } };
  }
  const amountCents = facts.amountCents ?? refundable;
  if (amountCents === undefined) return { done: `The refundable amount of order ${orderId} is unknown; no refund was issued.` };
  const because = /\b(because|since|due to)\b.{3,}$/i.exec(task)?.[0]?.trim().slice(0, 200);
  return { name: 'issue_refund', args: { orderId, amountCents, reason, ...(because ? { note: because } : {}) } };
}
