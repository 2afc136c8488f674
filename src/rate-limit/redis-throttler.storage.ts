import { Logger, type LoggerService, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type CounterStore, effectiveBlockMs, type ThrottlerStorageRecord, toStorageRecord } from './fixed-window.js';

/**
 * `hitWindow` (fixed-window.ts) in one atomic step: INCR, then PEXPIRE on the first hit (the window) or on
 * the hit that goes over the limit (the block). Returns the count and the milliseconds left.
 * KEYS[1] the counter; ARGV: window ms, limit, block ms.
 */
export const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == tonumber(ARGV[2]) + 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
elseif hits == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

/** One hit back from a live counter (never below zero, never creating one). KEYS[1] the counter. */
export const REFUND_SCRIPT = `
local hits = redis.call('GET', KEYS[1])
if hits and tonumber(hits) > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

/** A counter the store could not reach: the request was let through uncounted. */
export interface UncountedRecord extends ThrottlerStorageRecord {
  unavailable: true;
}

export function isUncounted(record: ThrottlerStorageRecord): record is UncountedRecord {
  return (record as Partial<UncountedRecord>).unavailable === true;
}

const UNCOUNTED: UncountedRecord = {
  totalHits: 0,
  timeToExpire: 0,
  isBlocked: false,
  timeToBlockExpire: 0,
  unavailable: true,
};

/**
 * A short, log-safe label for a Redis failure: the socket error code (ECONNREFUSED), the Redis error word
 * (READONLY, OOM, NOAUTH), else the error's name. Never the message: it can name hosts or echo input.
 */
export function redisErrorLabel(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
  if (name === 'ReplyError' && typeof message === 'string') {
    const word = /^[A-Z]+/.exec(message)?.[0];
    if (word) return word;
  }
  if (typeof message === 'string' && /timed out/i.test(message)) return 'command timed out';
  if (typeof message === 'string' && /enableOfflineQueue/.test(message)) return 'not connected';
  return typeof name === 'string' && name !== '' ? name : 'unknown error';
}

export interface RedisStorageOptions {
  /** Every key starts with it; default `wellclinic:ratelimit:`. */
  keyPrefix: string;
  logger?: Pick<LoggerService, 'log' | 'warn'>;
}

/**
 * Fail-fast client: a Redis that is down or slow must cost a request milliseconds, not seconds. Commands are
 * never queued while disconnected (they fail at once) and the client keeps reconnecting in the background.
 */
export function createRateLimitRedis(url: string, keyPrefix: string): Redis {
  return new Redis(url, {
    keyPrefix,
    connectionName: 'wellclinic-ratelimit',
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    // How long a disconnecting socket may take to close before it is destroyed (default 2 s). ioredis arms this
    // timer even when the socket is already closed (Redis down at shutdown), and it holds the process that long.
    disconnectTimeout: 200,
  });
}

type RateLimitRedis = Redis & {
  rateLimitHit(key: string, ttlMs: number, limit: number, blockMs: number): Promise<[number, number]>;
  rateLimitRefund(key: string): Promise<number>;
};

/**
 * Counters in Redis, shared by every instance of the API. One round trip per counter (a Lua script, so
 * concurrent requests on several instances count exactly).
 */
export class RedisThrottlerStorage implements CounterStore, OnApplicationShutdown {
  private readonly client: RateLimitRedis;
  private readonly logger: Pick<LoggerService, 'log' | 'warn'>;
  /** Undefined until the first connection attempt settles; transitions are logged once each. */
  private available: boolean | undefined;
  private closing = false;

  constructor(client: Redis, logger?: Pick<LoggerService, 'log' | 'warn'>) {
    client.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    client.defineCommand('rateLimitRefund', { numberOfKeys: 1, lua: REFUND_SCRIPT });
    this.client = client as RateLimitRedis;
    this.logger = logger ?? new Logger('RateLimit');
    // Without an 'error' listener, ioredis would crash the process on the first connection failure.
    client.on('error', (error: unknown) => this.markUnavailable(error));
    client.on('ready', () => this.markAvailable());
  }

  /**
   * Connects, waiting at most the connect timeout. A Redis that is not there at boot does not stop the API:
   * the failure is logged, requests pass unthrottled, and the client keeps trying to reconnect.
   */
  static async connect(url: string, options: RedisStorageOptions): Promise<RedisThrottlerStorage> {
    const storage = new RedisThrottlerStorage(createRateLimitRedis(url, options.keyPrefix), options.logger);
    await storage.client.connect().catch((error: unknown) => storage.markUnavailable(error));
    return storage;
  }

  /** The ioredis connection status (`ready`, `reconnecting`, `end`, ...). */
  get status(): string {
    return this.client.status;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const ttlMs = Math.max(1, Math.round(ttl));
    const blockMs = Math.max(1, Math.round(effectiveBlockMs(ttlMs, blockDuration)));
    try {
      const [hits, msLeft] = await this.client.rateLimitHit(key, ttlMs, limit, blockMs);
      this.markAvailable();
      return toStorageRecord(Number(hits), Number(msLeft), limit);
    } catch (error) {
      // FAIL OPEN, deliberately: rate limiting protects the API, it must not take it down. While Redis is
      // unreachable or failing, requests pass uncounted (a warning is logged once, without the key: it holds
      // the client's IP).
      this.markUnavailable(error);
      return { ...UNCOUNTED };
    }
  }

  async refund(key: string): Promise<void> {
    try {
      await this.client.rateLimitRefund(key);
      this.markAvailable();
    } catch (error) {
      this.markUnavailable(error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.client.status === 'end') return;
    if (this.client.status === 'ready') {
      const ended = this.ended(1000);
      try {
        await this.client.quit();
        await ended;
        return;
      } catch {
        // Fall through: drop the connection.
      }
    }
    this.client.disconnect();
  }

  /** Resolves when the connection has closed, or after `ms` at most. */
  private ended(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.client.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private markUnavailable(error: unknown): void {
    if (this.closing || this.available === false) return;
    this.available = false;
    this.logger.warn(
      `Redis for rate limits is unavailable (${redisErrorLabel(error)}): requests are NOT rate limited until it is back (fail open)`,
    );
  }

  private markAvailable(): void {
    if (this.available === true) return;
    if (this.available === false) this.logger.log('Redis for rate limits is reachable again: rate limiting resumed');
    this.available = true;
  }
}
