import { DateTime } from 'luxon';
import { remembered } from '../common/memo/remembered.js';
import type { HoursStatus } from '../hours/index.js';
import type { ContactChannel } from './contact-request.entity.js';

const MINUTE_MS = 60_000;

/**
 * When the clinic promises to reply. During open hours: now plus the allowance, but no later than closing time
 * (nobody answers after it). Outside them: the next opening plus the allowance. Without known hours (no
 * schedule, or nothing opens within the schedule's look-ahead): now plus the allowance.
 */
export function expectedReplyBy(status: HoursStatus | undefined, now: Date, allowanceMinutes: number): Date {
  const allowance = allowanceMinutes * MINUTE_MS;
  if (status?.isOpen) {
    const due = now.getTime() + allowance;
    const closes = status.nextClosesAt?.getTime() ?? Infinity;
    return new Date(Math.min(due, closes));
  }
  const opens = status?.nextOpensAt ?? now;
  return new Date(opens.getTime() + allowance);
}

const VERB: Record<ContactChannel, string> = {
  text: 'text you back',
  call: 'call you back',
  email: 'email you back',
};

/**
 * "We'll text you back by Monday 10:00 AM EST." in the schedule's time zone: "today" and "tomorrow" when they
 * apply, the weekday within a week, the date beyond it. The text depends on the minutes of `by` and `now` only
 * (zone offsets are whole minutes), so it is remembered per pair of minutes, up to 256 pairs at a time: every
 * submission asks, and formatting in a time zone costs more than the rest of its work.
 */
export const expectedReplyText = remembered(
  256,
  (channel: ContactChannel, by: Date, now: Date, timeZone: string) =>
    `${channel} ${timeZone} ${Math.floor(by.getTime() / MINUTE_MS)} ${Math.floor(now.getTime() / MINUTE_MS)}`,
  formatReplyText,
);

/** expectedReplyText, always computed. */
export function formatReplyText(channel: ContactChannel, by: Date, now: Date, timeZone: string): string {
  const at = DateTime.fromJSDate(by, { zone: timeZone }).setLocale('en-US');
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const days = Math.round(at.startOf('day').diff(today, 'days').days);
  const time = `${at.toFormat('h:mm a')} ${at.toFormat('ZZZZ')}`;
  const when =
    days <= 0
      ? `${time} today`
      : days === 1
        ? `${time} tomorrow`
        : days < 7
          ? `${at.toFormat('cccc')} ${time}`
          : `${at.toFormat('cccc, LLLL d')}, ${time}`;
  return `We'll ${VERB[channel]} by ${when}.`;
}
