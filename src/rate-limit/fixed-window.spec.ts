import { effectiveBlockMs, hitWindow, toStorageRecord, type WindowState } from './fixed-window.js';

const T0 = 1_000_000;

/** Replays hits at the given times; returns each state. */
function replay(times: number[], ttlMs: number, limit: number, blockMs: number): WindowState[] {
  const states: WindowState[] = [];
  let state: WindowState | undefined;
  for (const now of times) {
    state = hitWindow(state, now, ttlMs, limit, blockMs);
    states.push(state);
  }
  return states;
}

describe('hitWindow', () => {
  it('opens a window on the first hit and counts in it', () => {
    expect(replay([T0, T0 + 10, T0 + 59_999], 60_000, 5, 60_000)).toEqual([
      { hits: 1, expiresAt: T0 + 60_000 },
      { hits: 2, expiresAt: T0 + 60_000 },
      { hits: 3, expiresAt: T0 + 60_000 },
    ]);
  });

  it('starts a new window once the old one has ended', () => {
    const [, second] = replay([T0, T0 + 60_000], 60_000, 5, 60_000);
    expect(second).toEqual({ hits: 1, expiresAt: T0 + 120_000 });
  });

  it('starts the block with the hit over the limit, and does not extend it', () => {
    expect(replay([T0, T0 + 1000, T0 + 30_000, T0 + 40_000], 60_000, 2, 120_000)).toEqual([
      { hits: 1, expiresAt: T0 + 60_000 },
      { hits: 2, expiresAt: T0 + 60_000 },
      { hits: 3, expiresAt: T0 + 150_000 },
      { hits: 4, expiresAt: T0 + 150_000 },
    ]);
  });

  it('starts afresh once the block is over', () => {
    const states = replay([T0, T0 + 1, T0 + 2, T0 + 60_002], 60_000, 1, 60_000);
    expect(states.at(-1)).toEqual({ hits: 1, expiresAt: T0 + 120_002 });
  });

  it('blocks on the first hit when the limit is zero', () => {
    expect(hitWindow(undefined, T0, 60_000, 0, 90_000)).toEqual({ hits: 1, expiresAt: T0 + 90_000 });
  });
});

describe('effectiveBlockMs', () => {
  it('keeps a positive block and falls back to the window otherwise', () => {
    expect(effectiveBlockMs(60_000, 5000)).toBe(5000);
    expect(effectiveBlockMs(60_000, 0)).toBe(60_000);
    expect(effectiveBlockMs(60_000, -1)).toBe(60_000);
  });
});

describe('toStorageRecord', () => {
  it('reports a counter under its limit', () => {
    expect(toStorageRecord(3, 42_000, 5)).toEqual({
      totalHits: 3,
      timeToExpire: 42,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('reports a counter at its limit as not blocked yet', () => {
    expect(toStorageRecord(5, 1000, 5)).toMatchObject({ isBlocked: false, timeToBlockExpire: 0 });
  });

  it('reports a counter over its limit as blocked until it expires', () => {
    expect(toStorageRecord(6, 59_001, 5)).toEqual({
      totalHits: 6,
      timeToExpire: 60,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
  });

  it('rounds up to whole seconds, at least one', () => {
    expect(toStorageRecord(1, 1, 5).timeToExpire).toBe(1);
    expect(toStorageRecord(1, 0, 5).timeToExpire).toBe(1);
    expect(toStorageRecord(1, 1001, 5).timeToExpire).toBe(2);
  });
});
