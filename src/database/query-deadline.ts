import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/** The driver's pg pool behind a TypeORM DataSource (TypeORM keeps it as `driver.master`). */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** What pg keeps on a client that its typings leave out. */
interface ClientInternals {
  /** False from the moment a query is sent until the server's ReadyForQuery. */
  readyForQuery?: boolean;
  connectionParameters: { query_timeout?: number };
}

/**
 * A query that hit `query_timeout` leaves its connection mid-protocol: the answer may still arrive, and
 * would be read as the answer to the next query. pg-pool only discards a connection released with an error,
 * and TypeORM releases without one: close every connection that comes back while a query is unanswered
 * (`end()` destroys the socket of a client with a query in flight), so the pool removes it instead of
 * reusing it. After a network partition, the pool then reconnects from scratch.
 */
export function discardUnansweredConnections(pool: Pool): void {
  pool.on('release', (error, client) => {
    if (error || (client as unknown as ClientInternals).readyForQuery !== false) return;
    void client.end();
  });
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
