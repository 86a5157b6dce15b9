import { CronExpressionParser } from 'cron-parser';
import { AppError } from '../../errors.ts';

export interface ScheduleOptions {
  /** IANA time zone; absent or null: UTC. */
  timezone?: string | null;
  /** No tick after this (ISO 8601). */
  endTime?: string | null;
}

/** Whether `timezone` names a zone this runtime knows (the IANA database of ICU). */
function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Throw `UNPROCESSABLE` (422) unless `schedule` is a cron expression that fires: five fields
 * (minute to day of week), six with seconds first, or a name such as `@daily`; read in
 * `timezone`. cron-parser is the library BullMQ schedules with, so both modes agree on every tick.
 */
export function assertValidSchedule(schedule: string, options: ScheduleOptions = {}): void {
  if (options.timezone && !isKnownTimezone(options.timezone)) {
    throw new AppError('UNPROCESSABLE', `Unknown time zone "${options.timezone.slice(0, 100)}" (expected an IANA name such as "Europe/Paris")`, {
      details: [{ path: 'timezone', message: 'Not an IANA time zone' }],
    });
  }
  if (options.endTime && Number.isNaN(Date.parse(options.endTime))) {
    throw new AppError('UNPROCESSABLE', `end_time "${options.endTime.slice(0, 100)}" is not an ISO 8601 date-time`, {
      details: [{ path: 'end_time', message: 'Not a date-time' }],
    });
  }
  try {
    // Parsing alone accepts some that never fire (30 February): a first tick must exist.
    CronExpressionParser.parse(schedule, { tz: options.timezone ?? 'UTC' }).next();
  } catch (error) {
    // cron-parser's words are about the caller's own expression, so they are safe and useful to show.
    const reason = error instanceof Error ? error.message : 'unreadable';
    throw new AppError('UNPROCESSABLE', `Invalid cron schedule "${schedule.slice(0, 100)}": ${reason}. Expected five fields (minute hour day-of-month month day-of-week), six with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly`, {
      details: [{ path: 'schedule', message: reason }],
      cause: error,
    });
  }
}

/** The first tick strictly after `after`, or undefined when there is none before `endTime`. */
export function nextTickAfter(schedule: string, after: Date, options: ScheduleOptions = {}): Date | undefined {
  const endDate = options.endTime ? new Date(options.endTime) : undefined;
  if (endDate && endDate.getTime() <= after.getTime()) return undefined;
  try {
    return CronExpressionParser.parse(schedule, { tz: options.timezone ?? 'UTC', currentDate: after, endDate }).next().toDate();
  } catch {
    // Past the end date (or an expression that stopped firing): no next tick.
    return undefined;
  }
}
