import pg, { type Pool, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/** The driver's pg pool behind a TypeORM DataSource (TypeORM keeps it as `driver.master`). */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** pg's error when a query outlives `query_timeout`. */
export function isQueryReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/**
 * The pool's client (pg-pool's `Client` option): one whose query hit `query_timeout` closes itself at once.
 * Such a connection is mid-protocol (the answer may still arrive, and everything sent after it queues behind it),
 * and nothing tells pg-pool so: TypeORM would send its ROLLBACK there and wait out a second deadline, then hand
 * the connection back without an error, to be reused. Closed, the ROLLBACK fails at once, the pool drops the
 * connection on release, and after a network partition it reconnects from scratch.
 */
export class DeadlineClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = super.query.bind(this) as (...args: unknown[]) => unknown;
    const closeOnTimeout = (error: unknown) => {
      if (isQueryReadTimeout(error)) void this.end();
    };
    // An own property rather than an override: `query` has a dozen overloads, all of which this keeps.
    this.query = ((...args: unknown[]) => {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (error: unknown, ...rest: unknown[]) => {
          closeOnTimeout(error);
          (callback as (...a: unknown[]) => unknown)(error, ...rest);
        };
      }
      const result = query(...args);
      // Registered before the caller's own handlers, so the client is closed before they run.
      if (result instanceof Promise) result.catch(closeOnTimeout);
      return result;
    }) as pg.Client['query'];
  }
}

/** What pg keeps on a client that its typings leave out. */
interface ClientInternals {
  connectionParameters: { query_timeout?: number };
}

/**
 * Runs `work` on one connection without the client-side query deadline: migrations at startup (and waiting
 * for another instance's migrations under the advisory lock) may legitimately take longer than a request
 * may wait. DB_STATEMENT_TIMEOUT_MS still bounds each statement on the server.
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
