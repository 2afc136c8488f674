import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { pgPool } from '../src/database/query-deadline.js';
import { createScratchDatabase } from './setup/test-database.js';
import { FixturesModule } from './fixtures/fixtures.module.js';
import { expectProblem } from './utils/expect-problem.js';
import { TcpProxy } from './utils/tcp-proxy.js';
import { until } from './utils/until.js';
import { APP_BOOT_TIMEOUT_MS, createTestApp, type TestApp } from './utils/test-app.js';

/**
 * The database misbehaving under the app, through a proxy the test controls: a partition (connections stay
 * open, no byte moves) must not hang requests past the query deadline, and an outage under write load must
 * not lose an acknowledged contact request. Both recover without restarting the app.
 */
const QUERY_TIMEOUT_MS = 1000;
/**
 * The upper bound on a 503 during a partition: the deadline, plus a loaded machine's slack (measured: 1,010–1,080 ms;
 * 1,350 ms with three suites in parallel). Well under twice the deadline, so a second deadline waited out fails it.
 */
const LATEST_503_MS = 1.8 * QUERY_TIMEOUT_MS;

describe('database faults', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let proxy: TcpProxy;
  let t: TestApp;
  let pool: Pool;

  beforeAll(async () => {
    scratch = await createScratchDatabase({ migrated: true });
    proxy = await TcpProxy.for(scratch.url);
    t = await createTestApp({
      env: {
        DATABASE_URL: proxy.route(scratch.url),
        // Demo content: articles and testimonials to read, the text-line hours a contact request needs.
        DB_SEED_ON_START: 'true',
        DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        // Below the client deadline, as loadConfig requires.
        DB_STATEMENT_TIMEOUT_MS: String(QUERY_TIMEOUT_MS - 100),
        DB_CONNECT_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        DB_RETRY_AFTER_SECONDS: '3',
        // Every read must reach the database.
        RESPONSE_CACHE_TTL_MS: '0',
        RATE_LIMIT_SUBMISSION_LIMIT: '10000',
        RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '1',
      },
      imports: [FixturesModule],
    });
    pool = pgPool(t.app.get(DataSource));
  }, APP_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    proxy?.heal();
    await t?.close();
    await proxy?.close();
    await scratch?.drop();
  });

  /** A public read through the validating client, timed. */
  async function timed(path: string) {
    const started = performance.now();
    const res = await t.http().get(path);
    return { res, ms: performance.now() - started };
  }

  describe('a partition (connections open, no bytes)', () => {
    // A plain query through TypeORM, the articles list through the raw pg pool, testimonials through repositories.
    const READS = ['/api/v1/fixtures/db', '/api/v1/articles', '/api/v1/testimonials'];

    it('answers 503 problem+json with Retry-After within the query deadline, then recovers by itself', async () => {
      for (const path of READS) expect((await t.http().get(path)).status).toBe(200);
      const connections = pool.totalCount;
      expect(connections).toBeGreaterThan(0);

      proxy.partition();
      const latencies: string[] = [];
      try {
        for (const path of READS) {
          const { res, ms } = await timed(path);
          latencies.push(`${path} ${Math.round(ms)} ms`);
          expect(res.headers['retry-after']).toBe('3');
          expectProblem(res, {
            code: 'database_unavailable',
            detail: 'The database is not reachable right now. Retry shortly.',
            instance: path,
          });
          expect(ms).toBeLessThan(LATEST_503_MS);
          // The first read's connection, whose query went unanswered, is closed: not handed to the next request
          // (TypeORM gives it back to the pool without an error, so pg-pool alone would keep it).
          if (path === READS[0]) expect(pool.totalCount).toBe(connections - 1);
        }

        // More requests at once than the pool has connections: those waiting for one time out too.
        const burst = await Promise.all(Array.from({ length: 12 }, () => timed('/api/v1/articles')));
        for (const { res, ms } of burst) {
          expect(res.status).toBe(503);
          expect(ms).toBeLessThan(LATEST_503_MS);
        }
        latencies.push(`12 concurrent reads: slowest ${Math.round(Math.max(...burst.map((b) => b.ms)))} ms`);

        // Readiness too: 503 within the deadline, while liveness stays 200.
        const health = await timed('/health');
        latencies.push(`/health ${Math.round(health.ms)} ms`);
        expect(health.res.headers['retry-after']).toBe('3');
        expectProblem(
          health.res,
          { code: 'service_unavailable', detail: 'A dependency of the service is not available.', instance: '/health' },
          { checks: { database: { status: 'down' } } },
        );
        expect(health.ms).toBeLessThan(LATEST_503_MS);
        expect((await t.http().get('/health/live')).status).toBe(200);
      } finally {
        proxy.heal();
      }

      const recovery = await timed('/api/v1/articles');
      expect(recovery.res.status).toBe(200);
      for (const path of [...READS, '/health']) expect((await t.http().get(path)).status).toBe(200);
      // Not one answer held during the partition is read as the answer to a later query.
      const answers = await Promise.all(
        ['a', 'b', 'c'].map((v) => t.app.get(DataSource).query<{ v: string }[]>(`SELECT '${v}' AS v`)),
      );
      expect(answers).toEqual([[{ v: 'a' }], [{ v: 'b' }], [{ v: 'c' }]]);

      process.stdout.write(
        `partition, DB_QUERY_TIMEOUT_MS=${QUERY_TIMEOUT_MS}: ${latencies.join('; ')}; ` +
          `first read after healing: 200 in ${Math.round(recovery.ms)} ms\n`,
      );
    }, 60_000);
  });

  it('answers 503 within the deadline when the database goes silent inside a transaction', async () => {
    const path = '/api/v1/fixtures/db/transaction';
    expect((await t.http().get(path)).body).toEqual({ one: 1 });
    proxy.partition();
    let silent: Awaited<ReturnType<typeof timed>>;
    try {
      silent = await timed(path);
    } finally {
      proxy.heal();
    }
    process.stdout.write(`partition inside a transaction: 503 after ${Math.round(silent.ms)} ms\n`);
    expectProblem(silent.res, {
      code: 'database_unavailable',
      detail: 'The database is not reachable right now. Retry shortly.',
      instance: path,
    });
    // Its ROLLBACK, queued behind the unanswered statement, must not wait out a second deadline.
    expect(silent.ms).toBeLessThan(LATEST_503_MS);
    expect((await t.http().get(path)).body).toEqual({ one: 1 });
  }, 60_000);

  describe('an outage under concurrent contact submissions', () => {
    it('stores every acknowledged request exactly once, answers the rest 503, and recovers', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.getHttpServer().address() as { port: number };
      const url = `http://127.0.0.1:${port}/api/v1/contact-requests`;
      // As measured before the deadlines came: 20 concurrent submitters, the database cut for 4 s.
      const WORKERS = 20;
      const OUTAGE_MS = 4000;

      const acknowledged: string[] = [];
      const statuses = new Map<number, number>();
      const unexpected: string[] = [];
      let networkErrors = 0;
      let stopping = false;
      /** When the database came back, and how long after that the first 201 was answered. */
      const recovery: { restoredAt?: number; firstAckMs?: number } = {};
      let n = 0;

      const submitOne = async (): Promise<void> => {
        n += 1;
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({
            name: `Outage Test ${n}`,
            phone: `(202) 555-01${String(n % 100).padStart(2, '0')}`,
            preferredChannel: 'text',
            consentToText: true,
            consentToContact: true,
            message: `Submission ${n} during a database outage test.`,
          }),
        });
        const body = (await res.json()) as { reference?: string; code?: string };
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) {
          acknowledged.push(body.reference!);
          if (recovery.restoredAt !== undefined && recovery.firstAckMs === undefined) {
            recovery.firstAckMs = performance.now() - recovery.restoredAt;
          }
        } else if (
          res.status !== 503 ||
          res.headers.get('content-type') !== 'application/problem+json; charset=utf-8' ||
          res.headers.get('retry-after') === null ||
          !['database_unavailable', 'service_unavailable'].includes(body.code ?? '')
        ) {
          unexpected.push(`${res.status} ${body.code}`);
        }
      };
      const worker = async () => {
        while (!stopping) {
          await submitOne().catch(() => (networkErrors += 1));
        }
      };

      const workers = Array.from({ length: WORKERS }, worker);
      const ackCount = () => acknowledged.length;
      await until(() => ackCount() >= 30, { intervalMs: 20 });
      const beforeCut = ackCount();
      proxy.cut();
      // The outage's length is the experiment's parameter, not a wait for something to happen.
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      const duringOutage = ackCount() - beforeCut;
      recovery.restoredAt = performance.now();
      proxy.restore();
      await until(() => recovery.firstAckMs !== undefined && ackCount() >= beforeCut + duringOutage + 30, {
        intervalMs: 20,
      });
      stopping = true;
      await Promise.all(workers);

      const rows = await t.app
        .get(DataSource)
        .query<{ reference: string; n: number }[]>(
          'SELECT reference, count(*)::int AS n FROM contact_requests WHERE reference = ANY($1) GROUP BY reference',
          [acknowledged],
        );
      const stored = rows.filter((r) => r.n === 1).length;
      const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
      process.stdout.write(
        `outage of ${OUTAGE_MS} ms under ${WORKERS} concurrent submissions: ${sent} answered ` +
          `(${[...statuses].map(([s, c]) => `${s}×${c}`).join(', ')}), ${networkErrors} network errors; ` +
          `${acknowledged.length} acknowledged, ${stored} stored exactly once; ` +
          `first 201 ${Math.round(recovery.firstAckMs!)} ms after the database came back\n`,
      );
      expect(statuses.get(503)).toBeGreaterThan(0);
      expect(unexpected).toEqual([]);
      expect(networkErrors).toBe(0);
      expect(new Set(acknowledged).size).toBe(acknowledged.length);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect(stored).toBe(acknowledged.length);
    }, 120_000);
  });
});
