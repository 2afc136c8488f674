import type { DataSource, EntityManager } from 'typeorm';
import { sqlState } from '../errors/database-errors.js';
import { mapLimited } from '../outbox/map-limited.js';
import {
  type InsertTogetherOptions,
  type InsertUnit,
  insertUnit,
  insertUnits,
  type PendingRow,
} from './insert-together.js';

export interface GroupCommitOptions {
  /** Calls sent in one statement at most (1: each alone, as `insertTogether`). */
  maxUnits: number;
  /** Statements of this kind running at once at most; calls arriving meanwhile wait to go together. */
  maxInFlight: number;
}

interface Waiting {
  unit: InsertUnit;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Errors that one call's rows can cause, reported by the server for a statement it rolled back: a data exception
 * (class 22), a constraint violation (23), a serialization failure or deadlock with another statement (40001, 40P01),
 * a statement cancelled while it waited on a row another transaction holds (57014 statement_timeout, 55P03
 * lock_not_available). The statement stored nothing, so each of its calls is tried alone, and only the one at fault
 * fails. Any other failure (a lost connection, the client's own deadline, whose outcome is unknown; the database
 * shutting down) is every call's, and reaches them all.
 */
const ONE_CALLS_CLASSES = new Set(['22', '23']);
const ONE_CALLS_CODES = new Set(['40001', '40P01', '57014', '55P03']);

function isOneCallsFault(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (ONE_CALLS_CLASSES.has(code.slice(0, 2)) || ONE_CALLS_CODES.has(code));
}

/** The largest power of two not above `n` (n ≥ 1): few statement shapes to prepare per template. */
function batchSize(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

/**
 * Group commit of `insertTogether` calls made outside a transaction: while `maxInFlight` such statements are running,
 * the calls that arrive wait, and the next statement takes those of one shape together (up to `maxUnits`, in a power
 * of two), each call's rows under names of their own, its own `ON CONFLICT` and condition. One statement and one
 * commit for many: the database parses, plans, executes and flushes its log once for all of them, and the app sends
 * one query. A lone call is sent at once, so a quiet instance waits for nothing; under load, what a call waits for is
 * a statement that is running anyway.
 *
 * Every call gets its own answer: whether its first row was inserted. A statement refused because of one call's rows
 * (a constraint violation) stored nothing; its calls are then sent alone, so only that call fails, as it would have.
 * Two calls with the same guarding first row (one idempotency key) in one statement: the first inserted wins, the
 * other answers false, as it would after the first had committed.
 */
export class GroupCommit {
  private readonly waiting = new Map<string, Waiting[]>();
  private inFlight = 0;

  constructor(
    private readonly manager: EntityManager,
    private readonly options: GroupCommitOptions,
  ) {}

  insert(rows: readonly PendingRow[], options?: InsertTogetherOptions): Promise<boolean> {
    const unit = insertUnit(this.manager, rows, options);
    if (unit === undefined) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      const queue = this.waiting.get(unit.template);
      if (queue) queue.push({ unit, resolve, reject });
      else this.waiting.set(unit.template, [{ unit, resolve, reject }]);
      this.pump();
    });
  }

  /** Sends what waits while there is room: the longest-waiting shape first, then the others in turn. */
  private pump(): void {
    while (this.inFlight < this.options.maxInFlight) {
      const next = this.waiting.entries().next();
      if (next.done) return;
      const [template, queue] = next.value;
      const batch = queue.splice(0, batchSize(Math.min(queue.length, this.options.maxUnits)));
      // To the back of the line: shapes take turns.
      this.waiting.delete(template);
      if (queue.length > 0) this.waiting.set(template, queue);
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async send(batch: readonly Waiting[]): Promise<void> {
    try {
      const inserted = await insertUnits(
        this.manager,
        batch.map((call) => call.unit),
      );
      batch.forEach((call, i) => call.resolve(inserted[i]));
    } catch (error) {
      if (batch.length === 1 || !isOneCallsFault(error)) {
        for (const call of batch) call.reject(error);
        return;
      }
      // Alone, and no more at once than the statements this group may run.
      await mapLimited(batch, this.options.maxInFlight, (call) =>
        insertUnits(this.manager, [call.unit]).then(([inserted]) => call.resolve(inserted), call.reject),
      );
    }
  }
}

/**
 * Statements of one kind at once for a pool of `poolMax` connections: a quarter of it (at least one), leaving the rest
 * to reads and the background work, and making the writes that arrive meanwhile wait to go together.
 */
export function groupCommitInFlight(poolMax: number): number {
  return Math.max(1, Math.ceil(poolMax / 4));
}

const groupCommits = new WeakMap<DataSource, GroupCommit>();

/** Turns group commit on for `dataSource`'s `insertTogether` calls made outside a transaction (AggregateRepository). */
export function enableGroupCommit(dataSource: DataSource, options: GroupCommitOptions): void {
  groupCommits.set(dataSource, new GroupCommit(dataSource.manager, options));
}

/** The data source's group commit, when enabled. */
export function groupCommitOf(dataSource: DataSource): GroupCommit | undefined {
  return groupCommits.get(dataSource);
}
