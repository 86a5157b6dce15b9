import { describe, expect, it } from 'vitest';
import { isValidIban, passesLuhn, redactPii, redactPiiDeep } from './redact-pii.ts';

describe('redactPii', () => {
  it('redacts email addresses', () => {
    expect(redactPii('Customer maya.patel@example.com asked, cc ops+refunds@brightcart.co.uk'))
      .toBe('Customer [redacted:email] asked, cc [redacted:email]');
  });

  it('redacts card numbers that pass the Luhn check, grouped or not, and keeps other long numbers', () => {
    expect(redactPii('card 4111 1111 1111 1111 and 5500-0000-0000-0004 and 378282246310005'))
      .toBe('card [redacted:card] and [redacted:card] and [redacted:card]');
    expect(redactPii('tracking 1234567812345678')).toBe('tracking 1234567812345678');
  });

  it('redacts IBANs with a valid checksum, compact or grouped', () => {
    expect(redactPii('pay to DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432'))
      .toBe('pay to [redacted:iban] or [redacted:iban]');
    expect(redactPii('ref DE00370400440532013000')).toBe('ref DE00370400440532013000');
  });

  it('redacts phone numbers in common formats', () => {
    expect(redactPii('call +1 (415) 555-0132 or 020 7946 0958 or +44 20 7946 0958'))
      .toBe('call [redacted:phone] or [redacted:phone] or [redacted:phone]');
  });

  it('never touches run, thread, request or tool-call ids', () => {
    const line = 'run 01a23387-1234-5678-9012-3ff390f8f94f failed; thread 12345678-1234-1234-1234-123456789012, chatcmpl-415555013, call_4155550132';
    expect(redactPii(line)).toBe(line);
    expect(redactPii('run 01a23387-1234-5678-9012-3ff390f8f94f for +1 (415) 555-0132')).toBe('run 01a23387-1234-5678-9012-3ff390f8f94f for [redacted:phone]');
  });

  it('leaves order numbers, amounts, dates and times alone', () => {
    const line = 'refund order 1001 of $129.99 (12999 cents) on 2026-04-01T12:00:00Z, shipped 2026-03-03';
    expect(redactPii(line)).toBe(line);
  });

  it('redacts every string inside nested values and keeps the rest', () => {
    expect(redactPiiDeep({ orderId: 1001, customer: { email: 'a@b.io', phones: ['+1 415 555 0132'] }, ok: true }))
      .toEqual({ orderId: 1001, customer: { email: '[redacted:email]', phones: ['[redacted:phone]'] }, ok: true });
  });
});

describe('checksums', () => {
  it('checks Luhn and IBAN checksums', () => {
    expect([passesLuhn('4111111111111111'), passesLuhn('4111111111111112'), passesLuhn('12')]).toEqual([true, false, false]);
    expect([isValidIban('GB82 WEST 1234 5698 7654 32'), isValidIban('GB83WEST12345698765432')]).toEqual([true, false]);
  });
});
