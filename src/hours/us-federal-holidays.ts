import { DateTime } from 'luxon';

/** The nth (1-based) weekday (1 = Monday … 7 = Sunday) of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): DateTime {
  if (n > 0) {
    const first = DateTime.utc(year, month, 1);
    return first.plus({ days: ((weekday - first.weekday + 7) % 7) + (n - 1) * 7 });
  }
  const last = DateTime.utc(year, month, 1).endOf('month').startOf('day');
  return last.minus({ days: (last.weekday - weekday + 7) % 7 });
}

/** A fixed-date holiday falling on a weekend is observed on the Friday before or the Monday after. */
function observed(date: DateTime): DateTime {
  if (date.weekday === 6) return date.minus({ days: 1 });
  if (date.weekday === 7) return date.plus({ days: 1 });
  return date;
}

/** The eleven US federal holidays of a year (5 U.S.C. 6103), on their observed dates. */
export function usFederalHolidays(year: number): { date: string; name: string }[] {
  const fixed = (month: number, day: number) => observed(DateTime.utc(year, month, day));
  const list: [DateTime, string][] = [
    [fixed(1, 1), "New Year's Day"],
    [nthWeekday(year, 1, 1, 3), 'Birthday of Martin Luther King, Jr.'],
    [nthWeekday(year, 2, 1, 3), "Washington's Birthday"],
    [nthWeekday(year, 5, 1, -1), 'Memorial Day'],
    [fixed(6, 19), 'Juneteenth National Independence Day'],
    [fixed(7, 4), 'Independence Day'],
    [nthWeekday(year, 9, 1, 1), 'Labor Day'],
    [nthWeekday(year, 10, 1, 2), 'Columbus Day'],
    [fixed(11, 11), 'Veterans Day'],
    [nthWeekday(year, 11, 4, 4), 'Thanksgiving Day'],
    [fixed(12, 25), 'Christmas Day'],
  ];
  return list.map(([date, name]) => ({ date: date.toISODate() ?? '', name }));
}

/** The next `count` federal holidays on or after a date (YYYY-MM-DD). */
export function nextUsFederalHolidays(from: string, count: number): { date: string; name: string }[] {
  const year = Number(from.slice(0, 4));
  return [year - 1, year, year + 1, year + 2]
    .flatMap(usFederalHolidays)
    .filter((h) => h.date >= from)
    .sort((a, b) => a.date.localeCompare(b.date))
    .slice(0, count);
}
