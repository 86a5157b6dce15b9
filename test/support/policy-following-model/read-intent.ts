import { centsIn, orderIdIn } from './read-request.ts';

/** Why the customer says they should get their money back, in their words' terms. */
export type Grounds = 'late' | 'damaged' | 'returned' | 'goodwill' | 'none';

export type Intent =
  | { kind: 'question' }
  | { kind: 'lookup' | 'refund' | 'credit' | 'cancel'; orderId: number; cents?: number; grounds: Grounds };

/**
 * What a request asks for, read the way a support agent reads it: an action needs an order to
 * act on ("refund order 1001"); anything else is a question for the knowledge base.
 */
export function intentOf(text: string): Intent {
  const orderId = orderIdIn(text);
  if (orderId === undefined) return { kind: 'question' };
  const common = { orderId, grounds: groundsOf(text), ...(centsIn(text) !== undefined ? { cents: centsIn(text) } : {}) };
  if (/\bcancel\b/i.test(text)) return { kind: 'cancel', ...common };
  if (/store credit|credit memo|compensat/i.test(text)) return { kind: 'credit', ...common };
  if (/\brefund/i.test(text)) return { kind: 'refund', ...common };
  return { kind: 'lookup', ...common };
}

export function groundsOf(text: string): Grounds {
  if (/\b(goodwill|gesture|vip)\b/i.test(text)) return 'goodwill';
  if (/\b(late|delay\w*|never arrived|has(?:n't| not) arrived|still not arrived)\b/i.test(text)) return 'late';
  if (/\b(damag\w*|broken|defect\w*|faulty|cracked|dead on arrival)\b|\b(?:does|did)(?:n't| not) (?:work|switch on|turn on)\b/i.test(text)) return 'damaged';
  if (/\breturn(?:ed|s)?\b/i.test(text)) return 'returned';
  return 'none';
}

/** What policy governs the request's action, as a sentence says it: "refunds for late deliveries". */
export function topicOf(intent: Intent): string {
  const grounds: Record<Exclude<Grounds, 'none'>, string> = {
    late: 'late deliveries',
    damaged: 'damaged or defective items',
    returned: 'returned items',
    goodwill: 'goodwill exceptions',
  };
  switch (intent.kind) {
    case 'question':
    case 'lookup':
      return 'orders';
    case 'cancel':
      return 'cancelling an order';
    case 'credit':
      return `store credit for ${grounds[intent.grounds === 'none' ? 'late' : intent.grounds]}`;
    case 'refund':
      return intent.grounds === 'none' ? 'who can get a refund' : `refunds for ${grounds[intent.grounds]}`;
  }
}
