import { describe, expect, it } from 'vitest';
import { daysLateOf, latePenaltyOf, promisedByOf } from './shipping-policy.ts';

describe('shipping policy', () => {
  it('promises delivery 7, 3 and 1 calendar days after the order date', () => {
    expect(promisedByOf('2026-03-02T23:59:00Z', 'standard')).toBe('2026-03-09');
    expect(promisedByOf('2026-02-27T08:00:00Z', 'express')).toBe('2026-03-02');
    expect(promisedByOf('2026-12-31T10:00:00Z', 'overnight')).toBe('2027-01-01');
  });

  it('counts full calendar days after the promised date, until delivery or until now', () => {
    const now = new Date('2026-04-01T12:00:00Z');
    expect(daysLateOf({ promisedBy: '2026-03-09', deliveredAt: '2026-03-13T00:30:00Z', now })).toBe(4);
    expect(daysLateOf({ promisedBy: '2026-03-09', deliveredAt: '2026-03-09T23:59:00Z', now })).toBe(0);
    expect(daysLateOf({ promisedBy: '2026-03-27', deliveredAt: null, now })).toBe(5);
    expect(daysLateOf({ promisedBy: '2026-04-07', deliveredAt: null, now })).toBe(0);
  });

  it('charges 10% of the total per full day late, capped at 50%, nothing after a full refund', () => {
    expect(latePenaltyOf({ totalCents: 12999, daysLate: 4, fullyRefunded: false })).toEqual({ percent: 40, penaltyCents: 5200 });
    expect(latePenaltyOf({ totalCents: 84200, daysLate: 2, fullyRefunded: false })).toEqual({ percent: 20, penaltyCents: 16840 });
    expect(latePenaltyOf({ totalCents: 10000, daysLate: 9, fullyRefunded: false })).toEqual({ percent: 50, penaltyCents: 5000 });
    expect(latePenaltyOf({ totalCents: 10000, daysLate: 0, fullyRefunded: false })).toEqual({ percent: 0, penaltyCents: 0 });
    expect(latePenaltyOf({ totalCents: 10000, daysLate: 3, fullyRefunded: true })).toEqual({ percent: 0, penaltyCents: 0 });
  });
});
