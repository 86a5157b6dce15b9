import { refundReasons, type RefundReason } from './order-arguments.ts';

/**
 * The reason of a recorded refund. New rows start with their reason code; rows written
 * before reasons were a closed set (the seed's) are read by their wording.
 */
export function refundReasonOf(text: string): RefundReason {
  const code = refundReasons.find((reason) => text === reason || text.startsWith(`${reason}:`));
  if (code !== undefined) return code;
  if (/^late delivery/i.test(text)) return 'late_delivery';
  if (/^returned/i.test(text)) return 'return_received';
  if (/cancel/i.test(text)) return 'cancelled_before_shipment';
  if (/damag|defect/i.test(text)) return 'damaged_item';
  return 'customer_request';
}

/** What a refund row stores: the code, and the note after it when there is one. */
export function refundReasonText(reason: RefundReason, note?: string): string {
  return note ? `${reason}: ${note}` : reason;
}
