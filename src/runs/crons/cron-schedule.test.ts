import { describe, expect, it } from 'vitest';
import { AppError, httpStatusOf } from '../../errors.ts';
import { assertValidSchedule, nextTickAfter } from './cron-schedule.ts';

function refusal(run: () => void): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('cron schedules', () => {
  it('accepts five fields, six with seconds, and named schedules', () => {
    for (const schedule of ['*/15 9-17 * * 1-5', '*/10 * * * * *', '@daily', '0 0 1 jan *']) expect(() => assertValidSchedule(schedule)).not.toThrow();
  });

  it('refuses an expression it cannot read with 422 and says what is wrong', () => {
    const error = refusal(() => assertValidSchedule('61 * * * *'));
    expect(error.code).toBe('UNPROCESSABLE');
    expect(httpStatusOf(error.code)).toBe(422);
    expect(error.message).toMatch(/Invalid cron schedule "61 \* \* \* \*": .*0-59/);
    expect(refusal(() => assertValidSchedule('every day')).code).toBe('UNPROCESSABLE');
    expect(refusal(() => assertValidSchedule('* * * * * * *')).message).toMatch(/too many fields/);
  });

  it('refuses a schedule that never fires, an unknown time zone and an unreadable end time', () => {
    expect(refusal(() => assertValidSchedule('0 0 31 2 *')).code).toBe('UNPROCESSABLE');
    expect(refusal(() => assertValidSchedule('0 9 * * *', { timezone: 'Mars/Olympus' })).message).toMatch(/Unknown time zone "Mars\/Olympus"/);
    expect(refusal(() => assertValidSchedule('0 9 * * *', { endTime: 'next tuesday' })).message).toMatch(/end_time/);
  });

  it('gives the first tick strictly after a moment, in the schedule\'s time zone', () => {
    const at = new Date('2025-01-15T08:00:00.000Z');
    expect(nextTickAfter('0 * * * *', at)?.toISOString()).toBe('2025-01-15T09:00:00.000Z');
    expect(nextTickAfter('* * * * * *', at)?.toISOString()).toBe('2025-01-15T08:00:01.000Z');
    // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(nextTickAfter('0 9 * * *', new Date('2025-01-15T00:00:00.000Z'), { timezone: 'Europe/Paris' })?.toISOString()).toBe('2025-01-15T08:00:00.000Z');
    expect(nextTickAfter('0 9 * * *', new Date('2025-07-15T00:00:00.000Z'), { timezone: 'Europe/Paris' })?.toISOString()).toBe('2025-07-15T07:00:00.000Z');
  });

  it('gives no tick past the end time', () => {
    const at = new Date('2025-01-15T08:00:00.000Z');
    expect(nextTickAfter('0 * * * *', at, { endTime: '2025-01-15T08:30:00.000Z' })).toBeUndefined();
    expect(nextTickAfter('0 * * * *', at, { endTime: '2025-01-15T07:00:00.000Z' })).toBeUndefined();
    expect(nextTickAfter('0 * * * *', at, { endTime: '2025-01-15T09:30:00.000Z' })?.toISOString()).toBe('2025-01-15T09:00:00.000Z');
  });
});
