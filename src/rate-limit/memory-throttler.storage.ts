import type { OnApplicationShutdown } from '@nestjs/common';
import {
  type CounterStore,
  hitWindow,
  type ThrottlerStorageRecord,
  toStorageRecord,
  type WindowState,
} from './fixed-window.js';

/** How often (by the store's clock) finished windows are dropped. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Counters in this process's memory: the default, right for a single instance (and for embedded mode).
 * The clock is injectable so tests can move time instead of waiting.
 */
export class MemoryThrottlerStorage implements CounterStore, OnApplicationShutdown {
  private readonly windows = new Map<string, WindowState>();
  private nextSweepAt = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Number of live counters (for tests and diagnostics). */
  get size(): number {
    return this.windows.size;
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const now = this.clock();
    this.sweep(now);
    const state = hitWindow(this.windows.get(key), now, ttl, limit, blockDuration);
    this.windows.set(key, state);
    return Promise.resolve(toStorageRecord(state.hits, state.expiresAt - now, limit));
  }

  refund(key: string): Promise<void> {
    const state = this.windows.get(key);
    if (state !== undefined && state.expiresAt > this.clock() && state.hits > 0) state.hits -= 1;
    return Promise.resolve();
  }

  forget(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  onApplicationShutdown(): void {
    this.windows.clear();
  }

  private sweep(now: number): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, state] of this.windows) {
      if (state.expiresAt <= now) this.windows.delete(key);
    }
  }
}
