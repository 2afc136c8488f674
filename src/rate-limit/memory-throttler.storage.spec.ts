import { MemoryThrottlerStorage } from './memory-throttler.storage.js';

function storageWithClock() {
  let now = Date.UTC(2030, 0, 1);
  const storage = new MemoryThrottlerStorage(() => now);
  return { storage, advance: (ms: number) => (now += ms) };
}

describe('MemoryThrottlerStorage', () => {
  it('takes one hit back from a live counter, never below zero, never creating one', async () => {
    const { storage } = storageWithClock();
    await storage.refund('none');
    expect(storage.size).toBe(0);
    await storage.increment('a', 60_000, 5, 60_000);
    await storage.increment('a', 60_000, 5, 60_000);
    await storage.refund('a');
    expect(await storage.increment('a', 60_000, 5, 60_000)).toMatchObject({ totalHits: 2 });
    for (let i = 0; i < 3; i++) await storage.refund('a');
    expect(await storage.increment('a', 60_000, 5, 60_000)).toMatchObject({ totalHits: 1, timeToExpire: 60 });
  });

  it('counts per key in a window, then blocks for blockDuration', async () => {
    const { storage, advance } = storageWithClock();
    expect(await storage.increment('a', 60_000, 2, 90_000)).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    expect(await storage.increment('b', 60_000, 2, 90_000)).toMatchObject({ totalHits: 1 });
    advance(10_000);
    expect(await storage.increment('a', 60_000, 2, 90_000)).toEqual({
      totalHits: 2,
      timeToExpire: 50,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    expect(await storage.increment('a', 60_000, 2, 90_000)).toEqual({
      totalHits: 3,
      timeToExpire: 90,
      isBlocked: true,
      timeToBlockExpire: 90,
    });
    advance(89_000);
    expect(await storage.increment('a', 60_000, 2, 90_000)).toEqual({
      totalHits: 4,
      timeToExpire: 1,
      isBlocked: true,
      timeToBlockExpire: 1,
    });
    advance(1000);
    expect(await storage.increment('a', 60_000, 2, 90_000)).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('drops finished windows as time passes', async () => {
    const { storage, advance } = storageWithClock();
    for (let i = 0; i < 50; i++) await storage.increment(`k${i}`, 1000, 5, 1000);
    expect(storage.size).toBe(50);
    advance(61_000);
    await storage.increment('fresh', 1000, 5, 1000);
    expect(storage.size).toBe(1);
  });

  it('forgets everything on shutdown', async () => {
    const { storage } = storageWithClock();
    await storage.increment('a', 60_000, 2, 60_000);
    storage.onApplicationShutdown();
    expect(storage.size).toBe(0);
  });

  it('uses the real clock by default', async () => {
    const storage = new MemoryThrottlerStorage();
    expect(await storage.increment('a', 60_000, 2, 60_000)).toMatchObject({ totalHits: 1, timeToExpire: 60 });
  });
});
