import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pg from 'pg';
import { ManualClock } from '../src/common/clock/clock.js';
import { RECENT_CHANGE_MS, REPLICA_APPLICATION_NAME, REPLICA_RETRY_MS } from '../src/database/read-replicas.js';
import { ADMIN_ARTICLES, createArticle, publishArticle } from './factories/index.js';
import { createScratchDatabase, describeConcurrently, withDatabase } from './setup/test-database.js';
import { createStaff, type StaffMember } from './utils/staff.js';
import { createTestApp, type TestApp } from './utils/test-app.js';
import { until } from './utils/until.js';

/**
 * Issue 17, scenario 6, on a REAL streaming replica of the test server (test/cluster/replica.sh: pg_basebackup -R,
 * its own port, torn down after): public GETs read from the replica, staff reads and writes from the primary, a
 * changed tag's public reads stay on the primary while a replica may lag, and a stopped replica costs public reads
 * nothing but a fallback to the primary within the query deadline. Which server ran a read is observed on the
 * servers themselves (pg_stat_activity), and with replay paused on the replica, by data only one of them has.
 */

const SCRIPT = new URL('./cluster/replica.sh', import.meta.url).pathname;
const QUERY_TIMEOUT_MS = 3_000;
const TTL_MS = 60_000;
const PUBLIC = '/api/v1/articles';

const run = promisify(execFile);

function figures(lines: string[]): void {
  process.stdout.write(`\n${lines.map((line) => `  [replica] ${line}`).join('\n')}\n`);
}

describeConcurrently('public reads from a streaming read replica', () => {
  const clock = new ManualClock(new Date());
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let replicaDir: string | undefined;
  let primary: pg.Client;
  let replica: pg.Client;
  let t: TestApp;
  let editor: StaffMember;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const server = new URL(scratch.url);
    const { stdout } = await run('bash', [SCRIPT, 'start'], {
      env: {
        ...process.env,
        REPLICA_PRIMARY_HOST: server.hostname,
        REPLICA_PRIMARY_PORT: server.port || '5432',
        REPLICA_PRIMARY_USER: decodeURIComponent(server.username) || 'postgres',
      },
    });
    replicaDir = /^REPLICA_DIR=(.+)$/m.exec(stdout)?.[1];
    const replicaServer = /^REPLICA_URL=(.+)$/m.exec(stdout)?.[1];
    if (!replicaDir || !replicaServer)
      throw new Error(`replica.sh start printed no REPLICA_DIR/REPLICA_URL:\n${stdout}`);
    const replicaUrl = withDatabase(replicaServer, server.pathname.slice(1));
    t = await createTestApp({
      clock,
      env: {
        DATABASE_URL: scratch.url,
        DATABASE_REPLICA_URLS: replicaUrl,
        DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        DB_STATEMENT_TIMEOUT_MS: String(QUERY_TIMEOUT_MS - 500),
        RESPONSE_CACHE_TTL_MS: String(TTL_MS),
      },
    });
    primary = new pg.Client({ connectionString: scratch.url, application_name: 'replica-spec' });
    replica = new pg.Client({ connectionString: replicaUrl, application_name: 'replica-spec' });
    // The replica's server is stopped by the last test: its end of this session is expected.
    replica.on('error', () => undefined);
    await Promise.all([primary.connect(), replica.connect()]);
    editor = await createStaff(t, 'editor');
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([primary?.end(), replica?.end().catch(() => undefined)]);
    if (replicaDir) await run('bash', [SCRIPT, 'stop', replicaDir]);
    await scratch?.drop();
  });

  /** Waits until the replica has replayed everything the primary has written so far. */
  async function caughtUp(): Promise<void> {
    const { rows } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    await until(
      async () =>
        (await replica.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [rows[0].lsn]))
          .rows[0].ok,
      { timeoutMs: 10_000 },
    );
  }

  /** The app's statements that each server started since `since` (the app's connections only), by their text. */
  async function ranSince(since: Date): Promise<{ primary: string[]; replica: string[] }> {
    const sql = `SELECT query FROM pg_stat_activity
                  WHERE datname = current_database() AND application_name = $1 AND query_start >= $2`;
    const [onPrimary, onReplica] = await Promise.all([
      primary.query<{ query: string }>(sql, ['well-clinic-api', since]),
      replica.query<{ query: string }>(sql, [REPLICA_APPLICATION_NAME, since]),
    ]);
    return { primary: onPrimary.rows.map((r) => r.query), replica: onReplica.rows.map((r) => r.query) };
  }

  async function serverNow(): Promise<Date> {
    return (await primary.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;
  }

  /** Publishes an article and lets the replica replay it and the change window pass. */
  async function publishedArticle(title: string): Promise<{ id: string; slug: string; version: number }> {
    const draft = await createArticle(t, editor, { title });
    const published = await publishArticle(t, editor, draft.id);
    await caughtUp();
    clock.advance(RECENT_CHANGE_MS + TTL_MS);
    return published;
  }

  it('serves public GETs from the replica, and staff reads and writes from the primary', async () => {
    const article = await publishedArticle('Routed to the replica');

    let since = await serverNow();
    const read = await t.http().get(`${PUBLIC}/${article.slug}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: article.id, title: 'Routed to the replica' });
    const publicRead = await ranSince(since);
    expect(publicRead.replica.some((q) => /\barticles\b/.test(q))).toBe(true);
    expect(publicRead.primary).toEqual([]);

    for (const [url, table] of [
      // The statement as pg_stat_activity shows it: its first 1,024 bytes, the entity's alias among them.
      ['/api/v1/testimonials', /"Testimonial"/],
      ['/api/v1/hours', /"HoursSchedule"/],
    ] as const) {
      since = await serverNow();
      expect((await t.http().get(url)).status).toBe(200);
      const ran = await ranSince(since);
      expect(ran.replica.some((q) => table.test(q))).toBe(true);
      expect(ran.primary).toEqual([]);
    }

    since = await serverNow();
    const staffRead = await t.http().get(`${ADMIN_ARTICLES}/${article.id}`).set(editor.auth);
    expect(staffRead.status).toBe(200);
    const staff = await ranSince(since);
    expect(staff.primary.some((q) => /article/i.test(q))).toBe(true);
    expect(staff.replica).toEqual([]);
    figures([
      `public article read: ${publicRead.replica.length} statement(s) on the replica, ${publicRead.primary.length} on the primary`,
      `staff article read: ${staff.primary.length} statement(s) on the primary, ${staff.replica.length} on the replica`,
    ]);
  });

  it('lets staff read their own write at once, and keeps a changed tag off a lagging replica', async () => {
    const article = await publishedArticle('Before the edit');
    // From here the replica lags behind the primary for as long as the test wants.
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      const current = await t.http().get(`${ADMIN_ARTICLES}/${article.id}`).set(editor.auth);
      const edited = await t
        .http()
        .patch(`${ADMIN_ARTICLES}/${article.id}`)
        .set(editor.auth)
        .set('If-Match', current.headers.etag)
        .send({ title: 'After the edit' });
      expect(edited.status).toBe(200);
      const own = await t.http().get(`${ADMIN_ARTICLES}/${article.id}`).set(editor.auth);
      expect(own.body).toMatchObject({ title: 'After the edit' });

      // The tag was invalidated a moment ago: the public read goes to the primary and caches the NEW title.
      const fresh = await t.http().get(`${PUBLIC}/${article.slug}`);
      expect(fresh.body).toMatchObject({ title: 'After the edit' });
      const cached = await t.http().get(`${PUBLIC}/${article.slug}`);
      expect(cached.headers['x-cache']).toBe('HIT');
      expect(cached.body).toMatchObject({ title: 'After the edit' });

      // What the window prevented: once it has passed, the paused replica is read, and it still has the old title.
      clock.advance(RECENT_CHANGE_MS + TTL_MS);
      const lagging = await t.http().get(`${PUBLIC}/${article.slug}`);
      expect(lagging.body).toMatchObject({ title: 'Before the edit' });
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    clock.advance(TTL_MS);
    const replayed = await t.http().get(`${PUBLIC}/${article.slug}`);
    expect(replayed.body).toMatchObject({ title: 'After the edit' });
  });

  it('falls back to the primary within the query deadline when the replica is stopped, and logs it once', async () => {
    const article = await publishedArticle('Still readable');
    await run('bash', [SCRIPT, 'halt', replicaDir!]);
    t.logs.lines.length = 0;

    const times: number[] = [];
    for (const url of [`${PUBLIC}/${article.slug}`, `${PUBLIC}?pageSize=7`, '/api/v1/testimonials?pageSize=7']) {
      const started = performance.now();
      const res = await t.http().get(url);
      times.push(performance.now() - started);
      expect(res.status).toBe(200);
    }
    // Past the retry pause, a read tries the replica again (and falls back again), without a second log line.
    clock.advance(REPLICA_RETRY_MS);
    const started = performance.now();
    const retried = await t.http().get(`${PUBLIC}/${article.slug}`);
    times.push(performance.now() - started);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: article.id, title: 'Still readable' });

    expect(Math.max(...times)).toBeLessThan(QUERY_TIMEOUT_MS);
    const outages = t.logs.lines.filter((line) => line.includes('Read replica') && line.includes('unavailable'));
    expect(outages).toHaveLength(1);
    figures([
      `replica stopped: ${times.length} public reads answered 200 from the primary in ${times
        .map((ms) => ms.toFixed(1))
        .join(', ')} ms (query deadline ${QUERY_TIMEOUT_MS} ms); 1 log line for the outage`,
    ]);
  });
});
