import { performance } from 'node:perf_hooks';
import { outsideTraces } from '../tracing/span-source.js';

/** Pokes within this window (a burst of new rows) share one run. */
export const POKE_DEBOUNCE_MS = 100;

export interface PollingLoopOptions<R> {
  /** Between runs when there is no backlog; 0: no background runs at all, only `runOnce` when called. */
  intervalMs: number;
  /** One pass over the outbox. */
  run: () => Promise<R>;
  /** Whether a run left more to do (it took a full batch): the next one starts at once. */
  backlog: (result: R) => boolean;
  /** A run that threw (the loop goes on). */
  failed: (error: unknown) => void;
}

/**
 * The background loop of an outbox's dispatcher, on each instance: a run every `intervalMs`, at once again while a
 * run leaves a backlog, and soon after a poke (a transaction that wrote rows committed; pokes during a run make the
 * next run start right after it). Runs never overlap, stay outside the trace of whichever request poked them, and
 * never keep the process alive; `stop` waits for the runs under way.
 */
export class PollingLoop<R> {
  private readonly runs = new Set<Promise<R>>();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private looping = false;
  private pokedDuringRun = false;

  constructor(private readonly options: PollingLoopOptions<R>) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** The first run right away (rows left by the previous process), then the loop. */
  start(): void {
    if (this.options.intervalMs > 0) this.schedule(0);
  }

  poke(): void {
    if (this.options.intervalMs === 0 || this.stopped) return;
    if (this.looping) {
      this.pokedDuringRun = true;
      return;
    }
    this.schedule(POKE_DEBOUNCE_MS);
  }

  /** One run now (tests, and the loop itself), tracked so that `stop` waits for it. */
  runOnce(): Promise<R> {
    const run = this.options.run();
    this.runs.add(run);
    const forget = () => this.runs.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** No new runs; resolves once the runs under way have ended (`beforeWait` can interrupt them first). */
  async stop(beforeWait?: () => void): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    beforeWait?.();
    await Promise.allSettled([...this.runs]);
  }

  /** Arms the timer unless it already fires sooner. */
  private schedule(delayMs: number): void {
    const dueAt = performance.now() + delayMs;
    if (this.stopped || (this.timer && this.timerDueAt <= dueAt)) return;
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    this.looping = true;
    this.pokedDuringRun = false;
    let backlog = false;
    try {
      // Not in the trace of whichever request poked the loop: its timer was set there.
      backlog = this.options.backlog(await outsideTraces(() => this.runOnce()));
    } catch (error) {
      this.options.failed(error);
    } finally {
      this.looping = false;
    }
    this.schedule(backlog || this.pokedDuringRun ? 0 : this.options.intervalMs);
  }
}
