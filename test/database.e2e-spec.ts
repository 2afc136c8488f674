import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { runPendingMigrations } from '../src/database/migration-runner.js';
import { runSeeders } from '../src/database/seeding/seed-runner.js';
import type { Seeder } from '../src/common/feature/seeder.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { createScratchDatabase, testDataSource } from './setup/test-database.js';
import { withTestApp } from './utils/test-app.js';

const MIGRATION_NAMES = MIGRATIONS.map((m) => new m().name ?? m.name);

describe('database schema and migrations', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    // Two connections on Postgres, so two runners really race for the advisory lock; PGlite has one session.
    ds = await testDataSource(scratch.url, scratch.embedded ? 1 : 2).initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await scratch.drop();
  });

  it('applies every migration exactly once when two instances start together', async () => {
    const [a, b] = await Promise.all([runPendingMigrations(ds), runPendingMigrations(ds)]);
    expect([a, b].sort((x, y) => y.length - x.length)).toEqual([MIGRATION_NAMES, []]);
    const rows = await ds.query<{ name: string }[]>('SELECT name FROM typeorm_migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    const locks = await ds.query<
      { n: string }[]
    >(`SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND d.datname = current_database()`);
    expect(Number(locks[0].n)).toBe(0);
  });

  it('has nothing left to generate: entities and migrations agree', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('names every column in snake_case and stores every timestamp with its time zone', async () => {
    const columns = await ds.query<{ table_name: string; column_name: string; data_type: string }[]>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
    );
    expect(columns.length).toBeGreaterThan(0);
    expect(columns.filter((c) => !/^[a-z0-9_]+$/.test(c.column_name) || !/^[a-z0-9_]+$/.test(c.table_name))).toEqual(
      [],
    );
    expect(columns.filter((c) => c.data_type === 'timestamp without time zone')).toEqual([]);
  });

  it('reverts and re-applies cleanly', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'all' });
    // TypeORM's own bookkeeping stays: the migrations log, and the expressions of generated columns.
    const tables = await ds.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_name NOT IN ('typeorm_migrations', 'typeorm_metadata')`,
    );
    expect(tables).toEqual([]);
    expect(await ds.query(`SELECT * FROM typeorm_metadata`)).toEqual([]);
    expect(await runPendingMigrations(ds)).toEqual(MIGRATION_NAMES);
  });

  describe('seeding', () => {
    it('runs each seeder once, however often it is asked', async () => {
      let runs = 0;
      const seeder: Seeder = {
        name: 'fixture-once',
        run: async () => {
          runs++;
          await Promise.resolve();
        },
      };
      expect(await runSeeders(ds, [seeder])).toEqual(['fixture-once']);
      expect(await runSeeders(ds, [seeder])).toEqual([]);
      const both = await Promise.all([runSeeders(ds, [seeder]), runSeeders(ds, [seeder])]);
      expect(both).toEqual([[], []]);
      expect(runs).toBe(1);
    });

    it('leaves nothing behind when a seeder fails, so the next run retries it', async () => {
      const failing: Seeder = {
        name: 'fixture-fails',
        run: async (manager) => {
          await manager.query(`INSERT INTO seed_runs (name) VALUES ('written-before-failure')`);
          throw new Error('seed failed');
        },
      };
      await expect(runSeeders(ds, [failing])).rejects.toThrow('seed failed');
      const rows = await ds.query<{ name: string }[]>(
        `SELECT name FROM seed_runs WHERE name IN ('fixture-fails', 'written-before-failure')`,
      );
      expect(rows).toEqual([]);
      const fixed: Seeder = { name: 'fixture-fails', run: () => Promise.resolve() };
      expect(await runSeeders(ds, [fixed])).toEqual(['fixture-fails']);
    });

    it("dates the demo content from the app's clock, not the machine's", async () => {
      // A Wednesday noon in New York, years away from any real "today".
      const now = new Date('2031-05-07T16:00:00Z');
      const clock = new ManualClock(now);
      await withTestApp({ isolatedDatabase: 'empty', clock, env: { DB_SEED_ON_START: 'true' } }, async (app) => {
        const db = app.app.get(DataSource);
        const articles = await db.query<{ status: string; published_at: Date | null }[]>(
          `SELECT status, published_at FROM articles WHERE status = 'published' ORDER BY published_at`,
        );
        const offsets = articles.map((a) => Math.round((a.published_at!.getTime() - now.getTime()) / 86_400_000));
        // Three published in the days before "now", one scheduled a week after it.
        expect(offsets.filter((days) => days <= 0)).toHaveLength(3);
        expect(offsets.filter((days) => days > 0)).toEqual([7]);
        // The next two US federal holidays after 2031-05-07: Memorial Day and Juneteenth.
        const holidays = await db.query<{ start_date: string }[]>(
          `SELECT to_char(start_date, 'YYYY-MM-DD') AS start_date FROM hours_exceptions ORDER BY start_date`,
        );
        expect(holidays.map((h) => h.start_date)).toEqual(expect.arrayContaining(['2031-05-26', '2031-06-19']));
      });
    });
  });
});
