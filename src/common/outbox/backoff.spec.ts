import fc from 'fast-check';
import { backoffCeilingMs, backoffDelayMs, nextAttemptAt, WEBHOOK_BACKOFF } from './backoff.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const NOW = new Date('2026-11-03T09:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const fixed = (value: number) => () => value;

/** Random sources as fast-check values: [0, 1) like Math.random. */
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const attempt = fc.integer({ min: 1, max: 10_000 });

describe('backoffCeilingMs', () => {
  it('doubles from 30 s and stops at 1 h', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 50, 5000].map((n) => backoffCeilingMs(n))).toEqual([
      30 * SECOND,
      MINUTE,
      2 * MINUTE,
      4 * MINUTE,
      8 * MINUTE,
      16 * MINUTE,
      32 * MINUTE,
      HOUR,
      HOUR,
      HOUR,
      HOUR,
    ]);
  });

  it('never decreases and never exceeds the cap (property)', () => {
    fc.assert(
      fc.property(attempt, (n) => {
        expect(backoffCeilingMs(n + 1)).toBeGreaterThanOrEqual(backoffCeilingMs(n));
        expect(backoffCeilingMs(n)).toBeLessThanOrEqual(WEBHOOK_BACKOFF.maxMs);
      }),
    );
  });
});

describe('backoffDelayMs', () => {
  it('spreads delays over the whole range below the ceiling (full jitter), at least 1 s', () => {
    expect(backoffDelayMs(1, fixed(0))).toBe(SECOND);
    expect(backoffDelayMs(1, fixed(0.5))).toBe(15 * SECOND);
    expect(backoffDelayMs(3, fixed(0.5))).toBe(MINUTE);
    expect(backoffDelayMs(20, fixed(0.25))).toBe(15 * MINUTE);
    expect(backoffDelayMs(20, fixed(0.9999999999))).toBe(HOUR - 1);
  });

  it('stays within [1 s, ceiling] for any attempt and any random value (property)', () => {
    fc.assert(
      fc.property(attempt, unit, (n, r) => {
        const delay = backoffDelayMs(n, fixed(r));
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(WEBHOOK_BACKOFF.minMs);
        expect(delay).toBeLessThanOrEqual(backoffCeilingMs(n));
      }),
    );
  });

  it('is monotone in the random value (property)', () => {
    fc.assert(
      fc.property(attempt, unit, unit, (n, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(backoffDelayMs(n, fixed(low))).toBeLessThanOrEqual(backoffDelayMs(n, fixed(high)));
      }),
    );
  });
});

describe('nextAttemptAt', () => {
  const giveUpAt = at(24 * HOUR);

  it('is now plus the jittered delay', () => {
    expect(nextAttemptAt(NOW, 1, giveUpAt, fixed(0.5))).toEqual(at(15 * SECOND));
    expect(nextAttemptAt(NOW, 10, giveUpAt, fixed(0.5))).toEqual(at(30 * MINUTE));
  });

  it('never goes past giveUpAt: the last attempt is made at that instant', () => {
    expect(nextAttemptAt(at(24 * HOUR - 10 * SECOND), 12, giveUpAt, fixed(0.5))).toEqual(giveUpAt);
  });

  it('is null (give up) once giveUpAt is reached', () => {
    expect(nextAttemptAt(giveUpAt, 30, giveUpAt, fixed(0))).toBeNull();
    expect(nextAttemptAt(at(25 * HOUR), 30, giveUpAt, fixed(0))).toBeNull();
  });

  it('lies after now and never after giveUpAt (property)', () => {
    fc.assert(
      fc.property(
        attempt,
        unit,
        fc.integer({ min: 0, max: 48 * HOUR }),
        fc.integer({ min: 1, max: 48 * HOUR }),
        (n, r, elapsed, window) => {
          const now = at(elapsed);
          const end = at(window);
          const next = nextAttemptAt(now, n, end, fixed(r));
          if (now >= end) {
            expect(next).toBeNull();
            return;
          }
          expect(next).not.toBeNull();
          expect(next!.getTime()).toBeGreaterThan(now.getTime());
          expect(next!.getTime()).toBeLessThanOrEqual(end.getTime());
          expect(next!.getTime() - now.getTime()).toBeLessThanOrEqual(backoffCeilingMs(n));
        },
      ),
    );
  });

  it('keeps retrying for the whole window: a receiver that never answers gets a few dozen attempts in 24 h', () => {
    const attemptsWithin = (r: number): number => {
      let now = NOW;
      let attempts = 1;
      for (let next = nextAttemptAt(now, attempts, giveUpAt, fixed(r)); next;) {
        now = next;
        attempts += 1;
        next = nextAttemptAt(now, attempts, giveUpAt, fixed(r));
      }
      expect(now).toEqual(giveUpAt);
      return attempts;
    };
    // Always at the ceiling, on average half of it, always a quarter of it.
    expect([0.9999, 0.5, 0.25].map(attemptsWithin)).toEqual([31, 55, 103]);
  });
});
