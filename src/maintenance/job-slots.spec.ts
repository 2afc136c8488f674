import { slotOf, slotTolerance } from './job-slots.js';

const HOUR = 60 * 60 * 1000;
const DAILY_AT_3 = { everyMs: 24 * HOUR, offsetMs: 3 * HOUR };

describe('slotOf', () => {
  const at = (iso: string) => slotOf(DAILY_AT_3, new Date(iso)).toISOString();

  it('gives ticks for the same scheduled instant the same slot, whether their clocks run ahead or behind', () => {
    for (const tick of [
      '2032-06-15T03:00:00.000Z',
      '2032-06-15T02:59:58.700Z',
      '2032-06-15T02:59:00.001Z',
      '2032-06-15T03:00:04.250Z',
    ]) {
      expect(at(tick)).toBe('2032-06-15T03:00:00.000Z');
    }
  });

  it('counts a run started by hand later in the day for that day, and one before the tolerance for the day before', () => {
    expect(at('2032-06-15T23:59:59.999Z')).toBe('2032-06-15T03:00:00.000Z');
    expect(at('2032-06-16T02:58:59.999Z')).toBe('2032-06-15T03:00:00.000Z');
    expect(at('2032-06-16T02:59:00.000Z')).toBe('2032-06-16T03:00:00.000Z');
  });

  it('allows a minute of difference on long periods and a tenth of short ones', () => {
    expect(slotTolerance(DAILY_AT_3)).toBe(60_000);
    expect(slotTolerance({ everyMs: 5 * 60_000 })).toBe(30_000);
    expect(slotOf({ everyMs: 5 * 60_000 }, new Date('2032-06-15T10:04:31Z')).toISOString()).toBe(
      '2032-06-15T10:05:00.000Z',
    );
    expect(slotOf({ everyMs: 5 * 60_000 }, new Date('2032-06-15T10:04:29Z')).toISOString()).toBe(
      '2032-06-15T10:00:00.000Z',
    );
  });

  it('refuses a schedule without a period or with an offset outside it', () => {
    const now = new Date('2032-06-15T03:00:00Z');
    expect(() => slotOf({ everyMs: 0 }, now)).toThrow(RangeError);
    expect(() => slotOf({ everyMs: HOUR, offsetMs: HOUR }, now)).toThrow(RangeError);
    expect(() => slotOf({ everyMs: HOUR, offsetMs: -1 }, now)).toThrow(RangeError);
  });
});
