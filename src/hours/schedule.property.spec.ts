import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  calendar,
  type HoursException,
  hoursForDate,
  periodProblems,
  type ResolvedPeriod,
  type Schedule,
  status,
  StatusMemo,
  type TimeRange,
  todayIn,
  WEEKDAYS,
  type WeeklyPeriod,
} from './schedule.js';

const NUM_RUNS = 300;
const ZONES = ['America/New_York', 'Europe/London', 'Pacific/Auckland', 'Asia/Kolkata', 'UTC'] as const;
/** Times are multiples of half an hour, so periods often open or close right at a change of clocks. */
const STEP = 30;
const DAY = 24 * 60;
const WEEK = 7 * DAY;
const BASE = DateTime.fromISO('2026-07-02T00:00:00Z', { zone: 'utc' });
const MS_PER_DAY = 86_400_000;

const pad = (n: number): string => String(n).padStart(2, '0');
const hhmm = (minutes: number): string => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
const addDays = (date: string, days: number): string =>
  DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() ?? date;
const daysBetween = (from: string, to: string): number =>
  Math.round(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days);

interface Span {
  start: number;
  end: number;
}

/**
 * Disjoint spans (minutes) on a cycle: from a starting offset, alternately skip a gap (often none, so that periods
 * meet) and take a period shorter than a day, until the cycle is used up. A span may run past the cycle's end
 * (Sunday into Monday).
 */
const spans = (cycle: number, maxSpans: number): fc.Arbitrary<Span[]> =>
  fc
    .record({
      offset: fc.integer({ min: 0, max: cycle / STEP - 1 }),
      steps: fc.array(
        fc.record({
          gap: fc.oneof(
            { arbitrary: fc.constant(0), weight: 2 },
            { arbitrary: fc.integer({ min: 1, max: (2 * DAY) / STEP }), weight: 3 },
          ),
          length: fc.integer({ min: 1, max: DAY / STEP - 1 }),
        }),
        { maxLength: maxSpans },
      ),
    })
    .map(({ offset, steps }) => {
      const result: Span[] = [];
      let position = offset * STEP;
      for (const { gap, length } of steps) {
        const start = position + gap * STEP;
        const end = start + length * STEP;
        if (end > offset * STEP + cycle) break;
        result.push({ start: start % cycle, end: (start % cycle) + (end - start) });
        position = end;
      }
      return result;
    });

/** A span as local times of the day it starts on; a closing at midnight is written `24:00` or `00:00`. */
function asRange({ start, end }: Span, index: number): TimeRange & { dayIndex: number } {
  const dayIndex = Math.floor(start / DAY);
  const closes = end - dayIndex * DAY;
  return {
    dayIndex,
    opens: hhmm(start % DAY),
    closes: closes === DAY && index % 2 === 0 ? '24:00' : hhmm(closes % DAY),
  };
}

const weeklyPeriods: fc.Arbitrary<WeeklyPeriod[]> = spans(WEEK, 14).chain((list) =>
  fc.shuffledSubarray(
    list.map((span, i) => {
      const { dayIndex, opens, closes } = asRange(span, i);
      return { day: WEEKDAYS[dayIndex], opens, closes };
    }),
    { minLength: list.length, maxLength: list.length },
  ),
);

const exceptionPeriods: fc.Arbitrary<TimeRange[]> = spans(DAY, 3).map((list) =>
  list.map((span, i) => {
    const { opens, closes } = asRange(span, i);
    return { opens, closes };
  }),
);

/** The instants within the test range at which a zone changes its clocks, found with Luxon. */
function clockChanges(zone: string): number[] {
  const changes: number[] = [];
  for (let day = -401; day <= 401; day++) {
    const start = BASE.plus({ days: day }).setZone(zone);
    const end = start.plus({ hours: 24 });
    if (start.offset === end.offset) continue;
    // Narrow the change down to the minute.
    let [low, high] = [start.toMillis(), end.toMillis()];
    while (high - low > 60_000) {
      const middle = Math.floor((low + high) / 2 / 60_000) * 60_000;
      if (DateTime.fromMillis(middle, { zone }).offset === start.offset) low = middle;
      else high = middle;
    }
    changes.push(high);
  }
  return changes;
}

const CLOCK_CHANGES = new Map(ZONES.map((zone) => [zone, clockChanges(zone)]));

/**
 * An instant within 400 days of mid-2026: anywhere, on a half hour (where periods open and close), or on a half
 * hour within two days of one of the zone's changes of clocks.
 */
const instant = (zone: (typeof ZONES)[number]): fc.Arbitrary<Date> => {
  const changes = CLOCK_CHANGES.get(zone) ?? [];
  const arbitraries: fc.Arbitrary<number>[] = [
    fc.integer({ min: -400 * 86_400, max: 400 * 86_400 }).map((s) => BASE.toMillis() + s * 1000),
    fc.integer({ min: -400 * 48, max: 400 * 48 }).map((h) => BASE.toMillis() + h * 1_800_000),
  ];
  if (changes.length > 0) {
    arbitraries.push(
      fc
        .record({ change: fc.constantFrom(...changes), shift: fc.integer({ min: -96, max: 96 }) })
        .map(({ change, shift }) => change + shift * 1_800_000),
    );
  }
  return fc.oneof(...arbitraries).map((ms) => new Date(ms));
};

/** An exception as days relative to some date. */
interface ExceptionDraft {
  from: number;
  days: number;
  closed: boolean;
  periods: TimeRange[];
  label: string;
}

const exceptionDrafts: fc.Arbitrary<ExceptionDraft[]> = fc.array(
  fc.record({
    from: fc.integer({ min: -20, max: 40 }),
    days: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 30 })),
    closed: fc.boolean(),
    periods: exceptionPeriods,
    label: fc.constantFrom('Holiday', 'Training', 'Short day'),
  }),
  { maxLength: 4 },
);

/** The drafts as exceptions around a date, leaving out any that would overlap one placed before. */
function placeExceptions(around: string, drafts: readonly ExceptionDraft[]): HoursException[] {
  const placed: HoursException[] = [];
  for (const draft of [...drafts].sort((a, b) => a.from - b.from)) {
    const startDate = addDays(around, draft.from);
    const endDate = addDays(startDate, draft.days - 1);
    if (placed.some((e) => e.endDate >= startDate)) continue;
    placed.push({
      startDate,
      endDate,
      closed: draft.closed,
      periods: draft.closed ? [] : draft.periods,
      label: draft.label,
    });
  }
  return placed;
}

/** A schedule and an instant; the exceptions lie around the instant, so that they matter. */
const scenario = fc
  .constantFrom(...ZONES)
  .chain((zone) =>
    fc.record({ zone: fc.constant(zone), periods: weeklyPeriods, drafts: exceptionDrafts, at: instant(zone) }),
  )
  .map(({ zone, periods, drafts, at }) => {
    const schedule: Schedule = {
      timeZone: zone,
      periods,
      exceptions: placeExceptions(todayIn(zone, at), drafts),
    };
    return { schedule, at };
  });

const contains = (p: ResolvedPeriod, at: Date): boolean =>
  p.opensAt.getTime() <= at.getTime() && at.getTime() < p.closesAt.getTime();

/** Every resolved period starting on the dates from `from` to `to`. */
function periodsBetween(schedule: Schedule, from: string, to: string): ResolvedPeriod[] {
  return calendar(schedule, from, daysBetween(from, to) + 1).flatMap((day) => day.periods);
}

describe('schedule properties', () => {
  it('generates schedules that periodProblems accepts', () => {
    fc.assert(
      fc.property(scenario, ({ schedule }) => {
        expect(periodProblems(schedule.periods)).toEqual([]);
        for (const exception of schedule.exceptions) expect(periodProblems(exception.periods)).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is open exactly when the instant lies in a period of its local date or the day before', () => {
    fc.assert(
      fc.property(scenario, ({ schedule, at }) => {
        const today = todayIn(schedule.timeZone, at);
        const around = [
          ...hoursForDate(schedule, addDays(today, -1)).periods,
          ...hoursForDate(schedule, today).periods,
        ];
        const result = status(schedule, at);
        expect(result.isOpen).toBe(around.some((p) => contains(p, at)));
        expect(result.isOpen).toBe(result.currentPeriod !== null);
        if (result.currentPeriod) {
          expect(contains(result.currentPeriod, at)).toBe(true);
          if (result.nextClosesAt) expect(result.nextClosesAt).toEqual(result.currentPeriod.closesAt);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds the next opening: after the instant, a resolved period’s start, with nothing opening in between', () => {
    fc.assert(
      fc.property(scenario, ({ schedule, at }) => {
        const result = status(schedule, at);
        const today = todayIn(schedule.timeZone, at);
        if (result.nextOpensAt === null) {
          if (!result.isOpen) {
            const ahead = periodsBetween(schedule, addDays(today, -1), addDays(today, 20));
            expect(ahead.filter((p) => p.opensAt.getTime() > at.getTime())).toEqual([]);
          }
          return;
        }
        const next = result.nextOpensAt.getTime();
        expect(next).toBeGreaterThan(at.getTime());
        const until = todayIn(schedule.timeZone, result.nextOpensAt);
        const periods = periodsBetween(schedule, addDays(today, -1), until);
        expect(periods.some((p) => p.opensAt.getTime() === next)).toBe(true);
        // The next stretch does not continue an earlier period.
        expect(periods.some((p) => p.closesAt.getTime() === next)).toBe(false);
        // Between the instant and the next opening, periods open only as part of the current stretch.
        const currentEnd = result.currentPeriod?.closesAt.getTime() ?? Number.NEGATIVE_INFINITY;
        for (const p of periods) {
          const opensAt = p.opensAt.getTime();
          if (opensAt > at.getTime() && opensAt < next) expect(opensAt).toBeLessThanOrEqual(currentEnd);
        }
        if (!result.isOpen && result.nextClosesAt) expect(result.nextClosesAt.getTime()).toBeGreaterThan(next);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('remembers a status only while it holds: the same answers as computing each instant afresh', () => {
    fc.assert(
      fc.property(
        scenario,
        // Steps forward of up to a day (often within minutes), sometimes a step back.
        fc.array(
          fc.oneof(fc.integer({ min: 0, max: 30 * 60_000 }), fc.integer({ min: -DAY * 60_000, max: DAY * 60_000 })),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        ({ schedule, at }, steps) => {
          const memo = new StatusMemo();
          let t = at.getTime();
          for (const step of steps) {
            t += step;
            expect(memo.status(schedule, new Date(t))).toEqual(status(schedule, new Date(t)));
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('resolves a calendar into periods that are neither empty nor overlapping', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: -5, max: 30 }), ({ schedule, at }, shift) => {
        const from = addDays(todayIn(schedule.timeZone, at), shift);
        const days = calendar(schedule, from, 14);
        expect(days.map((d) => d.date)).toEqual(Array.from({ length: 14 }, (_, i) => addDays(from, i)));
        const periods = days.flatMap((day) => {
          for (const p of day.periods) expect(p.date).toBe(day.date);
          return day.periods;
        });
        for (const p of periods) expect(p.closesAt.getTime()).toBeGreaterThan(p.opensAt.getTime());
        const sorted = [...periods].sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime());
        for (let i = 1; i < sorted.length; i++) {
          expect(sorted[i].opensAt.getTime()).toBeGreaterThanOrEqual(sorted[i - 1].closesAt.getTime());
        }
        // No period is longer than a day and the hour a change of clocks may add.
        for (const p of periods) {
          expect(p.closesAt.getTime() - p.opensAt.getTime()).toBeLessThanOrEqual(MS_PER_DAY + 3_600_000);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
