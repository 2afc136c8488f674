import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import {
  createScratchDatabase,
  dropEarlierScratchDatabases,
  type ScratchDatabase,
  testDataSource,
} from './test-database.js';
import { createTestApp, logs } from '../utils/test-app.js';

const MIGRATION_NAMES = MIGRATIONS.map((m) => new m().name ?? m.name);

async function withConnection<T>(url: string, use: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await testDataSource(url).initialize();
  try {
    return await use(ds);
  } finally {
    await ds.destroy();
  }
}

const tables = (ds: DataSource) =>
  ds.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );

/** Migrated scratch databases stand in for "an app booted here once": they must be exactly that. */
describe('scratch databases', () => {
  const scratches: ScratchDatabase[] = [];
  const scratch = async (options?: { migrated?: boolean }) => {
    const db = await createScratchDatabase(options);
    scratches.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of scratches) await db.drop();
  });
  beforeEach(() => {
    logs.lines.length = 0;
  });

  it('start without any table unless asked for a migrated one', async () => {
    const db = await scratch();
    expect(await withConnection(db.url, tables)).toEqual([]);
  });

  it('come migrated on request: every migration recorded in order, the tables there and empty', async () => {
    const db = await scratch({ migrated: true });
    await withConnection(db.url, async (ds) => {
      const applied = await ds.query<{ name: string }[]>('SELECT name FROM typeorm_migrations ORDER BY id');
      expect(applied.map((r) => r.name)).toEqual(MIGRATION_NAMES);
      expect(await ds.showMigrations()).toBe(false);
      const counts = await ds.query<{ n: number }[]>(
        `SELECT (SELECT count(*) FROM users)::int + (SELECT count(*) FROM articles)::int
              + (SELECT count(*) FROM seed_runs)::int + (SELECT count(*) FROM audit_events)::int AS n`,
      );
      expect(counts).toEqual([{ n: 0 }]);
    });
  });

  it('are each a copy of their own: what one migrated database gets, the next does not see', async () => {
    const first = await scratch({ migrated: true });
    await withConnection(first.url, (ds) => ds.query(`INSERT INTO seed_runs (name) VALUES ('only-in-first')`));
    const second = await scratch({ migrated: true });
    expect(await withConnection(second.url, (ds) => ds.query('SELECT name FROM seed_runs'))).toEqual([]);
  });

  it('give an isolated app its schema up to date: it applies no migration', async () => {
    const app = await createTestApp({ isolatedDatabase: true });
    await app.close();
    expect(logs.text).toContain('Schema is up to date');
    expect(logs.text).not.toContain('Applied migrations');
  });

  it('answer idle once their client is gone, or after the bound while one stays connected', async () => {
    const db = await scratch({ migrated: true });
    const ds = await testDataSource(db.url).initialize();
    const held = Date.now();
    await db.idle(300);
    if (db.embedded) expect(Date.now() - held).toBeGreaterThanOrEqual(250);
    await ds.destroy();
    await db.idle();
    // One connection at a time on the embedded database: this one is let in because the last one is gone.
    await withConnection(db.url, (next) => next.query('SELECT 1'));
  });

  it('are gone once dropped: no connection reaches one', async () => {
    const db = await createScratchDatabase({ migrated: true });
    await db.drop();
    await expect(withConnection(db.url, (ds) => ds.query('SELECT 1'))).rejects.toThrow();
  });

  it('left behind by an earlier file, are dropped when the next one starts (embedded: they outlive the file)', async () => {
    const db = await createScratchDatabase({ migrated: true });
    if (!db.embedded) return db.drop();
    // What the next file's set-up does (test/setup/before-each-file.ts).
    await dropEarlierScratchDatabases();
    await expect(withConnection(db.url, (ds) => ds.query('SELECT 1'))).rejects.toThrow();
    await db.drop();
  });

  it("let an app booted right after another one's close connect at once, without TypeORM's retry", async () => {
    const db = await scratch({ migrated: true });
    for (let boot = 0; boot < 2; boot++) {
      const app = await createTestApp({ env: { DATABASE_URL: db.url } });
      await app.close();
    }
    expect(logs.text).toContain('Schema is up to date');
    expect(logs.text).not.toContain('Unable to connect to the database');
  });
});
