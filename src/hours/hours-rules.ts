/**
 * The limits of operating hours and the checks of a write that span several fields (or today's local date): pure,
 * shared by the request DTOs (which document the limits) and the service (which applies them).
 */
import type { FieldError } from '../common/errors/problem-details.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { addDays, daysBetween, periodProblems, type TimeRange, type Weekday } from './schedule.js';

/** Public listings show the exceptions from today through this many days ahead. */
export const UPCOMING_DAYS = 90;
/** The longest exception: a year (a closure longer than that is a different schedule). */
export const MAX_EXCEPTION_DAYS = 366;
/** How far ahead an exception may start: about two years, enough for any holiday plan. */
export const MAX_EXCEPTION_LEAD_DAYS = 730;

/** An exception's own fields, as stored. */
export interface ExceptionFields {
  startDate: string;
  endDate: string;
  closed: boolean;
  periods: TimeRange[];
  label: string;
}

function problemsAsFieldErrors(periods: readonly (TimeRange & { day?: Weekday })[]): FieldError[] {
  return periodProblems(periods).map((p) => ({ field: `periods.${p.index}.${p.field}`, message: p.message }));
}

/** Throws one validation error naming each period that is empty or overlaps another. */
export function checkPeriods(periods: readonly (TimeRange & { day?: Weekday })[]): void {
  const problems = problemsAsFieldErrors(periods);
  if (problems.length) throw validationFailed(problems);
}

/**
 * The rules that involve several fields of an exception, or today's local date; throws one validation error naming
 * each field.
 */
export function checkedException(fields: ExceptionFields, today: string): ExceptionFields {
  const errors: FieldError[] = [];
  const latestStart = addDays(today, MAX_EXCEPTION_LEAD_DAYS);
  if (fields.startDate > latestStart) {
    errors.push({
      field: 'startDate',
      message: `startDate must be at most ${MAX_EXCEPTION_LEAD_DAYS} days ahead (on or before ${latestStart})`,
    });
  }
  if (fields.endDate < fields.startDate) {
    errors.push({ field: 'endDate', message: 'endDate must not be before startDate' });
  } else if (daysBetween(fields.startDate, fields.endDate) >= MAX_EXCEPTION_DAYS) {
    errors.push({ field: 'endDate', message: `an exception covers at most ${MAX_EXCEPTION_DAYS} days` });
  }
  if (fields.closed && fields.periods.length > 0) {
    errors.push({ field: 'periods', message: 'periods must be empty when closed is true' });
  }
  if (!fields.closed && fields.periods.length === 0) {
    errors.push({ field: 'periods', message: 'periods must list at least one period when closed is false' });
  }
  errors.push(...problemsAsFieldErrors(fields.periods));
  if (errors.length) throw validationFailed(errors);
  return { ...fields, periods: fields.periods.map(({ opens, closes }) => ({ opens, closes })) };
}

/** The periods as a comparable string: jsonb may hand back an object's keys in another order than they were written. */
function periodsKey(periods: readonly (TimeRange & { day?: Weekday })[]): string {
  return JSON.stringify(periods.map(({ day, opens, closes }) => [day ?? null, opens, closes]));
}

/** Whether a write would leave these fields as they are (then it changes nothing anyone sees, and announces nothing). */
export function sameHours<F extends { periods: readonly (TimeRange & { day?: Weekday })[] }>(
  stored: F,
  written: F,
): boolean {
  const keys = Object.keys(written) as (keyof F)[];
  return (
    periodsKey(stored.periods) === periodsKey(written.periods) &&
    keys.every((key) => key === 'periods' || stored[key] === written[key])
  );
}
