import { AppException } from '../common/errors/app-exception.js';
import { RATE_LIMIT_POLICIES, type RateLimitPolicy } from '../config/app-config.js';
import type { ThrottlerStorageRecord } from './fixed-window.js';

/** A policy's numbers as the stores take them: the window (and the block after a refusal) in milliseconds. */
export interface PolicyLimit {
  policy: RateLimitPolicy;
  limit: number;
  windowMs: number;
}

/**
 * The policies that apply to a route, in a fixed order, with their limits: `general` on every route,
 * `login` and `submission` only where opted in; none at all under @SkipRateLimit().
 */
export function applicablePolicies(
  rateLimits: Readonly<Record<RateLimitPolicy, { readonly limit: number; readonly windowSeconds: number }>>,
  route: { skip: boolean; optIns: readonly RateLimitPolicy[] },
): PolicyLimit[] {
  if (route.skip) return [];
  return RATE_LIMIT_POLICIES.filter((policy) => policy === 'general' || route.optIns.includes(policy)).map(
    (policy) => ({ policy, limit: rateLimits[policy].limit, windowMs: rateLimits[policy].windowSeconds * 1000 }),
  );
}

/** What one counter said about one request. */
export interface CounterOutcome extends ThrottlerStorageRecord {
  limit: number;
}

function remaining(outcome: CounterOutcome): number {
  return outcome.isBlocked ? 0 : Math.max(0, outcome.limit - outcome.totalHits);
}

function resetSeconds(outcome: CounterOutcome): number {
  return Math.max(1, outcome.isBlocked ? outcome.timeToBlockExpire : outcome.timeToExpire);
}

/**
 * The counter closest to refusing: a blocked one, else the fewest requests remaining, then the longest
 * wait, then the lowest limit. Undefined when no counter answered (none applied, or the store was
 * unavailable).
 */
export function mostConstrained(outcomes: readonly CounterOutcome[]): CounterOutcome | undefined {
  let best: CounterOutcome | undefined;
  for (const outcome of outcomes) {
    if (best === undefined) {
      best = outcome;
      continue;
    }
    const order = [
      Number(best.isBlocked) - Number(outcome.isBlocked),
      remaining(outcome) - remaining(best),
      resetSeconds(best) - resetSeconds(outcome),
      outcome.limit - best.limit,
    ].find((difference) => difference !== 0);
    if (order !== undefined && order < 0) best = outcome;
  }
  return best;
}

/** `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the counter resets). */
export function rateLimitHeaders(outcome: CounterOutcome): Record<string, string> {
  return {
    'RateLimit-Limit': String(outcome.limit),
    'RateLimit-Remaining': String(remaining(outcome)),
    'RateLimit-Reset': String(resetSeconds(outcome)),
  };
}

/** The 429 for a counter over its limit: problem+json through the filter, with Retry-After and RateLimit-*. */
export function rateLimitedException(outcome: CounterOutcome): AppException {
  const wait = resetSeconds(outcome);
  return new AppException('rate_limited', `Too many requests. Retry in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`, {
    headers: { 'Retry-After': String(wait), ...rateLimitHeaders(outcome) },
  });
}

/**
 * Retry-After of a refusal because the shared store could not count (RATE_LIMIT_FAIL_MODE=closed): about how long
 * the Redis client takes between reconnection attempts (at most 5 s), so a retry has a chance to be counted.
 */
export const STORE_UNAVAILABLE_RETRY_SECONDS = 5;

/** The counter of a policy that fails closed while its store is unreachable: refused, with no count to report. */
export function storeUnavailableOutcome(limit: number): CounterOutcome {
  return {
    totalHits: 0,
    limit,
    timeToExpire: STORE_UNAVAILABLE_RETRY_SECONDS,
    isBlocked: true,
    timeToBlockExpire: STORE_UNAVAILABLE_RETRY_SECONDS,
  };
}
