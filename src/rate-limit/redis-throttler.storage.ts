import { Logger, type LoggerService, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import { redisErrorLabel } from '../common/redis/redis-error-label.js';
import type { RateLimitFailMode } from '../config/environment.js';
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

/** A counter the store could not reach: the request was not counted (the guard decides whether it passes). */
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

export interface RedisStorageOptions {
  /** Every key starts with it; default `wellclinic:ratelimit:`. */
  keyPrefix: string;
  logger?: Pick<LoggerService, 'log' | 'warn'>;
  /** What the guard does with requests the store cannot count (RATE_LIMIT_FAIL_MODE); only the warning says it. */
  failMode?: RateLimitFailMode;
}

/** What an outage means for requests, in the warning logged when Redis becomes unavailable. */
const OUTAGE_EFFECT: Record<RateLimitFailMode, string> = {
  closed:
    'sign-ins and submissions are refused with 429, other requests pass uncounted, until it is back (RATE_LIMIT_FAIL_MODE=closed)',
  open: 'requests are NOT rate limited until it is back (RATE_LIMIT_FAIL_MODE=open)',
};

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
  private readonly failMode: RateLimitFailMode;
  /** Undefined until the first connection attempt settles; transitions are logged once each. */
  private available: boolean | undefined;
  private closing = false;

  constructor(client: Redis, logger?: Pick<LoggerService, 'log' | 'warn'>, failMode: RateLimitFailMode = 'closed') {
    client.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    client.defineCommand('rateLimitRefund', { numberOfKeys: 1, lua: REFUND_SCRIPT });
    this.client = client as RateLimitRedis;
    this.logger = logger ?? new Logger('RateLimit');
    this.failMode = failMode;
    // Without an 'error' listener, ioredis would crash the process on the first connection failure.
    client.on('error', (error: unknown) => this.markUnavailable(error));
    client.on('ready', () => this.markAvailable());
  }

  /**
   * Connects, waiting at most the connect timeout. A Redis that is not there at boot does not stop the API:
   * the failure is logged, requests are handled as the fail mode says, and the client keeps trying to reconnect.
   */
  static async connect(url: string, options: RedisStorageOptions): Promise<RedisThrottlerStorage> {
    const client = createRateLimitRedis(url, options.keyPrefix);
    const storage = new RedisThrottlerStorage(client, options.logger, options.failMode);
    await storage.client.connect().catch((error: unknown) => storage.markUnavailable(error));
    return storage;
  }

  /** The ioredis connection status (`ready`, `reconnecting`, `end`, ...). */
  get status(): string {
    return this.client.status;
  }

  /**
   * A round trip to Redis, for the readiness probe: the milliseconds it took, or undefined when Redis did not
   * answer (not connected: at once; connected but silent: after the 500 ms command timeout).
   */
  async ping(): Promise<number | undefined> {
    const started = performance.now();
    try {
      await this.client.ping();
      return Math.round(performance.now() - started);
    } catch {
      return undefined;
    }
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const ttlMs = Math.max(1, Math.round(ttl));
    const blockMs = Math.max(1, Math.round(effectiveBlockMs(ttlMs, blockDuration)));
    try {
      const [hits, msLeft] = await this.client.rateLimitHit(key, ttlMs, limit, blockMs);
      this.markAvailable();
      return toStorageRecord(Number(hits), Number(msLeft), limit);
    } catch (error) {
      // Uncounted, not an error: rate limiting must not take the API down. The guard decides per policy whether an
      // uncounted request passes (general and site budgets; login and submission with RATE_LIMIT_FAIL_MODE=open) or
      // is refused. A warning is logged once, without the key: it holds the client's IP.
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

  async forget(key: string): Promise<void> {
    try {
      await this.client.del(key);
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
      `Redis for rate limits is unavailable (${redisErrorLabel(error)}): ${OUTAGE_EFFECT[this.failMode]}`,
    );
  }

  private markAvailable(): void {
    if (this.available === true) return;
    if (this.available === false) this.logger.log('Redis for rate limits is reachable again: rate limiting resumed');
    this.available = true;
  }
}
