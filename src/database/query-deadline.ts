import { randomBytes } from 'node:crypto';
import pg, { type Pool, type PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { preparedNameOf } from '../common/persistence/prepared-statements.js';

/** The driver's pg pool behind a TypeORM DataSource (TypeORM keeps it as `driver.master`). */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** pg's error when a query outlives `query_timeout`. */
export function isQueryReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/** Told of every query abandoned at its deadline, in this process (the metrics count them). */
const deadlineListeners = new Set<() => void>();

/** Calls `listener` for each query that hits the client-side deadline; returns the way to stop. */
export function onQueryDeadline(listener: () => void): () => void {
  deadlineListeners.add(listener);
  return () => deadlineListeners.delete(listener);
}

/** The app's pool options: pg's, and whether to run registered statements as named ones (see preparedStatement). */
export interface AppClientConfig extends pg.ClientConfig {
  preparedStatements?: boolean;
}

/**
 * The pool's client (pg-pool's `Client` option): one whose query hit `query_timeout` closes itself at once.
 * Such a connection is mid-protocol (the answer may still arrive, and everything sent after it queues behind it),
 * and nothing tells pg-pool so: TypeORM would send its ROLLBACK there and wait out a second deadline, then hand
 * the connection back without an error, to be reused. Closed, the ROLLBACK fails at once, the pool drops the
 * connection on release, and after a network partition it reconnects from scratch.
 *
 * With `preparedStatements`, a query whose text was registered (`preparedStatement`) is sent as a named statement:
 * pg parses it on this connection the first time and only binds and executes it afterwards.
 */
export class DeadlineClient extends pg.Client {
  constructor(config?: string | AppClientConfig) {
    super(config);
    const prepares = typeof config === 'object' && config.preparedStatements === true;
    // Names of this client's own: a server session shared by successive clients (PGlite served over a socket) still
    // holds what an earlier client prepared, which this one, not knowing it, would prepare again under the same name.
    const namespace = `wc_${randomBytes(4).toString('hex')}_`;
    const query = super.query.bind(this) as (...args: unknown[]) => unknown;
    const closeOnTimeout = (error: unknown) => {
      if (!isQueryReadTimeout(error)) return;
      for (const listener of deadlineListeners) listener();
      void this.end();
    };
    /**
     * For a named statement, also closes the client when the server no longer has it or can no longer run it as
     * prepared (see STALE_STATEMENT): pg, which still lists it as parsed, would skip its Parse on this connection for
     * good. A closed client is dropped by the pool, and with it pg's list.
     */
    const closeOnTimeoutOrStale = (error: unknown) => {
      if (STALE_STATEMENT.has((error as { code?: unknown } | null)?.code as string)) void this.end();
      else closeOnTimeout(error);
    };
    // An own property rather than an override: `query` has a dozen overloads, all of which this keeps.
    this.query = ((...args: unknown[]) => {
      const [text, values] = args;
      const shape = prepares && typeof text === 'string' ? preparedNameOf(text) : undefined;
      if (shape !== undefined) args.splice(0, Array.isArray(values) ? 2 : 1, { name: namespace + shape, text, values });
      const onError = shape === undefined ? closeOnTimeout : closeOnTimeoutOrStale;
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (error: unknown, ...rest: unknown[]) => {
          onError(error);
          (callback as (...a: unknown[]) => unknown)(error, ...rest);
        };
      }
      const result = query(...args);
      // Registered before the caller's own handlers, so the client is closed before they run.
      if (result instanceof Promise) result.catch(onError);
      return result;
    }) as pg.Client['query'];
  }
}

/** What pg keeps on a client that its typings leave out. */
interface ClientInternals {
  connectionParameters: { query_timeout?: number };
}

/**
 * A named statement the server lost (26000: a DEALLOCATE, or a pooler that moved the session) or can no longer run
 * with the types it was prepared with (42804, 0A000: a migration changed a column it writes). The query fails; the
 * client is closed, so the pool's next connection prepares it afresh.
 */
const STALE_STATEMENT = new Set(['26000', '42804', '0A000']);

/**
 * How long one statement of maintenance work (migrations, the daily retention purge) may run on the server.
 * DB_STATEMENT_TIMEOUT_MS is made for requests (below DB_QUERY_TIMEOUT_MS, seconds); a migration over a large table
 * or the first purge after a retention change may need minutes, and nobody waits for them over HTTP.
 */
export const MAINTENANCE_STATEMENT_TIMEOUT_MS = 10 * 60_000;

/** `release(error)` makes pg-pool drop the connection instead of reusing it. */
type ReleasableQueryRunner = QueryRunner & { releasePostgresConnection?(error?: Error): Promise<void> };

/**
 * Runs maintenance work in one transaction on a connection of its own, without the client-side query deadline and
 * with MAINTENANCE_STATEMENT_TIMEOUT_MS as the server's statement timeout. The timeout is `SET LOCAL`, and every
 * statement runs inside the transaction: through PgBouncer in transaction pooling, a session-level `SET` would land
 * on whichever server connection the pooler picked, outlive this work and slow other clients' requests. `work` may
 * take transaction-level advisory locks (`pg_advisory_xact_lock`), released with the commit or the rollback. A
 * connection whose commit or rollback failed is dropped, not reused.
 */
export async function withMaintenanceTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager, queryRunner: QueryRunner) => Promise<T>,
): Promise<T> {
  const queryRunner = dataSource.createQueryRunner() as ReleasableQueryRunner;
  const connection = (await queryRunner.connect()) as PoolClient;
  let broken: Error | undefined;
  try {
    return await withoutQueryDeadline(connection, async () => {
      await queryRunner.startTransaction().catch((error: Error) => {
        broken = error;
        throw error;
      });
      let result: T;
      try {
        await queryRunner.query(`SET LOCAL statement_timeout = ${MAINTENANCE_STATEMENT_TIMEOUT_MS}`);
        result = await work(queryRunner.manager, queryRunner);
      } catch (error) {
        await queryRunner.rollbackTransaction().catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
      await queryRunner.commitTransaction().catch((error: Error) => {
        broken = error;
        throw error;
      });
      return result;
    });
  } finally {
    if (broken && queryRunner.releasePostgresConnection) await queryRunner.releasePostgresConnection(broken);
    else await queryRunner.release();
  }
}

/**
 * Runs `work` on one connection without the client-side query deadline: migrations at startup (and waiting
 * for another instance's migrations under the advisory lock) may legitimately take longer than a request
 * may wait. The server's statement timeout still bounds each statement.
 */
export async function withoutQueryDeadline<T>(connection: PoolClient, work: () => Promise<T>): Promise<T> {
  const parameters = (connection as unknown as ClientInternals).connectionParameters;
  const deadline = parameters.query_timeout;
  parameters.query_timeout = undefined;
  try {
    return await work();
  } finally {
    parameters.query_timeout = deadline;
  }
}
