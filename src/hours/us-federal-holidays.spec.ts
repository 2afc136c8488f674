import { nextUsFederalHolidays, usFederalHolidays } from './us-federal-holidays.js';

describe('usFederalHolidays', () => {
  it('lists 2026 on its observed dates (Independence Day falls on a Saturday)', () => {
    expect(usFederalHolidays(2026)).toEqual([
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-01-19', name: 'Birthday of Martin Luther King, Jr.' },
      { date: '2026-02-16', name: "Washington's Birthday" },
      { date: '2026-05-25', name: 'Memorial Day' },
      { date: '2026-06-19', name: 'Juneteenth National Independence Day' },
      { date: '2026-07-03', name: 'Independence Day' },
      { date: '2026-09-07', name: 'Labor Day' },
      { date: '2026-10-12', name: 'Columbus Day' },
      { date: '2026-11-11', name: 'Veterans Day' },
      { date: '2026-11-26', name: 'Thanksgiving Day' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ]);
  });

  it('moves a Sunday holiday to Monday (New Year 2023) and a Saturday one to Friday (Christmas 2027)', () => {
    expect(usFederalHolidays(2023)[0]).toEqual({ date: '2023-01-02', name: "New Year's Day" });
    expect(usFederalHolidays(2027).at(-1)).toEqual({ date: '2027-12-24', name: 'Christmas Day' });
  });
});

describe('nextUsFederalHolidays', () => {
  it('finds the next ones, across the turn of the year', () => {
    expect(nextUsFederalHolidays('2026-11-27', 2)).toEqual([
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2027-01-01', name: "New Year's Day" },
    ]);
  });

  it('includes a holiday on the starting date', () => {
    expect(nextUsFederalHolidays('2026-11-26', 1)).toEqual([{ date: '2026-11-26', name: 'Thanksgiving Day' }]);
  });
});
