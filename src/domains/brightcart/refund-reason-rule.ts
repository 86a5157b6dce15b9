import { definePolicyRule, type PolicyRuleVerdict } from '../../tools/index.ts';
import type { DamageReportFact, OrderPolicyFacts } from './load-order-policy-facts.ts';
import type { RefundReason } from './order-arguments.ts';
import { orderPolicySections as sections } from './order-policy-sections.ts';
import { lateRefundWindowDays } from './shipping-policy.ts';
import { damageReportHours, reportedInTime } from './damage-report-window.ts';


/**
 * `refund-reason-eligible`: the reason given for a refund must hold on the order's records
 * (the shipment check, a received return, a damage report in time, a cancellation before
 * shipment). Goodwill is never for an agent or a model to grant: a person decides.
 */
export const refundReasonRule = definePolicyRule<OrderPolicyFacts>({
  name: 'refund-reason-eligible',
  tools: ['issue_refund'],
  description: 'A refund needs a reason the refund policy accepts, verified on the order records.',
  check({ args, facts }) {
    const { orderId, order } = facts;
    if (order === undefined) return refuse(`There is no order ${orderId}.`);
    switch (args.reason as RefundReason) {
      case 'customer_request':
        return refuse(
          `Order ${orderId} cannot be refunded on request alone: a refund needs a reason the refund policy accepts (a late delivery, a received return, or a damaged or defective item), and none applies here.`,
          sections.refundEligibility,
        );
      case 'late_delivery':
        if (!order.late) {
          const when = order.shipment.deliveredAt ? `delivered on ${order.shipment.deliveredAt.slice(0, 10)}` : 'not due yet';
          return refuse(`Order ${orderId} was not late: it was promised by ${order.promisedBy} and ${when}, so it is not eligible for a late-delivery refund.`, sections.lateDefinition);
        }
        if (facts.daysSinceDelivery !== null && facts.daysSinceDelivery > lateRefundWindowDays) {
          return refuse(
            `Order ${orderId} was delivered late on ${order.shipment.deliveredAt!.slice(0, 10)}, ${facts.daysSinceDelivery} days ago; a late-delivery refund must be requested within ${lateRefundWindowDays} days of delivery.`,
            sections.lateRefundWindow,
          );
        }
        return { decision: 'allow', detail: `${order.daysLate} full day(s) late${facts.daysSinceDelivery === null ? ', not delivered yet' : `, day ${facts.daysSinceDelivery} of ${lateRefundWindowDays} after delivery`}` };
      case 'return_received': {
        const received = facts.returns.filter((entry) => entry.status === 'received');
        if (received.length === 0) {
          const started = facts.returns.length > 0;
          return refuse(
            started
              ? `The return on order ${orderId} has not been received yet; it is refunded once it arrives and is inspected.`
              : `There is no return on order ${orderId}; the items must be returned before they are refunded.`,
            sections.returnReceived,
          );
        }
        if (received.some((entry) => entry.condition !== 'unused')) {
          return { decision: 'hold', reason: `An item returned on order ${orderId} came back used, so a person decides what part of the price to refund.`, section: sections.usedReturn };
        }
        return { decision: 'allow', detail: `${received.length} received return(s) in unused condition` };
      }
      case 'damaged_item': {
        if (facts.damageReports.length === 0) return refuse(`No damage or defect was reported for order ${orderId}.`, sections.damageReport);
        if (order.shipment.deliveredAt === null) return refuse(`Order ${orderId} has not been delivered, so nothing arrived damaged.`, sections.damageReport);
        if (eligibleDamageReports(facts).length === 0) {
          const report = facts.damageReports[0]!;
          return refuse(
            `The problem with order ${orderId} was reported on ${report.reportedAt.slice(0, 10)}, more than ${damageReportHours} hours after delivery on ${order.shipment.deliveredAt.slice(0, 10)}.`,
            sections.damageReport,
          );
        }
        return { decision: 'allow', detail: 'damage or defect reported in time' };
      }
      case 'cancelled_before_shipment':
        if (order.status !== 'cancelled') return refuse(`Order ${orderId} is not cancelled, so no cancellation refund is due.`, sections.cancellationBeforeShipment);
        if (order.shipment.shippedAt !== null) return refuse(`Order ${orderId} had shipped before it was cancelled.`, sections.cancellationAfterShipment);
        return { decision: 'allow', detail: 'cancelled before shipment' };
      case 'goodwill':
        return {
          decision: 'hold',
          reason: `A goodwill refund on order ${orderId} is an exception to the refund policy, which only a support manager can grant.`,
          section: sections.goodwill,
        };
      default:
        return refuse(`"${String(args.reason)}" is not a refund reason the policy knows.`, sections.refundEligibility);
    }
  },
});

/** Reports made within 48 hours of delivery, or electronics dead on arrival reported within 30 days. */
export function eligibleDamageReports(facts: OrderPolicyFacts): DamageReportFact[] {
  const deliveredAt = facts.order?.shipment.deliveredAt;
  if (!deliveredAt) return [];
  return facts.damageReports.filter((report) => reportedInTime({ deliveredAt, reportedAt: report.reportedAt, category: report.category, kind: report.kind }));
}

function refuse(reason: string, section?: (typeof sections)[keyof typeof sections]): PolicyRuleVerdict {
  return { decision: 'refuse', reason, ...(section ? { section } : {}) };
}
