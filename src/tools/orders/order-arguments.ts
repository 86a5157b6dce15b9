import { z } from 'zod';

/** Argument schemas shared by the order tools, bounded so a model cannot send anything huge. */
export const orderIdArgument = z.number().int().positive().max(2_147_483_647)
  .describe('Brightcart order number, for example 1001');

export const amountCentsArgument = z.number().int().positive().max(100_000_000)
  .describe('Amount in US cents as a whole number, for example 12999 for $129.99');

export const reasonArgument = z.string().trim().min(3).max(500)
  .describe('Why, in a short sentence the customer could read');

export const orderIdInput = z.strictObject({ orderId: orderIdArgument });

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
