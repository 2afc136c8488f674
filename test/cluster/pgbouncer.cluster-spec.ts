import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { createApp, type RunningApp } from '../../src/app.factory.js';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { createRootLogger } from '../../src/common/logging/logger.js';
import { preparedStatement } from '../../src/common/persistence/prepared-statements.js';
import { ContactRequestsService } from '../../src/contact-requests/contact-requests.service.js';
import type { CreateContactRequestRequest } from '../../src/contact-requests/dto/contact-request.requests.js';
import { runPendingMigrations } from '../../src/database/migration-runner.js';
import { DeadlineClient } from '../../src/database/query-deadline.js';
import { JOB_RAN_ACTION } from '../../src/maintenance/cluster-jobs.js';
import { JobRunsRepository } from '../../src/maintenance/job-runs.repository.js';
import { MaintenanceService } from '../../src/maintenance/maintenance.service.js';
import { OutboxRepository } from '../../src/notifications/outbox.repository.js';
import { Outbox } from '../../src/notifications/outbox.service.js';
import { createDatabase, dropDatabase, testDataSource, withDatabase } from '../setup/test-database.js';

/**
 * Scenario 7 of the cluster suite: migrations, advisory locks and the outbox through PgBouncer in transaction pooling
 * (test/cluster/pgbouncer.sh, started by this suite's global setup), in front of the local PostgreSQL. Each test
 * prints its figures.
 */

const PGBOUNCER_URL = process.env.PGBOUNCER_URL;
/** The PostgreSQL server behind PgBouncer, reached directly only to create and drop the scratch databases. */
const SERVER_URL = process.env.CLUSTER_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MIGRATION_NAMES = MIGRATIONS.map((m) => new m().name ?? m.name);
const DAY = 24 * 60 * 60 * 1000;

function through(database: string): string {
  if (!PGBOUNCER_URL) throw new Error('PGBOUNCER_URL is not set: run `npm run test:cluster` (it starts PgBouncer)');
  return withDatabase(PGBOUNCER_URL, database);
}

function figures(lines: string[]): void {
  process.stdout.write(`\n${lines.map((line) => `  [pgbouncer] ${line}`).join('\n')}\n`);
}

/** A scratch database on the server, named for the test guard, dropped after the describe block. */
function useScratchDatabase(): () => string {
  const name = `wellclinic_cluster_test_${randomBytes(4).toString('hex')}`;
  beforeAll(() => createDatabase(SERVER_URL, name));
  afterAll(() => dropDatabase(SERVER_URL, name));
  return () => name;
}

async function advisoryLocks(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: withDatabase(SERVER_URL, database) });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND d.datname = $1`,
      [database],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

describe('PgBouncer in transaction pooling', () => {
  it('really pools by transaction: two clients share one server session, so session-level locks exclude nobody', async () => {
    // `session_probe` has one server connection: both clients' statements run in the same PostgreSQL session.
    const [a, b] = [0, 1].map(() => new pg.Client({ connectionString: through('session_probe') }));
    await Promise.all([a.connect(), b.connect()]);
    try {
      const pidA = (await a.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await a.query('SELECT pg_advisory_lock(7204311999)');
      const pidB = (await b.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const { rows } = await b.query<{ got: boolean }>('SELECT pg_try_advisory_lock(7204311999) AS got');
      await b.query('SELECT pg_advisory_unlock_all()');
      expect(pidB).toBe(pidA);
      expect(rows[0].got).toBe(true);
      figures([
        `2 clients, 1 server session (backend ${pidA}): a session-level lock client A took was granted to client B too`,
      ]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('moves a client between server sessions: what it prepared on one is unknown on the next (DB_PREPARED_STATEMENTS)', async () => {
    // `pair_probe` has two server connections. A prepares a statement on one of them; B and C then hold both in open
    // transactions, and the one not holding A's statement lets go: A's next statement can only run there.
    const text = preparedStatement('SELECT $1::int AS one, pg_backend_pid() AS pid');
    const [a, b, c] = [0, 1, 2].map(
      () => new DeadlineClient({ connectionString: through('pair_probe'), preparedStatements: true }),
    );
    await Promise.all([a, b, c].map((client) => client.connect()));
    const pid = async (client: pg.Client) =>
      (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    try {
      // Prepared and run on one server session, which the statement names.
      const prepared = (await a.query<{ one: number; pid: number }>(text, [1])).rows[0];
      expect(prepared.one).toBe(1);
      await Promise.all([b.query('BEGIN'), c.query('BEGIN')]);
      const [pidB, pidC] = [await pid(b), await pid(c)];
      expect(new Set([pidB, pidC]).size).toBe(2);
      const holder = [b, c][[pidB, pidC].indexOf(prepared.pid)];
      const other = holder === b ? c : b;
      await other.query('COMMIT');
      await expect(a.query(text, [2])).rejects.toThrow(
        /prepared statement "wc_[0-9a-f]{8}_[0-9a-f]{32}" does not exist/,
      );
      await holder.query('COMMIT');
      figures([
        `a statement prepared on server session ${prepared.pid} is unknown to the client's next one: set ` +
          'DB_PREPARED_STATEMENTS=false behind PgBouncer 1.18 in transaction pooling',
      ]);
    } finally {
      await Promise.all([a, b, c].map((client) => client.end()));
    }
  });

  describe('migrations', () => {
    const database = useScratchDatabase();

    it('applies each migration exactly once when two instances start together', async () => {
      const instances = [testDataSource(through(database()), 2), testDataSource(through(database()), 2)];
      await Promise.all(instances.map((ds) => ds.initialize()));
      try {
        const applied = await Promise.all(instances.map((ds) => runPendingMigrations(ds)));
        expect(applied.map((names) => names.length).sort((x, y) => y - x)).toEqual([MIGRATION_NAMES.length, 0]);
        expect(applied.flat()).toEqual(MIGRATION_NAMES);
        const rows = await instances[0].query<{ name: string }[]>('SELECT name FROM typeorm_migrations ORDER BY id');
        expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
        expect(await advisoryLocks(database())).toBe(0);
        figures([
          `migrations: instance A applied ${applied[0].length}, instance B applied ${applied[1].length}; ` +
            `typeorm_migrations has ${rows.length} rows for ${MIGRATION_NAMES.length} migrations; advisory locks left: 0`,
        ]);
      } finally {
        await Promise.all(instances.map((ds) => ds.destroy()));
      }
    });
  });

  describe('three app instances', () => {
    const database = useScratchDatabase();
    const output = new Writable({ write: (_chunk, _encoding, done) => done() });
    const logger = createRootLogger({ level: 'silent', pretty: false }, output);
    const clocks = [0, 1, 2].map(() => new ManualClock(new Date('2032-06-14T12:00:00Z')));
    let apps: RunningApp[] = [];

    beforeAll(async () => {
      // Booted together, as a deployment starts them: each migrates on start, under the lock.
      const booted = await Promise.allSettled(
        clocks.map((clock) =>
          createApp({
            env: {
              NODE_ENV: 'test',
              DATABASE_URL: through(database()),
              DB_POOL_MAX: '3',
              // As the README says for PgBouncer before 1.21 in transaction pooling (Debian 12 ships 1.18).
              DB_PREPARED_STATEMENTS: 'false',
              DB_MIGRATE_ON_START: 'true',
              DB_SEED_ON_START: 'false',
              DOCS_ENABLED: 'false',
              LOG_LEVEL: 'silent',
              JWT_SECRET: 'cluster-test-secret-0123456789abcdef0123456789',
              DATA_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
              NOTIFY_WEBHOOK_URLS: 'http://127.0.0.1:9/hooks',
              NOTIFY_WEBHOOK_SECRET: 'cluster-test-webhook-secret',
              WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
              NOTIFY_DISPATCH_INTERVAL_MS: '0',
            },
            logger,
            clock,
          }),
        ),
      );
      apps = booted.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const failed = booted.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    });

    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
    });

    const db = () => apps[0].app.get(DataSource);

    it('booted together, they applied each migration once', async () => {
      const rows = await db().query<{ name: string }[]>('SELECT name FROM typeorm_migrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
      figures([`3 instances booted together: typeorm_migrations has ${rows.length} rows, each migration once`]);
    });

    it('runs the retention job once per slot from three instances with skewed clocks', async () => {
      const events = () => db().getRepository(AuditEvent).countBy({ action: JOB_RAN_ACTION });
      const tick = (slot: Date, skews: number[]) => {
        clocks.forEach((clock, i) => clock.set(new Date(slot.getTime() + skews[i])));
        return Promise.all(apps.map((app) => app.app.get(MaintenanceService).runScheduled()));
      };
      const first = new Date('2032-06-15T03:00:00.000Z');
      const firstTick = await tick(first, [-1_400, 300, 2_200]);
      const lateTick = await tick(first, [4 * 60_000, 90_000, 30_000]);
      const firstEvents = await events();
      const second = new Date(first.getTime() + DAY);
      const secondTick = await tick(second, [700, -1_900, 0]);

      const ran = (outcomes: typeof firstTick) => outcomes.filter((o) => o.status === 'ran').length;
      expect(ran(firstTick)).toBe(1);
      expect(ran(lateTick)).toBe(0);
      expect(lateTick.map((o) => o.status)).toEqual(['already-ran', 'already-ran', 'already-ran']);
      expect(firstEvents).toBe(1);
      expect(ran(secondTick)).toBe(1);
      const runs = await new JobRunsRepository(db()).findRuns('retention');
      expect(runs.map((r) => r.slot)).toEqual([first, second]);
      expect(await events()).toBe(2);
      expect(await db().getRepository(AuditEvent).countBy({ action: 'contact_request.purged' })).toBe(2);
      expect(await advisoryLocks(database())).toBe(0);
      figures([
        `retention ${first.toISOString()}: ticks ${firstTick.map((o) => o.status).join(', ')}; ` +
          `late ticks ${lateTick.map((o) => o.status).join(', ')}`,
        `retention ${second.toISOString()}: ticks ${secondTick.map((o) => o.status).join(', ')}`,
        `runs recorded: ${runs.length} for 2 slots and 9 ticks; ${JOB_RAN_ACTION} audit events: ${await events()}`,
      ]);
    });

    it('enqueues and claims outbox deliveries: FOR UPDATE SKIP LOCKED hands each delivery to one instance', async () => {
      const now = new Date('2032-06-20T10:00:00.000Z');
      clocks.forEach((clock) => clock.set(now));
      const perInstance = 20;
      await Promise.all(
        apps.map(async (app) => {
          for (let i = 0; i < perInstance; i++) {
            const entityId = randomUUID();
            await app.app
              .get(DataSource)
              .transaction((manager) =>
                app.app
                  .get(Outbox)
                  .enqueue(manager, { event: 'contact_request.created', entityId, payload: { id: entityId } }),
              );
          }
        }),
      );
      const total = perInstance * apps.length;
      const repos = apps.map((app) => app.app.get(OutboxRepository));
      const leaseUntil = new Date(now.getTime() + 60_000);

      // The three fan the announced events out together: each event becomes one delivery, by one of them.
      const fanned = await Promise.all(repos.map((repo) => repo.fanOut(total)));
      expect(fanned.reduce((sum, f) => sum + f.deliveries, 0)).toBe(total);
      expect(fanned.reduce((sum, f) => sum + f.events, 0)).toBe(total);

      // While A's claim transaction is open (its rows locked), B and C claim: they take other rows, without waiting.
      const [a, b, c] = repos;
      let whileOpen: string[][] = [];
      const heldByA = await db().transaction(async (manager) => {
        const claimed = await a.claimDue(now, leaseUntil, 10, manager);
        whileOpen = (await Promise.all([b.claimDue(now, leaseUntil, 10), c.claimDue(now, leaseUntil, 10)])).map(
          (rows) => rows.map((d) => d.id),
        );
        return claimed.map((d) => d.id);
      });
      expect(heldByA).toHaveLength(10);
      expect(whileOpen.map((ids) => ids.length)).toEqual([10, 10]);

      // Then all three drain the rest concurrently.
      const drained = await Promise.all(
        repos.map(async (repo) => {
          const ids: string[] = [];
          for (;;) {
            const batch = await repo.claimDue(now, leaseUntil, 3);
            if (batch.length === 0) return ids;
            ids.push(...batch.map((d) => d.id));
          }
        }),
      );
      const claims = [heldByA, ...whileOpen, ...drained].flat();
      expect(claims).toHaveLength(total);
      expect(new Set(claims).size).toBe(total);
      const attempts = await db().query<{ attempts: number; n: number }[]>(
        `SELECT attempts, count(*)::int AS n FROM outbox_deliveries GROUP BY attempts`,
      );
      expect(attempts).toEqual([{ attempts: 1, n: total }]);
      figures([
        `outbox: ${total} deliveries enqueued by 3 instances; claimed ${claims.length}, ${claims.length - new Set(claims).size} twice`,
        `while A held 10 in an open transaction, B and C claimed ${whileOpen.map((ids) => ids.length).join(' and ')} others ` +
          `without waiting; then A, B, C drained ${drained.map((ids) => ids.length).join(', ')}`,
      ]);
    });

    it('stores contact submissions from three instances, each with its key, with prepared statements off', async () => {
      const anonymous = { actor: { type: 'anonymous' as const, id: null }, requestId: null, clientRequestId: null };
      const references = await Promise.all(
        apps.map(async (app, n) => {
          const service = app.app.get(ContactRequestsService);
          const stored: string[] = [];
          for (let i = 0; i < 10; i++) {
            const body = {
              name: `PgBouncer ${n}-${i}`,
              phone: `(202) 555-01${n}${i}`,
              preferredChannel: 'text',
              consentToText: true,
              consentToContact: true,
            } as unknown as CreateContactRequestRequest;
            const key = randomUUID();
            const first = await service.submit(body, { key, ip: '203.0.113.7' }, anonymous);
            const replay = await service.submit(body, { key, ip: '203.0.113.7' }, anonymous);
            expect(replay).toEqual({ receipt: first.receipt, replayed: true });
            stored.push(first.receipt.reference);
          }
          return stored;
        }),
      );
      const all = references.flat();
      const [{ n }] = await apps[0].app
        .get(DataSource)
        .query<{ n: number }[]>('SELECT count(*)::int AS n FROM contact_requests WHERE reference = ANY($1)', [all]);
      expect(n).toBe(30);
      expect(new Set(all).size).toBe(30);
    });
  });
});
