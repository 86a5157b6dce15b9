import { definePolicyRule } from '../../tools/index.ts';
import type { OrderPolicyFacts } from './load-order-policy-facts.ts';
import { orderPolicySections as sections } from './order-policy-sections.ts';
import { damageReportHours, deadOnArrivalDays, reportedInTime } from './damage-report-window.ts';

/**
 * `damage-reported-in-time`: damage and wrong items are reported within 48 hours of delivery;
 * electronics that do not work out of the box within 30 days (dead on arrival). Anything later
 * that stopped working is a warranty matter, not delivery damage.
 */
export const damageReportRule = definePolicyRule<OrderPolicyFacts>({
  name: 'damage-reported-in-time',
  tools: ['report_damage'],
  description: 'Damage within 48 hours of delivery; electronics dead on arrival within 30 days.',
  check({ args, facts }) {
    const { orderId, order } = facts;
    if (order === undefined) return { decision: 'refuse', reason: `There is no order ${orderId}.` };
    const deliveredAt = order.shipment.deliveredAt;
    if (deliveredAt === null) {
      return { decision: 'refuse', reason: `Order ${orderId} has not been delivered yet, so nothing arrived damaged.`, section: sections.damageReport };
    }
    // Already on file: nothing new is recorded, and whether it came in time is judged by the refund it backs.
    if (facts.damageReports.some((report) => report.sku === args.sku)) return { decision: 'allow', detail: 'already reported' };
    const category = order.items.find((candidate) => candidate.sku === args.sku)?.category;
    if (reportedInTime({ deliveredAt, reportedAt: facts.checkedAt, category, kind: String(args.kind) })) {
      const hours = (Date.parse(facts.checkedAt) - Date.parse(deliveredAt)) / 3_600_000;
      return {
        decision: 'allow',
        detail: hours <= damageReportHours ? `reported within ${damageReportHours} hours of delivery` : `electronics not working, within ${deadOnArrivalDays} days of delivery`,
      };
    }
    if (args.kind === 'defective') {
      return {
        decision: 'refuse',
        reason: `Order ${orderId} was delivered on ${deliveredAt.slice(0, 10)}; a fault found this long after delivery is a warranty matter rather than delivery damage.`,
        section: sections.warrantyFault,
      };
    }
    return {
      decision: 'refuse',
      reason: `Order ${orderId} was delivered on ${deliveredAt.slice(0, 10)}, more than ${damageReportHours} hours ago, so it can no longer be reported as damaged in delivery.`,
      section: sections.damageReport,
    };
  },
  confirm({ facts, args }) {
    const reported = facts.damageReports.some((report) => report.sku === args.sku);
    return reported ? { confirmed: true, detail: `a report for ${String(args.sku)} is recorded` } : { confirmed: false, detail: 'no report for that item is recorded' };
  },
});
