import type { PolicySection } from '../../tools/index.ts';

const refundPolicy = { document: 'refund-policy', title: 'Refund policy' };
const returnsPolicy = { document: 'returns-and-exchanges', title: 'Returns and exchanges' };
const damagedItems = { document: 'damaged-items', title: 'Damaged, defective or wrong items' };
const cancellation = { document: 'order-cancellation', title: 'Cancelling an order' };
const shippingPolicy = { document: 'shipping-policy', title: 'Shipping and delivery times' };
const escalation = { document: 'escalation-policy', title: 'Support tiers and escalation' };

/**
 * The passages of the Brightcart knowledge base the order rules rest on, quoted verbatim
 * (markup removed; " … " joins excerpts of one section). `order-policy-sections.test.ts`
 * checks every quote against data/knowledge-base, so a policy edit cannot leave them stale.
 */
export const orderPolicySections = {
  refundEligibility: {
    ...refundPolicy, section: 'Who can get a refund',
    quote: 'You can get a refund in two situations: Your order was delivered late. … You return unused items. … Refunds for items that arrived damaged or defective follow the damaged items policy and the warranty policy, which may offer a replacement or repair instead.',
  },
  returnReceived: {
    ...refundPolicy, section: 'Who can get a refund',
    quote: 'Unused items in their original condition can be returned within 30 days of delivery, and we refund them once the return is received and inspected.',
  },
  lateDefinition: {
    ...refundPolicy, section: 'Refunds for late deliveries',
    quote: 'An order is late when it is delivered after that date, or when it has still not arrived once that date has passed.',
  },
  lateRefundWindow: {
    ...refundPolicy, section: 'Refunds for late deliveries',
    quote: 'If your order was delivered late, you can request a full refund of the amount you paid within 30 days of delivery. After 30 days the late-delivery refund is no longer available',
  },
  creditDeducted: {
    ...refundPolicy, section: 'Refunds for late deliveries',
    quote: 'If you already received a late-delivery credit and then ask for a full refund, the credit is taken into account.',
  },
  refundCeiling: {
    ...refundPolicy, section: 'How much we refund',
    quote: 'A refund never exceeds the amount paid minus any earlier refunds on the same order.',
  },
  largeRefunds: {
    ...refundPolicy, section: 'Approval of large refunds',
    quote: 'Refunds above $500.00 need approval by a support manager.',
  },
  returnWindow: {
    ...returnsPolicy, section: 'The return window',
    quote: 'You can return unused items within 30 days of delivery. The 30 days start on the delivery date shown in your order history, not on the order date.',
  },
  returnsAfterWindow: {
    ...returnsPolicy, section: 'Returns after 30 days',
    quote: 'After 30 days we cannot accept ordinary returns. If an item develops a fault, it may still be covered by the warranty',
  },
  returnLabel: {
    ...returnsPolicy, section: 'How to return an item',
    quote: 'Return shipping is free when the item arrived damaged, defective or wrong. For other returns, a return label costs $6.95 and is deducted from the refund.',
  },
  usedReturn: {
    ...returnsPolicy, section: 'Your refund',
    quote: 'If an item comes back used or damaged, we may refund part of the price or send it back to you.',
  },
  damageReport: {
    ...damagedItems, section: 'Report it quickly',
    quote: 'Please report damage within 48 hours of delivery.',
  },
  damageRefund: {
    ...damagedItems, section: 'What we offer',
    quote: 'A full refund of the amount paid for the item',
  },
  deadOnArrival: {
    ...damagedItems, section: 'Dead on arrival electronics',
    quote: 'Electronics that do not switch on out of the box are treated as damaged on delivery if you report them within 30 days of delivery.',
  },
  warrantyFault: {
    ...damagedItems, section: 'Items that stop working later',
    quote: 'If an item worked at first and then developed a fault, that is a warranty matter rather than delivery damage.',
  },
  cancellationBeforeShipment: {
    ...cancellation, section: 'Cancelling before your order ships',
    quote: 'Cancellation is free before the order ships.',
  },
  cancellationAfterShipment: {
    ...cancellation, section: 'After your order has shipped',
    quote: 'Once the status shows Shipped, the order can no longer be cancelled.',
  },
  lateCredit: {
    ...shippingPolicy, section: 'Late-delivery credit',
    quote: '10% of the order total for each full day late. … Capped at 50% of the order total.',
  },
  creditNotCombined: {
    ...shippingPolicy, section: 'Late-delivery credit',
    quote: 'The late-delivery credit is not combined with a full refund.',
  },
  goodwill: {
    ...escalation, section: 'Tier 2: support managers',
    quote: 'Support managers can approve large refunds, overrule a tier 1 decision, grant goodwill credits and authorise exceptions to the returns window.',
  },
} satisfies Record<string, PolicySection>;
