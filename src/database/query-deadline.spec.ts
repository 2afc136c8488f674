import type { PoolClient } from 'pg';
import { DeadlineClient, isQueryReadTimeout, withoutQueryDeadline } from './query-deadline.js';

/** A client that never connects (every query goes unanswered), and counts how often it was closed. */
function silentClient() {
  const client = new DeadlineClient({ query_timeout: 1 });
  const closed = { count: 0 };
  client.end = () => {
    closed.count += 1;
    return Promise.resolve();
  };
  return { client, closed };
}

describe('DeadlineClient', () => {
  it('closes itself when a query hits query_timeout, before the caller sees the error', async () => {
    const { client, closed } = silentClient();
    const error = await client.query('SELECT 1').catch((e: unknown) => ({ e, closedThen: closed.count }));
    expect(error).toEqual({ e: new Error('Query read timeout'), closedThen: 1 });
  });

  it('does the same for callback-style queries (pg-pool’s pool.query)', async () => {
    const { client, closed } = silentClient();
    const seen = await new Promise((resolve) =>
      client.query('SELECT 1', [], (error: Error | null) => resolve({ message: error?.message, closed: closed.count })),
    );
    expect(seen).toEqual({ message: 'Query read timeout', closed: 1 });
  });
});

describe('isQueryReadTimeout', () => {
  it("recognizes pg's query_timeout error only", () => {
    expect(isQueryReadTimeout(new Error('Query read timeout'))).toBe(true);
    expect(isQueryReadTimeout(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isQueryReadTimeout({ message: 'Query read timeout' })).toBe(false);
  });
});

describe('withoutQueryDeadline', () => {
  it('lifts the deadline for the work only, and puts it back even when the work fails', async () => {
    const connection = { connectionParameters: { query_timeout: 5000 as number | undefined } };
    const seen = await withoutQueryDeadline(connection as unknown as PoolClient, () =>
      Promise.resolve(connection.connectionParameters.query_timeout),
    );
    expect(seen).toBeUndefined();
    expect(connection.connectionParameters.query_timeout).toBe(5000);
    await expect(
      withoutQueryDeadline(connection as unknown as PoolClient, () => Promise.reject(new Error('migration failed'))),
    ).rejects.toThrow('migration failed');
    expect(connection.connectionParameters.query_timeout).toBe(5000);
  });
});
