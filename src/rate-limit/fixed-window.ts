import type { ThrottlerStorage } from '@nestjs/throttler';

/** What a store answers for one hit (throttler v6 does not export the type from its entry point). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Both stores: throttler v6's `increment`, plus `refund`, which takes one hit back from a live counter. A sign-in
 * attempt is charged as a failure before it runs (so concurrent attempts cannot all slip past a check) and refunded
 * when it turns out not to be one.
 */
export interface CounterStore extends ThrottlerStorage {
  refund(key: string): Promise<void>;
  /** Drops a counter altogether (an admin lifts a lock); a no-op when there is none. */
  forget(key: string): Promise<void>;
}

/**
 * The counting rule both stores share (the Redis script mirrors `hitWindow` line for line): a fixed window
 * that starts with a key's first hit. The hit that goes over the limit starts a block of `blockMs`; the
 * counter lives until the block ends, so later hits neither count towards a new window nor extend the block,
 * and once it ends the client starts afresh (throttler v6's blocking semantics).
 */
export interface WindowState {
  hits: number;
  /** Epoch milliseconds at which the window (or the block) ends. */
  expiresAt: number;
}

/** A block of zero would end before it began: fall back to one window, as throttler v6 does by default. */
export function effectiveBlockMs(ttlMs: number, blockMs: number): number {
  return blockMs > 0 ? blockMs : ttlMs;
}

export function hitWindow(
  state: WindowState | undefined,
  now: number,
  ttlMs: number,
  limit: number,
  blockMs: number,
): WindowState {
  const fresh = state === undefined || state.expiresAt <= now;
  const hits = (fresh ? 0 : state.hits) + 1;
  let expiresAt = fresh ? now + ttlMs : state.expiresAt;
  if (hits === limit + 1) expiresAt = now + effectiveBlockMs(ttlMs, blockMs);
  return { hits, expiresAt };
}

/** A counter's state as throttler v6 reads it; times in whole seconds, rounded up. */
export function toStorageRecord(hits: number, msLeft: number, limit: number): ThrottlerStorageRecord {
  const secondsLeft = Math.max(1, Math.ceil(msLeft / 1000));
  const isBlocked = hits > limit;
  return { totalHits: hits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
}
