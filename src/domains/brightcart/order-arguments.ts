import { z } from 'zod';

/** Argument schemas shared by the order tools, bounded so a model cannot send anything huge. */
export const orderIdArgument = z.number().int().positive().max(2_147_483_647)
  .describe('Brightcart order number, for example 1001');

export const amountCentsArgument = z.number().int().positive().max(100_000_000)
  .describe('Amount in US cents as a whole number, for example 12999 for $129.99');

export const reasonArgument = z.string().trim().min(3).max(500)
  .describe('Why, in a short sentence the customer could read');

export const orderIdInput = z.strictObject({ orderId: orderIdArgument });

/**
 * Why a refund is asked for, as a closed set: the reasons the refund policy knows, plus
 * `customer_request` for anything else, which the policy rules refuse with the policy quoted.
 */
export const refundReasons = ['late_delivery', 'return_received', 'damaged_item', 'cancelled_before_shipment', 'goodwill', 'customer_request'] as const;
export type RefundReason = (typeof refundReasons)[number];

export const refundReasonArgument = z.enum(refundReasons).describe(
  'The refund policy reason: late_delivery (delivered after its promised date; within 30 days of delivery), '
  + 'return_received (returned items have been received), damaged_item (damage or a defect was reported), '
  + 'cancelled_before_shipment, goodwill (an exception only a support manager can grant), '
  + 'customer_request (any other reason, such as a change of mind; not eligible)',
);

export const refundInput = z.strictObject({
  orderId: orderIdArgument,
  amountCents: amountCentsArgument,
  reason: refundReasonArgument,
  note: reasonArgument.optional(),
});

export const moneyActionInput = z.strictObject({
  orderId: orderIdArgument,
  amountCents: amountCentsArgument,
  reason: reasonArgument,
});

/** Scopes the order tools require; grant them to callers that may use the tools. */
export const orderScopes = {
  read: 'orders:read',
  cancel: 'orders:write',
  refund: 'refunds:write',
  credit: 'credits:write',
} as const;
