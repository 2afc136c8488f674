import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import { discardUnansweredConnections, withoutQueryDeadline } from './query-deadline.js';

/** A pooled client as pg-pool hands it back: whether its last query was answered, and whether it was ended. */
function client(readyForQuery: boolean) {
  const c = { readyForQuery, ended: 0, connectionParameters: { query_timeout: 5000 as number | undefined } };
  return Object.assign(c, { end: () => ((c.ended += 1), Promise.resolve()) });
}

describe('discardUnansweredConnections', () => {
  const pool = new EventEmitter();
  discardUnansweredConnections(pool as unknown as Pool);

  it('ends a connection released while its query is unanswered (query_timeout), so the pool drops it', () => {
    const timedOut = client(false);
    pool.emit('release', undefined, timedOut);
    expect(timedOut.ended).toBe(1);
  });

  it('leaves a connection whose query was answered to the pool', () => {
    const healthy = client(true);
    pool.emit('release', undefined, healthy);
    expect(healthy.ended).toBe(0);
  });

  it('leaves a connection released with an error to pg-pool, which removes it itself', () => {
    const failed = client(false);
    pool.emit('release', new Error('Query read timeout'), failed);
    expect(failed.ended).toBe(0);
  });
});

describe('withoutQueryDeadline', () => {
  it('lifts the deadline for the work only, and puts it back even when the work fails', async () => {
    const c = client(true);
    const seen = await withoutQueryDeadline(c as unknown as PoolClient, () =>
      Promise.resolve(c.connectionParameters.query_timeout),
    );
    expect(seen).toBeUndefined();
    expect(c.connectionParameters.query_timeout).toBe(5000);
    await expect(
      withoutQueryDeadline(c as unknown as PoolClient, () => Promise.reject(new Error('migration failed'))),
    ).rejects.toThrow('migration failed');
    expect(c.connectionParameters.query_timeout).toBe(5000);
  });
});
