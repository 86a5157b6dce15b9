/**
 * How a refund reaches the customer, by payment method, in the words of the refund policy
 * ("5–10 business days … PayPal usually appear sooner; … gift card or store credit are
 * available immediately"). Customer-facing: no codes, no cents.
 */
export function refundDestinationOf(paymentMethod: string | null): string {
  switch (paymentMethod) {
    case 'card':
      return 'your card';
    case 'paypal':
      return 'your PayPal account';
    case 'gift_card':
      return 'your gift card';
    default:
      return 'the original payment method';
  }
}

export function refundTimingOf(paymentMethod: string | null): string {
  switch (paymentMethod) {
    case 'gift_card':
      return 'it is available on your gift card (or as store credit) immediately';
    case 'paypal':
      return 'refunds to PayPal usually appear sooner than the 5–10 business days card refunds take';
    default:
      return 'it takes 5–10 business days to appear on your statement, depending on your bank or card issuer';
  }
}
