import type { HoursException, HoursStatus, Schedule, Weekday } from '../hours/index.js';
import { status } from '../hours/index.js';
import type { ContactChannel } from './contact-request.entity.js';
import fc from 'fast-check';
import { expectedReplyBy, expectedReplyText, formatReplyText } from './reply-time.js';

const NY = 'America/New_York';
const HOUR = 60;
const WORKDAYS: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

const closed = (startDate: string, endDate: string, label: string): HoursException => ({
  startDate,
  endDate,
  closed: true,
  periods: [],
  label,
});

/** Weekdays 09:00–21:00 in New York, closed on Thanksgiving and over the holidays. */
const TEXT_LINE: Schedule = {
  timeZone: NY,
  periods: WORKDAYS.map((day) => ({ day, opens: '09:00', closes: '21:00' })),
  exceptions: [closed('2026-11-26', '2026-11-26', 'Thanksgiving'), closed('2026-12-24', '2027-01-01', 'Holidays')],
};

const at = (iso: string) => new Date(iso);

/** A status built by hand, for the cases `status()` does not produce on a weekday schedule. */
const hours = (overrides: Partial<HoursStatus>): HoursStatus => ({
  isOpen: false,
  currentPeriod: null,
  nextOpensAt: null,
  nextClosesAt: null,
  exception: null,
  ...overrides,
});

describe('expectedReplyBy', () => {
  const now = at('2026-11-23T17:00:00.000Z');

  it('is now plus the allowance while open, when closing is further away', () => {
    const open = hours({ isOpen: true, nextClosesAt: at('2026-11-24T02:00:00.000Z') });
    expect(expectedReplyBy(open, now, 60)).toEqual(at('2026-11-23T18:00:00.000Z'));
  });

  it('is the closing time while open, when the allowance would run past it', () => {
    const open = hours({ isOpen: true, nextClosesAt: at('2026-11-23T17:30:00.000Z') });
    expect(expectedReplyBy(open, now, 60)).toEqual(at('2026-11-23T17:30:00.000Z'));
  });

  it('is the closing time while open, when the allowance ends exactly at closing', () => {
    const open = hours({ isOpen: true, nextClosesAt: at('2026-11-23T18:00:00.000Z') });
    expect(expectedReplyBy(open, now, 60)).toEqual(at('2026-11-23T18:00:00.000Z'));
  });

  it('is now plus the allowance while open with no known closing (open around the clock)', () => {
    const open = hours({ isOpen: true, nextClosesAt: null });
    expect(expectedReplyBy(open, now, 90)).toEqual(at('2026-11-23T18:30:00.000Z'));
  });

  it('is the next opening plus the allowance while closed', () => {
    const shut = hours({ nextOpensAt: at('2026-11-24T14:00:00.000Z'), nextClosesAt: at('2026-11-25T02:00:00.000Z') });
    expect(expectedReplyBy(shut, now, 60)).toEqual(at('2026-11-24T15:00:00.000Z'));
  });

  it('is now plus the allowance while closed with nothing opening within the look-ahead', () => {
    expect(expectedReplyBy(hours({ nextOpensAt: null }), now, 60)).toEqual(at('2026-11-23T18:00:00.000Z'));
  });

  it('is now plus the allowance without any status (no schedule)', () => {
    expect(expectedReplyBy(undefined, now, 60)).toEqual(at('2026-11-23T18:00:00.000Z'));
    expect(expectedReplyBy(undefined, now, 0)).toEqual(now);
  });

  it('does not change the dates it is given', () => {
    const opens = at('2026-11-24T14:00:00.000Z');
    const before = now.getTime();
    expectedReplyBy(hours({ nextOpensAt: opens }), now, 60);
    expect(opens.toISOString()).toBe('2026-11-24T14:00:00.000Z');
    expect(now.getTime()).toBe(before);
  });
});

describe('expectedReplyText', () => {
  it('remembers texts without changing one: the same as computing each afresh, whatever the seconds', () => {
    const minute = 60_000;
    const base = Date.UTC(2026, 2, 7);
    fc.assert(
      fc.property(
        fc.constantFrom<ContactChannel>('text', 'call', 'email'),
        fc.constantFrom('America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'),
        // Around the spring change of clocks, within the same minutes again and again.
        fc.integer({ min: 0, max: 40 * 24 * 60 }),
        fc.integer({ min: 0, max: 9 * 24 * 60 }),
        fc.integer({ min: 0, max: minute - 1 }),
        fc.integer({ min: 0, max: minute - 1 }),
        (channel, zone, nowMinute, ahead, nowSeconds, bySeconds) => {
          const now = new Date(base + nowMinute * minute + nowSeconds);
          const by = new Date(base + (nowMinute + ahead) * minute + bySeconds);
          expect(expectedReplyText(channel, by, now, zone)).toBe(formatReplyText(channel, by, now, zone));
        },
      ),
      { numRuns: 2000 },
    );
  });

  const now = at('2026-11-23T17:00:00.000Z'); // Monday 12:00 EST

  it.each<[ContactChannel, string]>([
    ['text', 'text you back'],
    ['call', 'call you back'],
    ['email', 'email you back'],
  ])('names the %s channel', (channel, verb) => {
    expect(expectedReplyText(channel, at('2026-11-23T18:00:00.000Z'), now, NY)).toBe(
      `We'll ${verb} by 1:00 PM EST today.`,
    );
  });

  it.each([
    ['later the same day', '2026-11-23T18:00:00.000Z', "We'll text you back by 1:00 PM EST today."],
    ['at 11:59 PM the same day', '2026-11-24T04:59:00.000Z', "We'll text you back by 11:59 PM EST today."],
    ['just after midnight', '2026-11-24T05:00:00.000Z', "We'll text you back by 12:00 AM EST tomorrow."],
    ['the next morning', '2026-11-24T15:00:00.000Z', "We'll text you back by 10:00 AM EST tomorrow."],
    ['in two days', '2026-11-25T15:00:00.000Z', "We'll text you back by Wednesday 10:00 AM EST."],
    ['in six days', '2026-11-29T15:00:00.000Z', "We'll text you back by Sunday 10:00 AM EST."],
    ['in seven days', '2026-11-30T15:00:00.000Z', "We'll text you back by Monday, November 30, 10:00 AM EST."],
    ['next year', '2027-01-04T15:00:00.000Z', "We'll text you back by Monday, January 4, 10:00 AM EST."],
  ])('says %s', (_case, by, text) => {
    expect(expectedReplyText('text', at(by), now, NY)).toBe(text);
  });

  it('counts days in the schedule’s time zone, not in UTC', () => {
    // 22:00 EST on Monday is already Tuesday in UTC; 01:00 EST on Tuesday is still "tomorrow".
    const lateMonday = at('2026-11-24T03:00:00.000Z');
    expect(expectedReplyText('call', at('2026-11-24T03:30:00.000Z'), lateMonday, NY)).toBe(
      "We'll call you back by 10:30 PM EST today.",
    );
    expect(expectedReplyText('call', at('2026-11-24T06:00:00.000Z'), lateMonday, NY)).toBe(
      "We'll call you back by 1:00 AM EST tomorrow.",
    );
  });

  it('names summer time as EDT', () => {
    const summer = at('2026-07-15T16:00:00.000Z'); // Wednesday 12:00 EDT
    expect(expectedReplyText('email', at('2026-07-15T17:00:00.000Z'), summer, NY)).toBe(
      "We'll email you back by 1:00 PM EDT today.",
    );
    expect(expectedReplyText('email', at('2026-07-16T13:00:00.000Z'), summer, NY)).toBe(
      "We'll email you back by 9:00 AM EDT tomorrow.",
    );
    expect(expectedReplyText('email', at('2026-07-24T13:00:00.000Z'), summer, NY)).toBe(
      "We'll email you back by Friday, July 24, 9:00 AM EDT.",
    );
  });

  it('counts calendar days across the change back to standard time (a 25-hour day)', () => {
    const saturday = at('2026-10-31T16:00:00.000Z'); // Saturday 12:00 EDT; clocks go back on Sunday
    expect(expectedReplyText('text', at('2026-11-02T15:00:00.000Z'), saturday, NY)).toBe(
      "We'll text you back by Monday 10:00 AM EST.",
    );
    expect(expectedReplyText('text', at('2026-11-01T15:00:00.000Z'), saturday, NY)).toBe(
      "We'll text you back by 10:00 AM EST tomorrow.",
    );
  });

  it('uses UTC when asked to (no schedule)', () => {
    expect(expectedReplyText('call', at('2026-11-23T18:00:00.000Z'), now, 'UTC')).toBe(
      "We'll call you back by 6:00 PM UTC today.",
    );
  });
});

describe('reply times from the weekday schedule (09:00–21:00 New York, 60 minutes)', () => {
  const reply = (iso: string, channel: ContactChannel = 'text') => {
    const now = at(iso);
    const hoursNow = status(TEXT_LINE, now);
    const by = expectedReplyBy(hoursNow, now, HOUR);
    return { status: hoursNow, by: by.toISOString(), text: expectedReplyText(channel, by, now, NY) };
  };

  it('Monday 08:59, before opening: an hour after 09:00 today', () => {
    const r = reply('2026-11-23T13:59:00.000Z');
    expect(r.status).toMatchObject({
      isOpen: false,
      nextOpensAt: at('2026-11-23T14:00:00.000Z'),
      nextClosesAt: at('2026-11-24T02:00:00.000Z'),
    });
    expect(r.by).toBe('2026-11-23T15:00:00.000Z');
    expect(r.text).toBe("We'll text you back by 10:00 AM EST today.");
  });

  it('Monday 12:00, open: within the hour', () => {
    const r = reply('2026-11-23T17:00:00.000Z', 'call');
    expect(r.status).toMatchObject({ isOpen: true, nextClosesAt: at('2026-11-24T02:00:00.000Z') });
    expect(r.by).toBe('2026-11-23T18:00:00.000Z');
    expect(r.text).toBe("We'll call you back by 1:00 PM EST today.");
  });

  it('Monday 20:30, open: by closing time, not after it', () => {
    const r = reply('2026-11-24T01:30:00.000Z', 'email');
    expect(r.status).toMatchObject({ isOpen: true, nextClosesAt: at('2026-11-24T02:00:00.000Z') });
    expect(r.by).toBe('2026-11-24T02:00:00.000Z');
    expect(r.text).toBe("We'll email you back by 9:00 PM EST today.");
  });

  it('Monday 21:05, just closed: an hour after Tuesday opens', () => {
    const r = reply('2026-11-24T02:05:00.000Z');
    expect(r.status).toMatchObject({ isOpen: false, nextOpensAt: at('2026-11-24T14:00:00.000Z') });
    expect(r.by).toBe('2026-11-24T15:00:00.000Z');
    expect(r.text).toBe("We'll text you back by 10:00 AM EST tomorrow.");
  });

  it('Saturday 12:00: an hour after Monday opens', () => {
    const r = reply('2026-11-28T17:00:00.000Z', 'call');
    expect(r.status).toMatchObject({ isOpen: false, nextOpensAt: at('2026-11-30T14:00:00.000Z') });
    expect(r.by).toBe('2026-11-30T15:00:00.000Z');
    expect(r.text).toBe("We'll call you back by Monday 10:00 AM EST.");
  });

  it('Thanksgiving 12:00 (closed exception on a Thursday): an hour after Friday opens', () => {
    const r = reply('2026-11-26T17:00:00.000Z');
    expect(r.status).toMatchObject({
      isOpen: false,
      nextOpensAt: at('2026-11-27T14:00:00.000Z'),
      exception: { label: 'Thanksgiving' },
    });
    expect(r.by).toBe('2026-11-27T15:00:00.000Z');
    expect(r.text).toBe("We'll text you back by 10:00 AM EST tomorrow.");
  });

  it('Wednesday 21:05 before Thanksgiving: skips the holiday to Friday', () => {
    const r = reply('2026-11-26T02:05:00.000Z', 'email');
    expect(r.status).toMatchObject({ isOpen: false, nextOpensAt: at('2026-11-27T14:00:00.000Z') });
    expect(r.by).toBe('2026-11-27T15:00:00.000Z');
    expect(r.text).toBe("We'll email you back by Friday 10:00 AM EST.");
  });

  it('Wednesday 23 December 21:05, before a long closure: names the date', () => {
    const r = reply('2026-12-24T02:05:00.000Z');
    expect(r.status).toMatchObject({ isOpen: false, nextOpensAt: at('2027-01-04T14:00:00.000Z') });
    expect(r.by).toBe('2027-01-04T15:00:00.000Z');
    expect(r.text).toBe("We'll text you back by Monday, January 4, 10:00 AM EST.");
  });

  it('a summer Wednesday 12:00 (EDT): within the hour', () => {
    const r = reply('2026-07-15T16:00:00.000Z');
    expect(r.status).toMatchObject({ isOpen: true, nextClosesAt: at('2026-07-16T01:00:00.000Z') });
    expect(r.by).toBe('2026-07-15T17:00:00.000Z');
    expect(r.text).toBe("We'll text you back by 1:00 PM EDT today.");
  });

  it('a summer Friday 20:45 (EDT): by closing, then Monday after the weekend', () => {
    const evening = reply('2026-07-18T00:45:00.000Z');
    expect(evening.by).toBe('2026-07-18T01:00:00.000Z');
    expect(evening.text).toBe("We'll text you back by 9:00 PM EDT today.");
    const late = reply('2026-07-18T01:30:00.000Z', 'call');
    expect(late.by).toBe('2026-07-20T14:00:00.000Z');
    expect(late.text).toBe("We'll call you back by Monday 10:00 AM EDT.");
  });
});
