import { Inject, Injectable } from '@nestjs/common';
import type { CounterStore } from './fixed-window.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.options.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/** What the readiness probe reports of the shared rate-limit store. */
export type RateLimitStoreState = { reachable: true; responseTime: number } | { reachable: false };

/**
 * The rate limits' Redis, as the readiness probe sees it. An unreachable Redis degrades the instance (sign-ins and
 * submissions refused or uncounted, per RATE_LIMIT_FAIL_MODE) but does not make it unready: every instance shares
 * the one Redis, so taking them all out of the load balancer would turn a degraded API into no API.
 */
@Injectable()
export class RateLimitStoreHealth {
  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: CounterStore) {}

  /** False when the counters are in this process's memory (no REDIS_URL): nothing to report. */
  get shared(): boolean {
    return this.storage instanceof RedisThrottlerStorage;
  }

  async check(): Promise<RateLimitStoreState> {
    const responseTime = this.storage instanceof RedisThrottlerStorage ? await this.storage.ping() : 0;
    return responseTime === undefined ? { reachable: false } : { reachable: true, responseTime };
  }
}
