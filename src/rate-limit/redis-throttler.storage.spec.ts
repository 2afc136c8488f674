import { jest } from '@jest/globals';
import { createRateLimitRedis, HIT_SCRIPT, isUncounted, RedisThrottlerStorage } from './redis-throttler.storage.js';

/** Nothing listens on port 1: connections are refused at once. */
const UNREACHABLE = 'redis://127.0.0.1:1';

function fakeLogger() {
  return { log: jest.fn<(message: string) => void>(), warn: jest.fn<(message: string) => void>() };
}

const UNCOUNTED = { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0, unavailable: true };

describe('isUncounted', () => {
  it('tells the fail-open record from a real one', () => {
    expect(isUncounted(UNCOUNTED)).toBe(true);
    expect(isUncounted({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 })).toBe(false);
  });
});

describe('HIT_SCRIPT', () => {
  it('increments, sets the window on the first hit and the block on the hit over the limit', () => {
    expect(HIT_SCRIPT).toContain("redis.call('INCR', KEYS[1])");
    expect(HIT_SCRIPT).toMatch(
      /hits == tonumber\(ARGV\[2\]\) \+ 1 then\s+redis\.call\('PEXPIRE', KEYS\[1\], ARGV\[3\]\)/,
    );
    expect(HIT_SCRIPT).toMatch(/elseif hits == 1 then\s+redis\.call\('PEXPIRE', KEYS\[1\], ARGV\[1\]\)/);
  });
});

describe('RedisThrottlerStorage without Redis', () => {
  it('answers every hit as uncounted and warns once, without the key, saying what the fail mode does', async () => {
    const logger = fakeLogger();
    const client = createRateLimitRedis(UNREACHABLE, 'wellclinic:ratelimit:');
    const storage = new RedisThrottlerStorage(client, logger);
    try {
      for (let i = 0; i < 3; i++) {
        expect(await storage.increment('login:ip:192.0.2.1', 60_000, 5, 60_000)).toEqual(UNCOUNTED);
      }
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toBe(
        'Redis for rate limits is unavailable (not connected): sign-ins and submissions are refused with 429, other requests pass uncounted, until it is back (RATE_LIMIT_FAIL_MODE=closed)',
      );

      client.emit('ready');
      expect(logger.log).toHaveBeenCalledWith('Redis for rate limits is reachable again: rate limiting resumed');
      client.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      expect(logger.warn).toHaveBeenCalledTimes(2);
      expect(logger.warn.mock.calls[1][0]).toContain('(ECONNRESET)');
    } finally {
      await storage.onApplicationShutdown();
    }
  });

  it('says that requests are not limited at all with RATE_LIMIT_FAIL_MODE=open', async () => {
    const logger = fakeLogger();
    const storage = new RedisThrottlerStorage(createRateLimitRedis(UNREACHABLE, 'p:'), logger, 'open');
    try {
      expect(await storage.increment('k', 60_000, 5, 60_000)).toEqual(UNCOUNTED);
      expect(logger.warn.mock.calls).toEqual([
        [
          'Redis for rate limits is unavailable (not connected): requests are NOT rate limited until it is back (RATE_LIMIT_FAIL_MODE=open)',
        ],
      ]);
    } finally {
      await storage.onApplicationShutdown();
    }
  });

  it('answers a ping with nothing, at once, while not connected', async () => {
    const storage = new RedisThrottlerStorage(createRateLimitRedis(UNREACHABLE, 'p:'), fakeLogger());
    try {
      const started = performance.now();
      expect(await storage.ping()).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(100);
    } finally {
      await storage.onApplicationShutdown();
    }
  });

  it('connects without throwing when Redis is not there, and keeps retrying in the background', async () => {
    const logger = fakeLogger();
    const storage = await RedisThrottlerStorage.connect(UNREACHABLE, { keyPrefix: 'wellclinic:ratelimit:', logger });
    try {
      expect(['connecting', 'reconnecting']).toContain(storage.status);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toContain('(ECONNREFUSED)');
    } finally {
      await storage.onApplicationShutdown();
    }
    // Errors while closing are not news.
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('is a no-op to shut down twice', async () => {
    const storage = new RedisThrottlerStorage(createRateLimitRedis(UNREACHABLE, 'p:'), fakeLogger());
    await storage.onApplicationShutdown();
    await expect(storage.onApplicationShutdown()).resolves.toBeUndefined();
  });
});
