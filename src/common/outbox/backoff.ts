/** A number in [0, 1), like `Math.random`; injected so tests can pin the jitter. */
export type RandomSource = () => number;

export interface BackoffPolicy {
  /** The ceiling of the first retry's delay; it doubles with every further attempt. */
  readonly baseMs: number;
  /** No ceiling grows past this. */
  readonly maxMs: number;
  /** No delay is shorter than this, so a failing receiver is never hammered. */
  readonly minMs: number;
}

/**
 * The retry policy of the outboxes (webhook deliveries, emails): ceilings of 30 s, 1 min, 2 min, … up to 1 h; in 24
 * hours at least 31 attempts, about 55 on average.
 */
export const WEBHOOK_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 3_600_000, minMs: 1_000 };

/** The largest delay after the `attempt`-th failed attempt (1-based): `baseMs × 2^(attempt-1)`, at most `maxMs`. */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy = WEBHOOK_BACKOFF): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * The delay after the `attempt`-th failed attempt, with "full jitter" (uniform between 0 and the ceiling, at least
 * `minMs`): instances retrying together spread out instead of hitting a recovering receiver at the same instant.
 */
export function backoffDelayMs(attempt: number, random: RandomSource, policy: BackoffPolicy = WEBHOOK_BACKOFF): number {
  const ceiling = backoffCeilingMs(attempt, policy);
  return Math.max(policy.minMs, Math.min(ceiling, Math.floor(random() * ceiling)));
}

/**
 * When to try again after the `attempt`-th failure at `now`, never later than `giveUpAt` (the last attempt is made
 * at that instant); `null` once `giveUpAt` has been reached: the delivery has failed for good.
 */
export function nextAttemptAt(
  now: Date,
  attempt: number,
  giveUpAt: Date,
  random: RandomSource,
  policy: BackoffPolicy = WEBHOOK_BACKOFF,
): Date | null {
  if (now.getTime() >= giveUpAt.getTime()) return null;
  return new Date(Math.min(now.getTime() + backoffDelayMs(attempt, random, policy), giveUpAt.getTime()));
}
