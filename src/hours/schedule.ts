/**
 * The time-zone logic of operating hours: which periods a schedule has on a local date, whether it is open at an
 * instant, and when that next changes. Pure functions over plain data; every conversion between local wall-clock
 * time and instants goes through Luxon.
 *
 * Wall-clock rules:
 * - A period starts on its local date at `opens`. When `closes` <= `opens` it runs past midnight and closes on the
 *   next local date; `24:00` is the next day's 00:00.
 * - An opening at an ambiguous local time (the repeated hour of a fall-back day) is its EARLIER occurrence, a
 *   closing at an ambiguous time its LATER one, so 01:00–03:00 on a fall-back day lasts three hours.
 * - A local time that does not exist (the gap of a spring-forward day) is shifted forward, as Luxon does: 02:30 on
 *   2026-03-08 in New York is 03:30 EDT. A period that this leaves empty (02:30–03:15) does not occur.
 * - Where those two rules make neighbouring periods overlap (00:00–01:30 then 01:30–03:00 on a fall-back day: the
 *   first closes at the later 01:30, the second opens at the earlier one), the later period opens when the earlier
 *   one closes, so resolved periods never overlap.
 */
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import { remembered } from '../common/memo/remembered.js';
import { TIME_OF_DAY_PATTERN } from '../common/validation/decorators.js';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local times of day as `HH:mm`; `closes` may be `24:00`. */
export interface TimeRange {
  opens: string;
  closes: string;
}

export interface WeeklyPeriod extends TimeRange {
  day: Weekday;
}

/** Replaces the weekly pattern on each local date from `startDate` to `endDate` (inclusive, `YYYY-MM-DD`). */
export interface HoursException {
  startDate: string;
  endDate: string;
  closed: boolean;
  periods: TimeRange[];
  label: string;
}

export interface Schedule {
  timeZone: string;
  periods: WeeklyPeriod[];
  exceptions: HoursException[];
}

/** A period on a particular local date, with the instants it opens and closes. */
export interface ResolvedPeriod {
  date: string;
  opens: string;
  closes: string;
  opensAt: Date;
  closesAt: Date;
  exception: { label: string } | null;
}

export interface DayHours {
  date: string;
  /** The periods that start on `date`, in order. */
  periods: ResolvedPeriod[];
  exception: { label: string } | null;
}

export interface HoursStatus {
  isOpen: boolean;
  /** The stretch of back-to-back periods that contains the instant, merged into one. */
  currentPeriod: ResolvedPeriod | null;
  nextOpensAt: Date | null;
  nextClosesAt: Date | null;
  /** The exception covering the local date of the instant. */
  exception: { label: string } | null;
}

export interface PeriodProblem {
  index: number;
  field: 'opens' | 'closes';
  message: string;
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** The status look-ahead runs at least this many days past today and past the last exception. */
const LOOK_AHEAD_DAYS = 8;
/** Extra days the look-ahead may run to find where a stretch that is already under way closes. */
const STRETCH_DAYS = 8;
/** How far back the status looks for the start of a stretch that is under way. */
const LOOK_BACK_DAYS = 14;
/**
 * The furthest the status looks ahead, whatever the exceptions: each day costs time zone arithmetic, so an exception
 * years away on a schedule that never closes must not make every status request slow.
 */
export const MAX_LOOK_AHEAD_DAYS = 400;

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

/**
 * An IANA time zone name that Luxon (through `Intl`) knows: `America/New_York`, `UTC`, `Etc/UTC`, and the legacy
 * tzdb names such as `EST5EDT` or `US/Eastern` (real tzdb entries, links to a canonical zone). Like `Intl`, the name
 * is matched case-insensitively. Fixed offsets (`+02:00`, `UTC+2`), Luxon's `local`/`system` and unknown names are
 * rejected.
 */
export function isValidTimeZone(zone: string): boolean {
  // Must start with a letter: offsets such as `+02:00` are not names (newer `Intl` versions accept them).
  if (typeof zone !== 'string' || !/^[A-Za-z]/.test(zone)) return false;
  // `UTC+2` and friends are Luxon fixed-offset zones, not IANA names (`Etc/GMT+5` is IANA and passes this test).
  if (/^(?:UTC|GMT|UT)[+-]/i.test(zone)) return false;
  return IANAZone.isValidZone(zone);
}

const isTimeOfDay = (value: unknown): value is string => typeof value === 'string' && TIME_OF_DAY_PATTERN.test(value);

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Minutes from the start of the period's own day to its closing (past 1440 when it runs past midnight). */
function closingMinutes(opens: number, closes: number): number {
  return closes <= opens ? closes + MINUTES_PER_DAY : closes;
}

/**
 * What is wrong with a list of periods: an invalid time (naming the field), `opens` of `24:00`, `closes` equal to
 * `opens`, and periods that overlap. Periods with a `day` are a weekly pattern, so an overnight period may overlap
 * the next day's periods and Sunday's may overlap Monday's. Periods without one (an exception's) repeat every day
 * of the exception, so an overnight period may overlap the next day's copy of an early one. A list that mixes the
 * two checks only the periods with a day for overlaps. Each overlap is reported once, on the later period of the
 * pair, as `periods.2 overlaps periods.0 on monday`; periods that merely touch (one closes at 12:00, the next opens
 * at 12:00) do not overlap.
 */
export function periodProblems(periods: readonly (TimeRange & { day?: Weekday })[]): PeriodProblem[] {
  const problems: PeriodProblem[] = [];
  const weekly = periods.some((p) => p.day !== undefined);
  const spans: { index: number; start: number; end: number }[] = [];

  periods.forEach((period, index) => {
    const opensOk = isTimeOfDay(period.opens);
    const closesOk = isTimeOfDay(period.closes);
    if (!opensOk) {
      problems.push({ index, field: 'opens', message: 'opens must be a time of day as HH:mm (00:00 to 23:59)' });
    } else if (period.opens === '24:00') {
      problems.push({ index, field: 'opens', message: 'opens must be before 24:00 (use 00:00 of the next day)' });
    }
    if (!closesOk) {
      problems.push({ index, field: 'closes', message: 'closes must be a time of day as HH:mm (00:00 to 24:00)' });
    } else if (opensOk && period.closes === period.opens) {
      problems.push({ index, field: 'closes', message: 'closes must differ from opens' });
    }
    if (problems.some((p) => p.index === index)) return;

    const dayIndex = weekly ? (period.day === undefined ? -1 : WEEKDAYS.indexOf(period.day)) : 0;
    if (dayIndex < 0) return;
    const opens = minutesOf(period.opens);
    const start = dayIndex * MINUTES_PER_DAY + opens;
    spans.push({ index, start, end: dayIndex * MINUTES_PER_DAY + closingMinutes(opens, minutesOf(period.closes)) });
  });

  const cycle = weekly ? MINUTES_PER_WEEK : MINUTES_PER_DAY;
  for (let j = 0; j < spans.length; j++) {
    const later = spans[j];
    for (let i = 0; i < j; i++) {
      const earlier = spans[i];
      const overlap = cyclicOverlap(earlier, later, cycle);
      if (overlap === null) continue;
      const where = weekly
        ? ` on ${WEEKDAYS[Math.floor(overlap.at / MINUTES_PER_DAY)]}`
        : overlap.wraps
          ? ' on the next day'
          : '';
      // The field of the later period that lies inside the earlier one: its opening, or else its closing.
      const field = overlap.at === later.start % cycle ? 'opens' : 'closes';
      problems.push({
        index: later.index,
        field,
        message: `periods.${later.index} overlaps periods.${earlier.index}${where}`,
      });
      break;
    }
  }
  return problems.sort((a, b) => a.index - b.index);
}

/** Where (minutes into the cycle) two spans on a cycle first overlap, and whether across the cycle's end; null when they do not. */
function cyclicOverlap(
  a: { start: number; end: number },
  b: { start: number; end: number },
  cycle: number,
): { at: number; wraps: boolean } | null {
  for (const shift of [-cycle, 0, cycle]) {
    const start = Math.max(a.start, b.start + shift);
    const end = Math.min(a.end, b.end + shift);
    if (start < end) return { at: ((start % cycle) + cycle) % cycle, wraps: shift !== 0 };
  }
  return null;
}

/** Whether two inclusive date ranges share a date. */
export function exceptionsOverlap(
  a: Pick<HoursException, 'startDate' | 'endDate'>,
  b: Pick<HoursException, 'startDate' | 'endDate'>,
): boolean {
  return a.startDate <= b.endDate && b.startDate <= a.endDate;
}

// ---------------------------------------------------------------------------------------------------------------
// Dates and instants
// ---------------------------------------------------------------------------------------------------------------

/** Zones already found valid: checking one builds an `Intl.DateTimeFormat`, which costs more than resolving a day. */
const knownZones = new Set<string>();

function assertZone(zone: string): void {
  if (knownZones.has(zone)) return;
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${JSON.stringify(zone)}`);
  if (knownZones.size < 1000) knownZones.add(zone);
}

const UTC = FixedOffsetZone.utcInstance;

/** The parts of a `YYYY-MM-DD` string (already known to be a date). */
const partsOf = (date: string): { year: number; month: number; day: number } => ({
  year: Number(date.slice(0, 4)),
  month: Number(date.slice(5, 7)),
  day: Number(date.slice(8, 10)),
});

/** A calendar date as a Luxon date in UTC: for date arithmetic only, no time zone involved. */
function calendarDate(date: string): DateTime<true> {
  const parsed =
    typeof date === 'string' && DATE_PATTERN.test(date) ? DateTime.fromObject(partsOf(date), { zone: UTC }) : null;
  if (!parsed?.isValid) throw new RangeError(`Not a date as YYYY-MM-DD: ${JSON.stringify(date)}`);
  return parsed;
}

/** The local date `days` after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return calendarDate(date).plus({ days }).toISODate();
}

/** Whole days from `from` to `to` (negative when `to` comes first). */
export function daysBetween(from: string, to: string): number {
  return calendarDate(to).diff(calendarDate(from), 'days').days;
}

function weekdayOf(date: string): Weekday {
  return WEEKDAYS[calendarDate(date).weekday - 1];
}

/**
 * The instant of a local wall-clock time: `minutes` after the start of `date` (1440 and more reach into the next
 * days). At an ambiguous time `earliest` picks the first occurrence, otherwise the last; a nonexistent time is
 * shifted forward by Luxon.
 *
 * Remembered: it is pure (the time zone data is the process's) and costly (Luxon asks `Intl` for the zone's offset
 * at several instants), and every status, calendar and "next opening" resolves the same few local times of the days
 * around its instant, again and again. 10,000 kept: about a megabyte at most.
 */
const localInstant = remembered(
  10_000,
  (date: string, minutes: number, zone: string, earliest: boolean) =>
    `${zone} ${date} ${minutes} ${earliest ? 'earliest' : 'latest'}`,
  computeLocalInstant,
);

function computeLocalInstant(date: string, minutes: number, zone: string, earliest: boolean): number {
  const days = Math.floor(minutes / MINUTES_PER_DAY);
  const minute = minutes % MINUTES_PER_DAY;
  const local = DateTime.fromObject(
    { ...partsOf(days === 0 ? date : addDays(date, days)), hour: Math.floor(minute / 60), minute: minute % 60 },
    { zone },
  );
  const candidates = local.getPossibleOffsets().map((dt) => dt.toMillis());
  if (candidates.length === 0) return local.toMillis();
  return earliest ? Math.min(...candidates) : Math.max(...candidates);
}

/**
 * Whole seconds (rounded up) from `at` to the next local midnight in a zone: when "today" there changes. Counted
 * on the clock, so a daylight-saving day is 23 or 25 hours long; a zone whose midnight is skipped starts its day
 * at the first instant that exists.
 */
export function secondsUntilNextLocalDay(timeZone: string, at: Date): number {
  assertZone(timeZone);
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  if (!local.isValid) throw new RangeError('Not a valid instant');
  const next = local.startOf('day').plus({ days: 1 });
  return Math.ceil((next.toMillis() - at.getTime()) / 1000);
}

/** The local date (`YYYY-MM-DD`) of an instant in a zone. */
export function todayIn(timeZone: string, at: Date): string {
  assertZone(timeZone);
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  if (!local.isValid) throw new RangeError('Not a valid instant');
  return local.toISODate();
}

// ---------------------------------------------------------------------------------------------------------------
// Resolving periods
// ---------------------------------------------------------------------------------------------------------------

/** The exception that covers a local date: the first one listed, should several (wrongly) overlap. */
function exceptionOn(schedule: Schedule, date: string): HoursException | null {
  return schedule.exceptions.find((e) => e.startDate <= date && date <= e.endDate) ?? null;
}

const labelOf = (exception: HoursException | null): { label: string } | null =>
  exception ? { label: exception.label } : null;

/** The periods that start on a date as its pattern says, before neighbouring periods are taken into account. */
function rawPeriods(schedule: Schedule, date: string): ResolvedPeriod[] {
  const exception = exceptionOn(schedule, date);
  let ranges: readonly TimeRange[];
  if (exception) {
    ranges = exception.closed ? [] : exception.periods;
  } else {
    const weekday = weekdayOf(date);
    ranges = schedule.periods.filter((p) => p.day === weekday);
  }
  const resolved: ResolvedPeriod[] = [];
  for (const { opens, closes } of ranges) {
    // Invalid periods are refused by periodProblems on the way in; here they are simply ignored.
    if (!isTimeOfDay(opens) || !isTimeOfDay(closes) || opens === '24:00') continue;
    const opensMin = minutesOf(opens);
    const closesMin = minutesOf(closes);
    if (opensMin === closesMin) continue;
    resolved.push({
      date,
      opens,
      closes,
      opensAt: new Date(localInstant(date, opensMin, schedule.timeZone, true)),
      closesAt: new Date(localInstant(date, closingMinutes(opensMin, closesMin), schedule.timeZone, false)),
      exception: labelOf(exception),
    });
  }
  return resolved.sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime());
}

const isEmpty = (p: ResolvedPeriod): boolean => p.closesAt.getTime() <= p.opensAt.getTime();

/** Resolves the dates of one schedule, remembering each date's periods for the length of one call. */
class Resolver {
  private readonly raw = new Map<string, ResolvedPeriod[]>();

  constructor(readonly schedule: Schedule) {
    assertZone(schedule.timeZone);
  }

  /** The periods that start on a date, each opening no earlier than the periods before it close. */
  day(date: string): DayHours {
    let fence = Number.NEGATIVE_INFINITY;
    for (const p of this.rawPeriods(addDays(date, -1))) {
      if (!isEmpty(p)) fence = Math.max(fence, p.closesAt.getTime());
    }
    const periods: ResolvedPeriod[] = [];
    for (const raw of this.rawPeriods(date)) {
      const p = raw.opensAt.getTime() < fence ? { ...raw, opensAt: new Date(fence) } : raw;
      if (isEmpty(p)) continue;
      periods.push(p);
      fence = Math.max(fence, p.closesAt.getTime());
    }
    return { date, periods, exception: labelOf(exceptionOn(this.schedule, date)) };
  }

  /** The first instant of a local date (its earlier occurrence, should midnight repeat). */
  startOf(date: string): number {
    return localInstant(date, 0, this.schedule.timeZone, true);
  }

  private rawPeriods(date: string): ResolvedPeriod[] {
    let periods = this.raw.get(date);
    if (!periods) {
      periods = rawPeriods(this.schedule, date);
      this.raw.set(date, periods);
    }
    return periods;
  }
}

/**
 * The periods that start on a local date (the exception covering the date replaces the weekly pattern). A period
 * of the day before that runs past midnight is not listed, but a period of this day opens no earlier than it
 * closes.
 */
export function hoursForDate(schedule: Schedule, date: string): DayHours {
  calendarDate(date);
  return new Resolver(schedule).day(date);
}

/** `days` consecutive local dates from `from`, each as {@link hoursForDate} resolves it. */
export function calendar(schedule: Schedule, from: string, days: number): DayHours[] {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Not a number of days: ${days}`);
  calendarDate(from);
  const resolver = new Resolver(schedule);
  return Array.from({ length: days }, (_, i) => resolver.day(addDays(from, i)));
}

// ---------------------------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------------------------

/** Back-to-back periods merged: `first` and `last` are the periods it starts and ends with. */
interface Stretch {
  first: ResolvedPeriod;
  last: ResolvedPeriod;
  opensAt: number;
  closesAt: number;
  /** Still going at the end of the look-ahead: its real closing is unknown. */
  unbounded: boolean;
}

/**
 * Whether a schedule is open at an instant, and its next opening and closing. Periods that touch (one closes as the
 * next opens, also across midnight) count as one stretch. The look-ahead runs to at least 8 days past the local
 * date, and 8 days past the last exception, so that a long closure is skipped, but never further than
 * MAX_LOOK_AHEAD_DAYS. A change beyond the look-ahead is unknown: `nextOpensAt` is null when nothing opens within
 * it, and a stretch still under way at its end (a schedule open around the clock) has no known closing, so
 * `nextClosesAt` is null.
 */
export function status(schedule: Schedule, at: Date): HoursStatus {
  const t = at.getTime();
  const today = todayIn(schedule.timeZone, at);
  const resolver = new Resolver(schedule);
  const lastException = schedule.exceptions.reduce((max, e) => (e.endDate > max ? e.endDate : max), today);
  const daysAhead = Math.min(daysBetween(today, lastException) + LOOK_AHEAD_DAYS + STRETCH_DAYS, MAX_LOOK_AHEAD_DAYS);
  const horizon = addDays(today, daysAhead);
  // Past year 9999 Luxon writes dates with a sign and six digits, which no longer sort as strings.
  const lastDate = DATE_PATTERN.test(horizon) ? horizon : '9999-12-31';
  const found: { current: Stretch | null; next: Stretch | null } = { current: null, next: null };

  /** Files a finished stretch; true once the first stretch opening after the instant is known. */
  const finish = (stretch: Stretch): boolean => {
    if (stretch.closesAt <= t) return false;
    if (stretch.opensAt <= t) {
      found.current = stretch;
      return false;
    }
    found.next = stretch;
    return true;
  };

  let building: Stretch | null = null;
  let date: string | null = addDays(today, -1);
  scan: while (date !== null) {
    for (const p of resolver.day(date).periods) {
      const opensAt = p.opensAt.getTime();
      const closesAt = p.closesAt.getTime();
      if (building && opensAt <= building.closesAt) {
        if (closesAt > building.closesAt) {
          building.closesAt = closesAt;
          building.last = p;
        }
        continue;
      }
      if (building && finish(building)) break scan;
      building = { first: p, last: p, opensAt, closesAt, unbounded: false };
    }
    const following = nextDateWithPeriods(schedule, date, lastDate);
    if (building) {
      // No later period opens before the start of `following`: a stretch that closes before then is over. One
      // that reaches past the look-ahead has no known end.
      const dayAfter = addDays(date, 1);
      const goesOn =
        following !== null
          ? building.closesAt >= resolver.startOf(following)
          : dayAfter > lastDate && building.closesAt >= resolver.startOf(dayAfter);
      if (!goesOn || following === null) {
        building.unbounded = goesOn;
        const stretch: Stretch = building;
        building = null;
        if (finish(stretch)) break;
      }
    }
    date = following;
  }

  const { current, next } = found;
  if (current && current.first.date < today) extendBackwards(resolver, current);
  const closingOf = (s: Stretch | null): Date | null => (s && !s.unbounded ? new Date(s.closesAt) : null);
  return {
    isOpen: current !== null,
    currentPeriod: current ? merged(current) : null,
    nextOpensAt: next ? new Date(next.opensAt) : null,
    nextClosesAt: current ? closingOf(current) : closingOf(next),
    exception: labelOf(exceptionOn(schedule, today)),
  };
}

/**
 * The first date after `date`, up to `lastDate`, on which periods may start; null when there is none. Closures are
 * jumped over, and so are the days between exceptions when there is no weekly pattern, so neither costs anything.
 */
function nextDateWithPeriods(schedule: Schedule, date: string, lastDate: string): string | null {
  let candidate = addDays(date, 1);
  while (candidate <= lastDate) {
    const exception = exceptionOn(schedule, candidate);
    if (exception && !exception.closed) return candidate;
    if (!exception && schedule.periods.length > 0) return candidate;
    // Nothing starts until the next exception that begins after this date (or, in a closure, after it ends).
    const from = exception ? exception.endDate : candidate;
    const starts = schedule.exceptions.map((e) => e.startDate).filter((start) => start > candidate);
    const nextStart = starts.length > 0 ? starts.reduce((min, start) => (start < min ? start : min)) : null;
    if (exception) {
      candidate = nextStart !== null && nextStart <= from ? nextStart : addDays(from, 1);
    } else {
      if (nextStart === null) return null;
      candidate = nextStart;
    }
  }
  return null;
}

/** Moves a stretch's start back over periods of earlier dates that close exactly when it opens. */
function extendBackwards(resolver: Resolver, stretch: Stretch): void {
  let date = stretch.first.date;
  for (let i = 0; i < LOOK_BACK_DAYS; i++) {
    date = addDays(date, -1);
    const periods = resolver.day(date).periods;
    let extended = false;
    for (let k = periods.length - 1; k >= 0; k--) {
      const p = periods[k];
      if (p.opensAt.getTime() >= stretch.opensAt) continue;
      if (p.closesAt.getTime() < stretch.opensAt) break;
      stretch.opensAt = p.opensAt.getTime();
      stretch.first = p;
      extended = true;
    }
    if (!extended || stretch.first !== periods[0]) return;
  }
}

function merged(stretch: Stretch): ResolvedPeriod {
  return {
    date: stretch.first.date,
    opens: stretch.first.opens,
    closes: stretch.last.closes,
    opensAt: new Date(stretch.opensAt),
    closesAt: new Date(stretch.closesAt),
    exception: stretch.first.exception,
  };
}

/**
 * `status` for instants that mostly move forward (now, request after request), computed again only when the answer
 * can change: at the next opening or closing, or the next local midnight (today's exception). Keyed by the schedule
 * object, so a changed schedule (a new object) starts afresh; an instant before the one it computed at is computed.
 */
export class StatusMemo {
  private readonly known = new WeakMap<Schedule, { from: number; until: number; status: HoursStatus }>();

  status(schedule: Schedule, at: Date): HoursStatus {
    const t = at.getTime();
    const known = this.known.get(schedule);
    if (known && known.from <= t && t < known.until) return known.status;
    const result = status(schedule, at);
    const changes = [result.nextOpensAt, result.nextClosesAt]
      .filter((d): d is Date => d !== null && d.getTime() > t)
      .map((d) => d.getTime());
    const midnight = DateTime.fromJSDate(at, { zone: schedule.timeZone }).startOf('day').plus({ days: 1 }).toMillis();
    const until = Math.min(...changes, midnight);
    this.known.set(schedule, { from: t, until, status: result });
    return result;
  }
}

/**
 * Whole seconds (rounded up) from `at` to the sooner of the next opening and the next closing that are after it;
 * null when there is neither. Meant to cap how long a status may be cached.
 */
export function secondsUntilNextChange(status: HoursStatus, at: Date): number | null {
  const t = at.getTime();
  const changes = [status.nextOpensAt, status.nextClosesAt]
    .filter((d): d is Date => d !== null && d.getTime() > t)
    .map((d) => d.getTime());
  if (changes.length === 0) return null;
  return Math.ceil((Math.min(...changes) - t) / 1000);
}
