import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { AppConfig } from '../config/app-config.js';
import { JobRunsRepository } from './job-runs.repository.js';

/**
 * Work that falls due at instants stored in rows (a scheduled publication, a promised reply time) rather than in
 * fixed slots: each run does whatever is due by then and marks each row done in the same transaction, so nothing is
 * done twice, whichever instance runs it and however late.
 */
export interface Sweep<C = unknown> {
  /** Names the sweep in its lock and logs: `article-go-live`. */
  readonly name: string;
  /**
   * What the run needs that is read elsewhere (another feature's service, a cache), read before its transaction opens:
   * on the embedded database the transaction holds the only connection.
   */
  prepare?(now: Date): Promise<C>;
  /** Does what is due at `now` and marks it done, in the run's transaction; returns how many rows it did. */
  run(manager: EntityManager, now: Date, context: C): Promise<number>;
}

/**
 * A sweep over rows that fall due: takes the due ones (locked, so a concurrent run skips them), does each one's work
 * (enqueues its event, say) and marks them all done, in one transaction.
 */
export function markingSweep<Row extends { id: string }, C = undefined>(
  name: string,
  steps: {
    prepare?: (now: Date) => Promise<C>;
    due(manager: EntityManager, now: Date): Promise<Row[]>;
    each(manager: EntityManager, row: Row, context: C): Promise<void>;
    mark(manager: EntityManager, ids: string[], now: Date): Promise<void>;
  },
): Sweep<C> {
  return {
    name,
    prepare: steps.prepare,
    async run(manager, now, context) {
      const due = await steps.due(manager, now);
      for (const row of due) await steps.each(manager, row, context);
      await steps.mark(
        manager,
        due.map((row) => row.id),
        now,
      );
      return due.length;
    },
  };
}

/** How many rows a run did, or that another instance was running the sweep. */
export type SweepOutcome = { status: 'ran'; done: number } | { status: 'running-elsewhere' };

/**
 * Runs sweeps on one instance at a time: each run is one transaction that first takes the transaction-level advisory
 * lock `sweep:<name>` (see JobRunsRepository.tryLock); an instance that finds it taken skips its turn. Unlike
 * ClusterJobs nothing is recorded per run (a sweep runs every few seconds): the rows it marks are the record. The
 * marks alone already keep two runs from doing a row twice (they lock the rows they take); the lock keeps instances
 * from queueing behind each other for nothing.
 *
 * Sweeps announce events, so they run at the webhooks' pace: every NOTIFY_DISPATCH_INTERVAL_MS on each instance
 * (0: only when `run` is called, as in tests).
 */
@Injectable()
export class Sweeps implements OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly runs: JobRunsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Runs `sweep` now, at the clock's now, unless another instance is running it. */
  async run<C>(sweep: Sweep<C>): Promise<SweepOutcome> {
    const now = this.clock.now();
    const context = (await sweep.prepare?.(now)) as C;
    return this.runs.transaction(async (manager): Promise<SweepOutcome> => {
      if (!(await this.runs.tryLock(`sweep:${sweep.name}`, manager))) return { status: 'running-elsewhere' };
      return { status: 'ran', done: await sweep.run(manager, now, context) };
    });
  }

  /**
   * Runs `sweep` in the background, each run an interval after the previous one ended; `didWork` is called after
   * each run of this instance that did something, once it committed (to send its events at once, say).
   */
  schedule<C>(sweep: Sweep<C>, didWork: () => void): void {
    const intervalMs = this.config.notifications.dispatchIntervalMs;
    if (intervalMs <= 0 || this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = this.run(sweep)
        .then(
          (outcome) => {
            if (outcome.status === 'ran' && outcome.done > 0) didWork();
          },
          // The name only: a driver's message may quote the statement.
          (error: unknown) => this.logger.error(`${sweep.name} failed: ${(error as Error).name}`),
        )
        .finally(() => {
          this.running.delete(run);
          this.schedule(sweep, didWork);
        });
      this.running.add(run);
    }, intervalMs);
    this.timers.add(timer);
  }

  /** No new runs; the ones under way finish (their transactions commit or roll back) before the pool closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
