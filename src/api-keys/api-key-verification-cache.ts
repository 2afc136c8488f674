import { LRUCache } from 'lru-cache';
import type { ApiKey } from './api-key.entity.js';

/** How long this instance trusts what the database said of a secret: the bound on a revocation made elsewhere. */
export const VERIFICATION_TTL_MS = 10_000;
/** Secrets remembered at most (least recently used first out): a few MB at worst. */
export const VERIFICATION_MAX_ENTRIES = 10_000;

/** What the database said of one secret hash: its unrevoked key. */
interface Entry {
  key: ApiKey;
}

/**
 * Remembers, per secret hash, the unrevoked key the database holds for it (or that there is none), for `ttlMs` by the
 * given clock, so a key sent with every request of a busy website costs one query per `ttlMs`, not one per request.
 * Concurrent lookups of one hash share one query. Expiry (`expiresAt`) is not cached: callers compare it with their
 * clock on every request. `forget` is for revocations on this instance: the key is dropped at once, and a lookup
 * that was in flight when it happened is not stored (it may have read the row before the revocation committed).
 * Other instances keep what they read for up to `ttlMs`.
 *
 * Hashes with no key are remembered too (a stale key sent with every request then costs nothing), but apart, in a
 * bounded set of their own: a client sending endless made-up keys fills that set, and never pushes a real key out.
 */
export class ApiKeyVerificationCache {
  private readonly entries: LRUCache<string, Entry>;
  /** Hashes the database holds no unrevoked key for. */
  private readonly unknown: LRUCache<string, true>;
  private readonly pending = new Map<string, Promise<ApiKey | null>>();
  /** Bumped by every `forget`: a lookup started under an older generation does not store its answer. */
  private generation = 0;

  constructor(now: () => number, { ttlMs = VERIFICATION_TTL_MS, max = VERIFICATION_MAX_ENTRIES } = {}) {
    // ttlResolution 0: read the clock on every access (an injected clock moves by hand in tests).
    this.entries = new LRUCache<string, Entry>({ max, ttl: ttlMs, ttlResolution: 0, perf: { now } });
    this.unknown = new LRUCache<string, true>({ max, ttl: ttlMs, ttlResolution: 0, perf: { now } });
  }

  /** Whether the answer for this hash is known, so a lookup would not query. */
  has(hash: string): boolean {
    return this.entries.has(hash) || this.unknown.has(hash);
  }

  /** The remembered answer, else `load`'s (shared with concurrent lookups of the same hash, and remembered). */
  lookup(hash: string, load: (hash: string) => Promise<ApiKey | null>): Promise<ApiKey | null> {
    const entry = this.entries.get(hash);
    if (entry !== undefined) return Promise.resolve(entry.key);
    if (this.unknown.get(hash) === true) return Promise.resolve(null);
    const inFlight = this.pending.get(hash);
    if (inFlight !== undefined) return inFlight;

    const generation = this.generation;
    const loading = load(hash)
      .then((key) => {
        if (generation === this.generation) {
          if (key === null) this.unknown.set(hash, true);
          else this.entries.set(hash, { key });
        }
        return key;
      })
      .finally(() => {
        if (this.pending.get(hash) === loading) this.pending.delete(hash);
      });
    this.pending.set(hash, loading);
    return loading;
  }

  /** Forgets a hash at once (its key was revoked), and what lookups in flight will answer. */
  forget(hash: string): void {
    this.generation += 1;
    this.entries.delete(hash);
    this.unknown.delete(hash);
    this.pending.delete(hash);
  }

  /** Remembered hashes, with a key and without (for tests and diagnostics). */
  get size(): number {
    return this.entries.size + this.unknown.size;
  }
}
