import {
  calendar,
  exceptionsOverlap,
  type HoursException,
  type HoursStatus,
  hoursForDate,
  isValidTimeZone,
  MAX_LOOK_AHEAD_DAYS,
  periodProblems,
  type ResolvedPeriod,
  type Schedule,
  secondsUntilNextChange,
  secondsUntilNextLocalDay,
  status,
  type TimeRange,
  todayIn,
  type Weekday,
  type WeeklyPeriod,
} from './schedule.js';

const NY = 'America/New_York';
const WORKDAYS: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const EVERY_DAY: Weekday[] = [...WORKDAYS, 'saturday', 'sunday'];

const on = (days: Weekday[], opens: string, closes: string): WeeklyPeriod[] =>
  days.map((day) => ({ day, opens, closes }));

const schedule = (timeZone: string, periods: WeeklyPeriod[], exceptions: HoursException[] = []): Schedule => ({
  timeZone,
  periods,
  exceptions,
});

const closedOn = (startDate: string, endDate: string, label: string): HoursException => ({
  startDate,
  endDate,
  closed: true,
  periods: [],
  label,
});

/** A resolved period with its instants as ISO strings, to keep the tables readable. */
const period = (
  date: string,
  opens: string,
  closes: string,
  opensAt: string,
  closesAt: string,
  exception: string | null = null,
): ResolvedPeriod => ({
  date,
  opens,
  closes,
  opensAt: new Date(opensAt),
  closesAt: new Date(closesAt),
  exception: exception === null ? null : { label: exception },
});

const open = (
  currentPeriod: ResolvedPeriod,
  nextOpensAt: string | null,
  exception: string | null = null,
): HoursStatus => ({
  isOpen: true,
  currentPeriod,
  nextOpensAt: nextOpensAt === null ? null : new Date(nextOpensAt),
  nextClosesAt: currentPeriod.closesAt,
  exception: exception === null ? null : { label: exception },
});

const closed = (
  nextOpensAt: string | null,
  nextClosesAt: string | null,
  exception: string | null = null,
): HoursStatus => ({
  isOpen: false,
  currentPeriod: null,
  nextOpensAt: nextOpensAt === null ? null : new Date(nextOpensAt),
  nextClosesAt: nextClosesAt === null ? null : new Date(nextClosesAt),
  exception: exception === null ? null : { label: exception },
});

// New York, Monday to Friday 09:00–17:00. June 2026 is EDT (UTC−4); 2026-06-15 is a Monday.
const office = schedule(NY, on(WORKDAYS, '09:00', '17:00'));
const monday = period('2026-06-15', '09:00', '17:00', '2026-06-15T13:00:00Z', '2026-06-15T21:00:00Z');

// Bars of a sort: Friday and Saturday 20:00–02:00.
const lateNight = schedule(NY, on(['friday', 'saturday'], '20:00', '02:00'), [
  closedOn('2026-06-27', '2026-06-27', 'Staff party'),
]);
const fridayNight = period('2026-06-19', '20:00', '02:00', '2026-06-20T00:00:00Z', '2026-06-20T06:00:00Z');

// The end of 2026 (EST, UTC−5): a winter break over a weekend, a short New Year's Eve, New Year's Day closed.
const winter = schedule(NY, on(WORKDAYS, '09:00', '17:00'), [
  closedOn('2026-12-24', '2026-12-28', 'Winter break'),
  {
    startDate: '2026-12-31',
    endDate: '2026-12-31',
    closed: false,
    periods: [{ opens: '09:00', closes: '13:00' }],
    label: 'New Year’s Eve',
  },
  closedOn('2027-01-01', '2027-01-01', 'New Year’s Day'),
]);

// Friday evening into Saturday morning, as two periods that meet at midnight.
const weekendShift = schedule(NY, [
  { day: 'friday', opens: '18:00', closes: '24:00' },
  { day: 'saturday', opens: '00:00', closes: '06:00' },
]);
const weekendStretch = period('2026-06-19', '18:00', '06:00', '2026-06-19T22:00:00Z', '2026-06-20T10:00:00Z');

describe('status', () => {
  it.each<[string, Schedule, string, HoursStatus]>([
    ['a second before opening', office, '2026-06-15T12:59:59Z', closed('2026-06-15T13:00:00Z', '2026-06-15T21:00:00Z')],
    ['at opening', office, '2026-06-15T13:00:00Z', open(monday, '2026-06-16T13:00:00Z')],
    ['just after opening', office, '2026-06-15T13:00:01Z', open(monday, '2026-06-16T13:00:00Z')],
    ['a second before closing', office, '2026-06-15T20:59:59Z', open(monday, '2026-06-16T13:00:00Z')],
    ['at closing', office, '2026-06-15T21:00:00Z', closed('2026-06-16T13:00:00Z', '2026-06-16T21:00:00Z')],
    ['after closing', office, '2026-06-15T23:30:00Z', closed('2026-06-16T13:00:00Z', '2026-06-16T21:00:00Z')],
    // 18:00 on Friday 2026-06-19 in New York: the weekend is skipped.
    ['a Friday evening', office, '2026-06-19T22:00:00Z', closed('2026-06-22T13:00:00Z', '2026-06-22T21:00:00Z')],
    // Sunday just before midnight in New York is already Monday in UTC.
    ['a Sunday night', office, '2026-06-22T03:59:00Z', closed('2026-06-22T13:00:00Z', '2026-06-22T21:00:00Z')],
    [
      'an overnight period on its first day',
      lateNight,
      '2026-06-20T03:00:00Z',
      open(fridayNight, '2026-06-21T00:00:00Z'),
    ],
    [
      'an overnight period on its second day',
      lateNight,
      '2026-06-20T05:00:00Z',
      open(fridayNight, '2026-06-21T00:00:00Z'),
    ],
    [
      'at the end of an overnight period',
      lateNight,
      '2026-06-20T06:00:00Z',
      closed('2026-06-21T00:00:00Z', '2026-06-21T06:00:00Z'),
    ],
    // Friday night's period runs into Saturday 2026-06-27, which is closed; next Friday is 2026-07-03.
    [
      'an overnight period running into a closed day',
      lateNight,
      '2026-06-27T05:00:00Z',
      open(
        period('2026-06-26', '20:00', '02:00', '2026-06-27T00:00:00Z', '2026-06-27T06:00:00Z'),
        '2026-07-04T00:00:00Z',
        'Staff party',
      ),
    ],
    [
      'the evening of the closed day',
      lateNight,
      '2026-06-28T01:00:00Z',
      closed('2026-07-04T00:00:00Z', '2026-07-04T06:00:00Z', 'Staff party'),
    ],
  ])('%s', (_, hours, at, expected) => {
    expect(status(hours, new Date(at))).toEqual(expected);
  });

  describe('exceptions', () => {
    const holiday = schedule(NY, on(WORKDAYS, '09:00', '17:00'), [
      closedOn('2026-07-03', '2026-07-03', 'Independence Day (observed)'),
      closedOn('2026-08-01', '2026-08-30', 'Summer closure'),
    ]);

    it.each<[string, Schedule, string, HoursStatus]>([
      // Friday 2026-07-03, 10:00 EDT: closed all day, back on Monday.
      [
        'a holiday on a weekday',
        holiday,
        '2026-07-03T14:00:00Z',
        closed('2026-07-06T13:00:00Z', '2026-07-06T21:00:00Z', 'Independence Day (observed)'),
      ],
      [
        'the evening before a holiday',
        holiday,
        '2026-07-02T22:00:00Z',
        closed('2026-07-06T13:00:00Z', '2026-07-06T21:00:00Z'),
      ],
      // Friday 2026-07-31 18:00 EDT: the 30-day closure from Saturday 2026-08-01 is skipped to Monday 2026-08-31.
      [
        'the evening before a long closure',
        holiday,
        '2026-07-31T22:00:00Z',
        closed('2026-08-31T13:00:00Z', '2026-08-31T21:00:00Z'),
      ],
      [
        'the middle of a long closure',
        holiday,
        '2026-08-15T16:00:00Z',
        closed('2026-08-31T13:00:00Z', '2026-08-31T21:00:00Z', 'Summer closure'),
      ],
      // Wednesday 2026-12-23 17:00 EST: the break runs Thursday to Monday.
      [
        'before a range exception spanning a weekend',
        winter,
        '2026-12-23T22:00:00Z',
        closed('2026-12-29T14:00:00Z', '2026-12-29T22:00:00Z'),
      ],
      [
        'during a range exception spanning a weekend',
        winter,
        '2026-12-26T15:00:00Z',
        closed('2026-12-29T14:00:00Z', '2026-12-29T22:00:00Z', 'Winter break'),
      ],
      [
        'the morning of an exception with replacement periods',
        winter,
        '2026-12-31T13:00:00Z',
        closed('2026-12-31T14:00:00Z', '2026-12-31T18:00:00Z', 'New Year’s Eve'),
      ],
      [
        'during a replacement period',
        winter,
        '2026-12-31T15:00:00Z',
        open(
          period('2026-12-31', '09:00', '13:00', '2026-12-31T14:00:00Z', '2026-12-31T18:00:00Z', 'New Year’s Eve'),
          '2027-01-04T14:00:00Z',
          'New Year’s Eve',
        ),
      ],
      // 13:30 EST, after the short day, with New Year's Day closed: back on Monday 2027-01-04.
      [
        'after a replacement period',
        winter,
        '2026-12-31T18:30:00Z',
        closed('2027-01-04T14:00:00Z', '2027-01-04T22:00:00Z', 'New Year’s Eve'),
      ],
    ])('%s', (_, hours, at, expected) => {
      expect(status(hours, new Date(at))).toEqual(expected);
    });
  });

  describe('merged periods', () => {
    const splitDay = schedule(NY, [
      { day: 'monday', opens: '09:00', closes: '12:00' },
      { day: 'monday', opens: '12:00', closes: '17:00' },
    ]);

    it.each<[string, Schedule, string, HoursStatus]>([
      [
        'periods that meet at noon',
        splitDay,
        '2026-06-15T14:00:00Z',
        open(
          period('2026-06-15', '09:00', '17:00', '2026-06-15T13:00:00Z', '2026-06-15T21:00:00Z'),
          '2026-06-22T13:00:00Z',
        ),
      ],
      [
        'at the noon boundary',
        splitDay,
        '2026-06-15T16:00:00Z',
        open(
          period('2026-06-15', '09:00', '17:00', '2026-06-15T13:00:00Z', '2026-06-15T21:00:00Z'),
          '2026-06-22T13:00:00Z',
        ),
      ],
      [
        'before merged periods',
        splitDay,
        '2026-06-15T12:00:00Z',
        closed('2026-06-15T13:00:00Z', '2026-06-15T21:00:00Z'),
      ],
      [
        'a 24:00 close followed by 00:00, before midnight',
        weekendShift,
        '2026-06-20T03:00:00Z',
        open(weekendStretch, '2026-06-26T22:00:00Z'),
      ],
      [
        'a 24:00 close followed by 00:00, at midnight',
        weekendShift,
        '2026-06-20T04:00:00Z',
        open(weekendStretch, '2026-06-26T22:00:00Z'),
      ],
      [
        'a 24:00 close followed by 00:00, after midnight',
        weekendShift,
        '2026-06-20T06:00:00Z',
        open(weekendStretch, '2026-06-26T22:00:00Z'),
      ],
      [
        'before a stretch across midnight',
        weekendShift,
        '2026-06-19T12:00:00Z',
        closed('2026-06-19T22:00:00Z', '2026-06-20T10:00:00Z'),
      ],
    ])('%s', (_, hours, at, expected) => {
      expect(status(hours, new Date(at))).toEqual(expected);
    });
  });

  describe('daylight saving time in New York', () => {
    // 2026-03-08 (spring forward at 02:00) and 2026-11-01 (fall back at 02:00) are Sundays.
    const daily = schedule(NY, on(EVERY_DAY, '09:00', '21:00'));

    it.each<[string, string, HoursStatus]>([
      [
        'the spring-forward day, open',
        '2026-03-08T14:00:00Z',
        open(
          period('2026-03-08', '09:00', '21:00', '2026-03-08T13:00:00Z', '2026-03-09T01:00:00Z'),
          '2026-03-09T13:00:00Z',
        ),
      ],
      [
        'the spring-forward day, early morning',
        '2026-03-08T07:30:00Z',
        closed('2026-03-08T13:00:00Z', '2026-03-09T01:00:00Z'),
      ],
      [
        'the fall-back day, open',
        '2026-11-01T15:00:00Z',
        open(
          period('2026-11-01', '09:00', '21:00', '2026-11-01T14:00:00Z', '2026-11-02T02:00:00Z'),
          '2026-11-02T14:00:00Z',
        ),
      ],
      // 01:30 EST, the second time the clock shows 01:30.
      [
        'the fall-back day, repeated hour',
        '2026-11-01T06:30:00Z',
        closed('2026-11-01T14:00:00Z', '2026-11-02T02:00:00Z'),
      ],
    ])('%s', (_, at, expected) => {
      expect(status(daily, new Date(at))).toEqual(expected);
    });

    it('counts both 01:30s of the fall-back day inside a 01:00–03:00 period', () => {
      const night = schedule(NY, [{ day: 'sunday', opens: '01:00', closes: '03:00' }]);
      const current = period('2026-11-01', '01:00', '03:00', '2026-11-01T05:00:00Z', '2026-11-01T08:00:00Z');
      expect(status(night, new Date('2026-11-01T05:30:00Z'))).toEqual(open(current, '2026-11-08T06:00:00Z'));
      expect(status(night, new Date('2026-11-01T06:30:00Z'))).toEqual(open(current, '2026-11-08T06:00:00Z'));
    });
  });

  it('finds today in the schedule’s zone: Auckland is a day ahead of UTC', () => {
    // 22:00 UTC on Monday 2026-06-15 is 10:00 NZST on Tuesday 2026-06-16.
    const auckland = schedule('Pacific/Auckland', on(WORKDAYS, '08:00', '17:00'));
    expect(status(auckland, new Date('2026-06-15T22:00:00Z'))).toEqual(
      open(
        period('2026-06-16', '08:00', '17:00', '2026-06-15T20:00:00Z', '2026-06-16T05:00:00Z'),
        '2026-06-16T20:00:00Z',
      ),
    );
    // 18:00 UTC on Friday 2026-06-19 is 06:00 on Saturday in Auckland: next open Monday 08:00 NZST.
    expect(status(auckland, new Date('2026-06-19T18:00:00Z'))).toEqual(
      closed('2026-06-21T20:00:00Z', '2026-06-22T05:00:00Z'),
    );
  });

  it('never opens without any period', () => {
    expect(status(schedule(NY, []), new Date('2026-06-15T12:00:00Z'))).toEqual(closed(null, null));
    expect(
      status(schedule('UTC', [], [closedOn('2026-06-15', '2026-06-30', 'Closed')]), new Date('2026-06-15T12:00:00Z')),
    ).toEqual(closed(null, null, 'Closed'));
  });

  it('finds an exception’s periods far ahead when there is no weekly pattern', () => {
    const popUp = schedule(
      'UTC',
      [],
      [
        {
          startDate: '2026-09-01',
          endDate: '2026-09-02',
          closed: false,
          periods: [{ opens: '10:00', closes: '16:00' }],
          label: 'Pop-up',
        },
      ],
    );
    expect(status(popUp, new Date('2026-06-15T12:00:00Z'))).toEqual(
      closed('2026-09-01T10:00:00Z', '2026-09-01T16:00:00Z'),
    );
  });

  it('is not thrown by an exception at the end of time', () => {
    const farAhead = schedule(NY, on(WORKDAYS, '09:00', '17:00'), [closedOn('9999-12-31', '9999-12-31', 'The end')]);
    expect(status(farAhead, new Date('2026-06-15T12:59:59Z'))).toEqual(
      closed('2026-06-15T13:00:00Z', '2026-06-15T21:00:00Z'),
    );
  });

  it('has no closing for a schedule open around the clock (the stretch ends with the look-ahead)', () => {
    const always = schedule('UTC', on(EVERY_DAY, '00:00', '24:00'));
    const at = new Date('2026-06-15T12:00:00Z');
    expect(secondsUntilNextChange(status(always, at), at)).toBeNull();
    // The look-ahead covers 16 days past today, the look-back 14 days before yesterday.
    expect(status(always, at)).toEqual({
      isOpen: true,
      currentPeriod: period('2026-05-31', '00:00', '24:00', '2026-05-31T00:00:00Z', '2026-07-02T00:00:00Z'),
      nextOpensAt: null,
      nextClosesAt: null,
      exception: null,
    });
  });

  describe(`looks ahead at most ${MAX_LOOK_AHEAD_DAYS} days, however far away the exceptions are`, () => {
    const at = new Date('2026-06-15T12:00:00Z');
    const aroundTheClock = (closure: string) =>
      schedule('UTC', on(EVERY_DAY, '00:00', '24:00'), [closedOn(closure, closure, 'Closure')]);

    it('finds a closing within the look-ahead', () => {
      expect(status(aroundTheClock('2027-06-01'), at).nextClosesAt).toEqual(new Date('2027-06-01T00:00:00Z'));
    });

    it('reports no closing beyond it, even for a closure a century away', () => {
      // The stretch ends at the look-ahead, not at the closure: the century in between is never scanned (which
      // took about 10 s before the cap). Asserted by where the stretch ends, not by timing the call.
      const farAway = status(aroundTheClock('2126-01-01'), at);
      expect(farAway).toMatchObject({ isOpen: true, nextOpensAt: null, nextClosesAt: null });
      expect(farAway.currentPeriod?.closesAt).toEqual(new Date('2027-07-21T00:00:00Z'));
      expect(secondsUntilNextChange(farAway, at)).toBeNull();
    });

    it('reports no opening beyond it', () => {
      const popUp = (day: string) =>
        schedule(
          NY,
          [],
          [
            {
              startDate: day,
              endDate: day,
              closed: false,
              periods: [{ opens: '10:00', closes: '16:00' }],
              label: 'Pop-up',
            },
          ],
        );
      expect(status(popUp('2027-07-01'), at)).toEqual(closed('2027-07-01T14:00:00Z', '2027-07-01T20:00:00Z'));
      expect(status(popUp('2027-08-01'), at)).toEqual(closed(null, null));
    });
  });
});

describe('hoursForDate', () => {
  it.each<[string, Schedule, string, ResolvedPeriod[], string | null]>([
    ['a weekday', office, '2026-06-15', [monday], null],
    ['a weekend day', office, '2026-06-20', [], null],
    ['the first day of an overnight period', lateNight, '2026-06-19', [fridayNight], null],
    // Friday's period still runs into Saturday, but only Saturday's own period starts on it.
    [
      'the second day of an overnight period',
      lateNight,
      '2026-06-20',
      [period('2026-06-20', '20:00', '02:00', '2026-06-21T00:00:00Z', '2026-06-21T06:00:00Z')],
      null,
    ],
    ['a closed exception', lateNight, '2026-06-27', [], 'Staff party'],
    ['a day of a range exception', winter, '2026-12-26', [], 'Winter break'],
    [
      'an exception with replacement periods',
      winter,
      '2026-12-31',
      [period('2026-12-31', '09:00', '13:00', '2026-12-31T14:00:00Z', '2026-12-31T18:00:00Z', 'New Year’s Eve')],
      'New Year’s Eve',
    ],
    [
      'a 24:00 close',
      weekendShift,
      '2026-06-19',
      [period('2026-06-19', '18:00', '24:00', '2026-06-19T22:00:00Z', '2026-06-20T04:00:00Z')],
      null,
    ],
    [
      'a 09:00–21:00 day on the spring-forward day lasts 12 hours',
      schedule(NY, on(['sunday'], '09:00', '21:00')),
      '2026-03-08',
      [period('2026-03-08', '09:00', '21:00', '2026-03-08T13:00:00Z', '2026-03-09T01:00:00Z')],
      null,
    ],
    [
      'a 09:00–21:00 day on the fall-back day lasts 12 hours',
      schedule(NY, on(['sunday'], '09:00', '21:00')),
      '2026-11-01',
      [period('2026-11-01', '09:00', '21:00', '2026-11-01T14:00:00Z', '2026-11-02T02:00:00Z')],
      null,
    ],
    [
      'a 01:00–03:00 period on the fall-back day lasts 3 hours (opens at the first 01:00)',
      schedule(NY, on(['sunday'], '01:00', '03:00')),
      '2026-11-01',
      [period('2026-11-01', '01:00', '03:00', '2026-11-01T05:00:00Z', '2026-11-01T08:00:00Z')],
      null,
    ],
    [
      'a 00:00–01:30 period on the fall-back day closes at the second 01:30',
      schedule(NY, on(['sunday'], '00:00', '01:30')),
      '2026-11-01',
      [period('2026-11-01', '00:00', '01:30', '2026-11-01T04:00:00Z', '2026-11-01T06:30:00Z')],
      null,
    ],
    // The second period opens when the first closes (the second 01:30), so the two do not overlap.
    [
      'periods meeting at an ambiguous time',
      schedule(NY, [
        { day: 'sunday', opens: '00:00', closes: '01:30' },
        { day: 'sunday', opens: '01:30', closes: '03:00' },
      ]),
      '2026-11-01',
      [
        period('2026-11-01', '00:00', '01:30', '2026-11-01T04:00:00Z', '2026-11-01T06:30:00Z'),
        period('2026-11-01', '01:30', '03:00', '2026-11-01T06:30:00Z', '2026-11-01T08:00:00Z'),
      ],
      null,
    ],
    [
      'a 01:00–03:00 period on the spring-forward day lasts 1 hour',
      schedule(NY, on(['sunday'], '01:00', '03:00')),
      '2026-03-08',
      [period('2026-03-08', '01:00', '03:00', '2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z')],
      null,
    ],
    // 02:30 does not exist on 2026-03-08 in New York: it becomes 03:30 EDT, as Luxon shifts it.
    [
      'an opening in the spring-forward gap',
      schedule(NY, on(['sunday'], '02:30', '05:00')),
      '2026-03-08',
      [period('2026-03-08', '02:30', '05:00', '2026-03-08T07:30:00Z', '2026-03-08T09:00:00Z')],
      null,
    ],
    [
      'a period inside the spring-forward gap does not occur',
      schedule(NY, on(['sunday'], '02:30', '03:00')),
      '2026-03-08',
      [],
      null,
    ],
    [
      'Auckland, a day ahead of UTC',
      schedule('Pacific/Auckland', on(WORKDAYS, '08:00', '17:00')),
      '2026-06-16',
      [period('2026-06-16', '08:00', '17:00', '2026-06-15T20:00:00Z', '2026-06-16T05:00:00Z')],
      null,
    ],
  ])('%s', (_, hours, date, periods, exception) => {
    expect(hoursForDate(hours, date)).toEqual({
      date,
      periods,
      exception: exception === null ? null : { label: exception },
    });
  });

  it('rejects a date that does not exist and an unknown zone', () => {
    expect(() => hoursForDate(office, '2026-02-30')).toThrow(RangeError);
    expect(() => hoursForDate(office, '15/06/2026')).toThrow(RangeError);
    expect(() => hoursForDate(schedule('Mars/Olympus', []), '2026-06-15')).toThrow(RangeError);
  });
});

describe('calendar', () => {
  it('lists consecutive local dates across a range exception spanning a weekend', () => {
    const regular = (date: string, day: number): ResolvedPeriod =>
      period(date, '09:00', '17:00', `2026-12-${day}T14:00:00Z`, `2026-12-${day}T22:00:00Z`);
    expect(calendar(winter, '2026-12-22', 10)).toEqual([
      { date: '2026-12-22', periods: [regular('2026-12-22', 22)], exception: null },
      { date: '2026-12-23', periods: [regular('2026-12-23', 23)], exception: null },
      { date: '2026-12-24', periods: [], exception: { label: 'Winter break' } },
      { date: '2026-12-25', periods: [], exception: { label: 'Winter break' } },
      { date: '2026-12-26', periods: [], exception: { label: 'Winter break' } },
      { date: '2026-12-27', periods: [], exception: { label: 'Winter break' } },
      { date: '2026-12-28', periods: [], exception: { label: 'Winter break' } },
      { date: '2026-12-29', periods: [regular('2026-12-29', 29)], exception: null },
      { date: '2026-12-30', periods: [regular('2026-12-30', 30)], exception: null },
      {
        date: '2026-12-31',
        periods: [
          period('2026-12-31', '09:00', '13:00', '2026-12-31T14:00:00Z', '2026-12-31T18:00:00Z', 'New Year’s Eve'),
        ],
        exception: { label: 'New Year’s Eve' },
      },
    ]);
  });

  it('returns nothing for zero days and refuses a negative or fractional count', () => {
    expect(calendar(office, '2026-06-15', 0)).toEqual([]);
    expect(() => calendar(office, '2026-06-15', -1)).toThrow(RangeError);
    expect(() => calendar(office, '2026-06-15', 1.5)).toThrow(RangeError);
  });
});

describe('todayIn', () => {
  it.each([
    ['Pacific/Auckland', '2026-06-15T22:00:00Z', '2026-06-16'],
    ['UTC', '2026-06-15T22:00:00Z', '2026-06-15'],
    [NY, '2026-06-16T03:59:59Z', '2026-06-15'],
    [NY, '2026-06-16T04:00:00Z', '2026-06-16'],
    ['Asia/Kolkata', '2026-06-15T18:29:59Z', '2026-06-15'],
    ['Asia/Kolkata', '2026-06-15T18:30:00Z', '2026-06-16'],
  ])('in %s at %s is %s', (zone, at, expected) => {
    expect(todayIn(zone, new Date(at))).toBe(expected);
  });
});

describe('secondsUntilNextLocalDay', () => {
  it.each([
    ['New York, a minute and a half before midnight', NY, '2026-06-16T03:58:30Z', 90],
    ['New York, at midnight: a whole day', NY, '2026-06-16T04:00:00Z', 86_400],
    ['New York, a fraction of a second rounded up', NY, '2026-06-16T03:59:59.200Z', 1],
    ['UTC at noon', 'UTC', '2026-06-15T12:00:00Z', 43_200],
    ['Kolkata (UTC+5:30)', 'Asia/Kolkata', '2026-06-15T18:00:00Z', 1800],
    ['New York on the spring-forward day (23 hours)', NY, '2026-03-08T05:00:00Z', 23 * 3600],
    ['New York on the fall-back day (25 hours)', NY, '2026-11-01T04:00:00Z', 25 * 3600],
    // Santiago springs forward at midnight: 2026-09-06 begins at 01:00 local (04:00Z).
    ['Santiago, where midnight is skipped', 'America/Santiago', '2026-09-06T03:00:00Z', 3600],
  ])('%s', (_label, zone, at, seconds) => {
    expect(secondsUntilNextLocalDay(zone, new Date(at))).toBe(seconds);
  });
});

describe('secondsUntilNextChange', () => {
  const at = new Date('2026-06-15T12:00:00Z');
  const withChanges = (nextOpensAt: string | null, nextClosesAt: string | null): HoursStatus =>
    closed(nextOpensAt, nextClosesAt);

  it.each<[string, HoursStatus, number | null]>([
    ['the opening when it comes first', withChanges('2026-06-15T12:01:30Z', '2026-06-15T20:00:00Z'), 90],
    ['the closing when it comes first', withChanges('2026-06-16T12:00:00Z', '2026-06-15T13:00:00Z'), 3600],
    ['a fraction of a second rounded up', withChanges('2026-06-15T12:00:00.200Z', null), 1],
    ['a change at `at` itself is not a next change', withChanges('2026-06-15T12:00:00Z', '2026-06-15T12:00:10Z'), 10],
    ['a change in the past is ignored', withChanges('2026-06-15T11:00:00Z', null), null],
    ['no change at all', withChanges(null, null), null],
  ])('%s', (_, hoursStatus, expected) => {
    expect(secondsUntilNextChange(hoursStatus, at)).toBe(expected);
  });

  it('counts down to the opening of a real schedule', () => {
    const at = new Date('2026-06-15T12:59:59Z');
    expect(secondsUntilNextChange(status(office, at), at)).toBe(1);
    const during = new Date('2026-06-15T20:00:00Z');
    expect(secondsUntilNextChange(status(office, during), during)).toBe(3600);
  });
});

describe('periodProblems', () => {
  type Input = (TimeRange & { day?: Weekday })[];
  const badTime = (index: number, field: 'opens' | 'closes') => ({
    index,
    field,
    message:
      field === 'opens'
        ? 'opens must be a time of day as HH:mm (00:00 to 23:59)'
        : 'closes must be a time of day as HH:mm (00:00 to 24:00)',
  });

  it.each<[string, Input, ReturnType<typeof periodProblems>]>([
    [
      'a valid weekly pattern',
      [...on(WORKDAYS, '09:00', '17:00'), { day: 'saturday', opens: '10:00', closes: '14:00' }],
      [],
    ],
    ['no periods', [], []],
    [
      'adjacent periods',
      [
        { day: 'monday', opens: '09:00', closes: '12:00' },
        { day: 'monday', opens: '12:00', closes: '17:00' },
      ],
      [],
    ],
    [
      'a 24:00 close followed by a 00:00 opening',
      [
        { day: 'friday', opens: '18:00', closes: '24:00' },
        { day: 'saturday', opens: '00:00', closes: '06:00' },
      ],
      [],
    ],
    ['a whole day', [{ day: 'sunday', opens: '00:00', closes: '24:00' }], []],
    [
      'an overnight period ending as the next one starts',
      [
        { day: 'sunday', opens: '22:00', closes: '02:00' },
        { day: 'monday', opens: '02:00', closes: '06:00' },
      ],
      [],
    ],
    [
      'an overlap on the same day',
      [
        { day: 'monday', opens: '09:00', closes: '12:00' },
        { day: 'monday', opens: '13:00', closes: '17:00' },
        { day: 'monday', opens: '11:00', closes: '14:00' },
      ],
      [{ index: 2, field: 'opens', message: 'periods.2 overlaps periods.0 on monday' }],
    ],
    [
      'a later period that starts before and runs into another',
      [
        { day: 'tuesday', opens: '10:00', closes: '12:00' },
        { day: 'tuesday', opens: '08:00', closes: '11:00' },
      ],
      [{ index: 1, field: 'closes', message: 'periods.1 overlaps periods.0 on tuesday' }],
    ],
    [
      'the same period twice on different days is fine, twice on one day is not',
      [
        { day: 'monday', opens: '09:00', closes: '17:00' },
        { day: 'tuesday', opens: '09:00', closes: '17:00' },
        { day: 'tuesday', opens: '09:00', closes: '17:00' },
      ],
      [{ index: 2, field: 'opens', message: 'periods.2 overlaps periods.1 on tuesday' }],
    ],
    [
      'an overnight period spilling into the next day',
      [
        { day: 'friday', opens: '22:00', closes: '02:00' },
        { day: 'saturday', opens: '01:00', closes: '05:00' },
      ],
      [{ index: 1, field: 'opens', message: 'periods.1 overlaps periods.0 on saturday' }],
    ],
    [
      'Sunday spilling into Monday',
      [
        { day: 'monday', opens: '01:00', closes: '05:00' },
        { day: 'sunday', opens: '23:00', closes: '02:00' },
      ],
      [{ index: 1, field: 'closes', message: 'periods.1 overlaps periods.0 on monday' }],
    ],
    [
      'equal opens and closes',
      [
        { day: 'monday', opens: '09:00', closes: '09:00' },
        { day: 'monday', opens: '00:00', closes: '00:00' },
      ],
      [
        { index: 0, field: 'closes', message: 'closes must differ from opens' },
        { index: 1, field: 'closes', message: 'closes must differ from opens' },
      ],
    ],
    [
      'bad formats',
      [
        { day: 'monday', opens: '9:00', closes: '17:00' },
        { day: 'monday', opens: '12:60', closes: '25:00' },
        { day: 'monday', opens: '', closes: 'noon' },
        { day: 'monday', opens: '10:00', closes: '24:01' },
        { day: 'monday', opens: '10:00:00', closes: '11:00' },
      ],
      [
        badTime(0, 'opens'),
        badTime(1, 'opens'),
        badTime(1, 'closes'),
        badTime(2, 'opens'),
        badTime(2, 'closes'),
        badTime(3, 'closes'),
        badTime(4, 'opens'),
      ],
    ],
    [
      'opening at 24:00',
      [{ day: 'monday', opens: '24:00', closes: '02:00' }],
      [{ index: 0, field: 'opens', message: 'opens must be before 24:00 (use 00:00 of the next day)' }],
    ],
    // An exception's periods repeat on each of its days.
    [
      'exception periods overlapping on their day',
      [
        { opens: '09:00', closes: '13:00' },
        { opens: '12:00', closes: '15:00' },
      ],
      [{ index: 1, field: 'opens', message: 'periods.1 overlaps periods.0' }],
    ],
    [
      'an exception period spilling over an early one',
      [
        { opens: '01:00', closes: '03:00' },
        { opens: '22:00', closes: '02:00' },
      ],
      [{ index: 1, field: 'closes', message: 'periods.1 overlaps periods.0 on the next day' }],
    ],
    [
      'adjacent exception periods, also across midnight',
      [
        { opens: '06:00', closes: '12:00' },
        { opens: '12:00', closes: '18:00' },
        { opens: '22:00', closes: '06:00' },
      ],
      [],
    ],
  ])('%s', (_, periods, expected) => {
    expect(periodProblems(periods)).toEqual(expected);
  });
});

describe('exceptionsOverlap', () => {
  const range = (startDate: string, endDate: string) => ({ startDate, endDate });

  it.each([
    ['the same day', range('2026-12-24', '2026-12-24'), range('2026-12-24', '2026-12-24'), true],
    ['a shared last and first day', range('2026-12-20', '2026-12-24'), range('2026-12-24', '2026-12-28'), true],
    ['one inside the other', range('2026-12-01', '2026-12-31'), range('2026-12-24', '2026-12-26'), true],
    ['consecutive ranges', range('2026-12-20', '2026-12-23'), range('2026-12-24', '2026-12-28'), false],
    ['far apart', range('2026-07-03', '2026-07-03'), range('2026-12-24', '2026-12-28'), false],
  ])('%s', (_, a, b, expected) => {
    expect(exceptionsOverlap(a, b)).toBe(expected);
    expect(exceptionsOverlap(b, a)).toBe(expected);
  });
});

describe('isValidTimeZone', () => {
  // EST5EDT and US/Eastern are accepted: they are real tzdb names (links to America/New_York), and Intl knows them.
  it.each([
    'America/New_York',
    'Pacific/Auckland',
    'Europe/London',
    'Asia/Kolkata',
    'UTC',
    'Etc/UTC',
    'Etc/GMT+5',
    'EST5EDT',
    'US/Eastern',
  ])('accepts %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each([
    'Mars/Olympus',
    '',
    '+02:00',
    '-05:00',
    'UTC+2',
    'UTC+02:00',
    'GMT-5',
    'local',
    'system',
    ' America/New_York',
    'America/New York',
  ])('rejects %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});
