/** Injection token of the counter store (a throttler v6 `ThrottlerStorage`). */
export const RATE_LIMIT_STORAGE = 'wellclinic:rate-limit:storage';

/**
 * Optional overrides of the counter store, provided by a global module under `RATE_LIMIT_STORE_OPTIONS`.
 * Production provides none; tests use them to isolate their Redis keys and to move time.
 */
export interface RateLimitStoreOptions {
  /** Redis key prefix; default `wellclinic:ratelimit:`. */
  keyPrefix?: string;
  /** Clock of the in-memory store, epoch milliseconds; default `Date.now`. */
  clock?: () => number;
}

export const RATE_LIMIT_STORE_OPTIONS = 'wellclinic:rate-limit:store-options';
