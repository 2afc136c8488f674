import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { FEATURE_REGISTRY } from '../../src/app.module.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { EMBEDDED_START_PARAMS, embeddedDatabaseUrl } from '../../src/database/embedded-database.js';
import { runPendingMigrations } from '../../src/database/migration-runner.js';

/**
 * The environment variable through which the global setup hands the run's database to the test files; with the
 * embedded database, one per Jest worker: `${E2E_DATABASE_URL}_${JEST_WORKER_ID}`.
 */
export const E2E_DATABASE_URL = 'WELLCLINIC_E2E_DATABASE_URL';
/** Set when that database is the embedded PGlite (one session: no second connection). */
export const E2E_EMBEDDED = 'WELLCLINIC_E2E_EMBEDDED';
/** With the embedded database: an initialised, empty PGlite data directory (a tar file) new ones start from. */
const E2E_PGLITE_TEMPLATE = 'WELLCLINIC_E2E_PGLITE_TEMPLATE';
/**
 * With the embedded database: where that template with every migration applied is kept (a tar file), once the first
 * migrated scratch database of the run has built it.
 */
const E2E_PGLITE_MIGRATED_TEMPLATE = 'WELLCLINIC_E2E_PGLITE_MIGRATED_TEMPLATE';
/**
 * With the embedded database: the control socket of the server of this worker's database, which makes its scratch
 * databases (test/setup/pglite-server.mjs): `${E2E_PGLITE_CONTROL}_${JEST_WORKER_ID}`.
 */
const E2E_PGLITE_CONTROL = 'WELLCLINIC_E2E_PGLITE_CONTROL';

/**
 * The run's database for this test file, as the global setup made it: on PostgreSQL one for the whole run; embedded,
 * the one of this Jest worker (a PGlite is one session, so the workers cannot share one).
 */
export function runDatabaseUrl(): string {
  const url =
    process.env[E2E_EMBEDDED] === 'true'
      ? process.env[`${E2E_DATABASE_URL}_${process.env.JEST_WORKER_ID ?? '1'}`]
      : process.env[E2E_DATABASE_URL];
  if (!url) throw new Error(`${E2E_DATABASE_URL} is not set: run the e2e tests through jest (global setup)`);
  return url;
}

/** Refuses any database whose name lacks "test": the suite creates, migrates, truncates and drops. */
export function assertTestDatabaseUrl(url: string): void {
  let name: string;
  try {
    name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  } catch {
    throw new Error('Refusing to run tests: the database URL cannot be parsed');
  }
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to run tests against database "${name}": its name must contain "test"`);
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  assertTestDatabaseUrl(withDatabase(serverUrl, name));
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through jest (global setup)`);
  return value;
}

/** A scratch database as the tests get it. */
export interface ScratchDatabase {
  url: string;
  embedded: boolean;
  /**
   * Resolves once no client is connected. An embedded database serves one connection and sees a client's close a
   * moment after the client does: an app booted at once on the same database would be refused its connection, and
   * TypeORM retries only a second later. With `boundMs`, resolves after that long whatever happens.
   */
  idle(boundMs?: number): Promise<void>;
  drop(): Promise<void>;
}

/** Applies every migration with the app's own runner (under its advisory lock), as the first app to boot would. */
async function migrate(url: string): Promise<void> {
  const ds = await testDataSource(url).initialize();
  try {
    await runPendingMigrations(ds);
  } finally {
    await ds.destroy();
  }
}

/**
 * Asks this worker's embedded database server (test/setup/pglite-server.mjs) on its control socket; resolves to the
 * answer's JSON body, if any.
 */
function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const socketPath = requiredEnv(`${E2E_PGLITE_CONTROL}_${process.env.JEST_WORKER_ID ?? '1'}`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    // A connection of its own (agent: false): Node's global agent keeps connections alive, and the control server
    // closes an idle one after 5 s; the next test file, starting at that moment, wrote to it as it closed (EPIPE).
    const req = httpRequest(
      { socketPath, method, path, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(JSON.parse(text));
          else if (res.statusCode === 204) resolve(undefined);
          else reject(new Error(`embedded test database server: ${method} ${path} → ${res.statusCode} ${text}`));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A new in-memory PGlite from the data directory in the tar file at `template`, made and served by this worker's
 * embedded database server (a process of its own) on a Unix socket in a 0700 directory, as
 * EmbeddedDatabase.start('memory://') serves one (one connection), instead of running initdb: the same cluster, in a
 * fraction of the time.
 */
async function servePglite(
  template: string,
): Promise<Omit<ScratchDatabase, 'embedded'> & { dump(path: string): Promise<void> }> {
  const { id, socketDir } = (await control('POST', '/scratch', {
    template,
    startParams: EMBEDDED_START_PARAMS,
  })) as { id: string; socketDir: string };
  return {
    url: embeddedDatabaseUrl(socketDir, 'wellclinic_scratch_test'),
    idle: (boundMs) =>
      control('GET', `/scratch/${id}/idle${boundMs === undefined ? '' : `?within=${boundMs}`}`).then(() => undefined),
    drop: () => control('DELETE', `/scratch/${id}`).then(() => undefined),
    dump: (path) => control('POST', `/scratch/${id}/dump`, { path }).then(() => undefined),
  };
}

/**
 * The empty template with every migration applied, by the app's migration runner: the schema and the
 * `typeorm_migrations` rows the first app to boot on a new database leaves, so an app booting on a copy finds it
 * up to date. The first migrated scratch database of the run (in either Jest worker) builds it; the others load it.
 */
async function migratedTemplate(): Promise<string> {
  migrated ??= buildMigratedTemplate().catch((error: unknown) => {
    migrated = undefined;
    throw error;
  });
  return migrated;
}

let migrated: Promise<string> | undefined;

async function buildMigratedTemplate(): Promise<string> {
  const path = requiredEnv(E2E_PGLITE_MIGRATED_TEMPLATE);
  if (existsSync(path)) return path;
  const building = await servePglite(requiredEnv(E2E_PGLITE_TEMPLATE));
  try {
    await migrate(building.url);
    // One connection at a time: the next one waits until the server has seen the last one close.
    await building.idle();
    // The app's database is the only one a test uses: without the two template databases (CREATE DATABASE's
    // sources) a copy has 40 % fewer bytes and 60 % fewer files to unpack, about 0.1 s of CPU per scratch database.
    const client = new pg.Client({ connectionString: building.url });
    await client.connect();
    try {
      await client.query(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`);
      // One statement each: DROP DATABASE runs outside any transaction.
      await client.query('DROP DATABASE template0');
      await client.query('DROP DATABASE template1');
    } finally {
      await client.end();
    }
    await building.idle();
    // If both workers build it at once, the two copies are the same and the last one written wins.
    await building.dump(path);
  } finally {
    // A failed drop must not hide why the build failed; the server drops what is left when the run ends.
    await building.drop().catch(() => undefined);
  }
  return path;
}

/** This test file's embedded scratch databases that are still served, by URL. */
const liveScratches = new Map<string, ScratchDatabase>();

/**
 * Drops the embedded scratch databases an earlier test file of this worker left behind (a test that failed before its
 * drop): they live in the process serving the worker's database, for the rest of the run otherwise. A worker runs one
 * file at a time, so every one still served when a file starts is such a leftover. Run before each file's tests
 * (test/setup/before-each-file.ts).
 */
export async function dropEarlierScratchDatabases(): Promise<void> {
  if (process.env[E2E_EMBEDDED] === 'true') await control('DELETE', '/scratch');
}

/**
 * Resolves once the embedded scratch database at `url` (if it is one) has no client left, or after `boundMs`
 * whatever happens: a client the test itself keeps open is its own business. At once for anything else.
 */
export async function scratchDatabaseIdle(url: string, boundMs = 2000): Promise<void> {
  await liveScratches.get(url)?.idle(boundMs);
}

/**
 * A second database for tests that need one of their own (fresh migrations, concurrency, every row known): a new
 * database on the test Postgres server, or a new in-memory PGlite in embedded mode. Empty (no schema) unless
 * `migrated`: then every migration is applied, as if an app had booted on it once. Tests of migrating, of first
 * boot and of seeding a new database take an empty one.
 */
export async function createScratchDatabase(options: { migrated?: boolean } = {}): Promise<ScratchDatabase> {
  const runUrl = runDatabaseUrl();
  if (process.env[E2E_EMBEDDED] === 'true') {
    const template = options.migrated ? await migratedTemplate() : requiredEnv(E2E_PGLITE_TEMPLATE);
    const { url, idle, drop } = await servePglite(template);
    const scratch: ScratchDatabase = {
      url,
      embedded: true,
      idle,
      drop: async () => {
        liveScratches.delete(url);
        await drop();
      },
    };
    liveScratches.set(url, scratch);
    return scratch;
  }
  const name = `wellclinic_scratch_test_${randomBytes(4).toString('hex')}`;
  await createDatabase(runUrl, name);
  const url = withDatabase(runUrl, name);
  const drop = () => dropDatabase(runUrl, name);
  if (options.migrated)
    await migrate(url).catch(async (error: unknown) => {
      await drop();
      throw error;
    });
  return { url, embedded: false, idle: () => Promise.resolve(), drop };
}

export function testDataSource(url: string, poolMax = 1): DataSource {
  assertTestDatabaseUrl(url);
  return new DataSource(
    buildDataSourceOptions({
      url,
      entities: FEATURE_REGISTRY.entities,
      poolMax,
      // Also the wait for a pooled connection: on the embedded database (a pool of one) a second migration runner
      // waits out the first one's migrations, which take seconds on a loaded machine.
      connectTimeoutMs: 30_000,
      statementTimeoutMs: 30_000,
    }),
  );
}

/**
 * Tests that hold two transactions at once need two sessions, which the embedded test database (one PGlite session)
 * cannot give: they are skipped there, visibly, and run on PostgreSQL (as CI runs them).
 */
const embeddedRun = process.env[E2E_EMBEDDED] === 'true';
export const itConcurrently: typeof it = embeddedRun ? it.skip : it;
export const describeConcurrently: typeof describe = embeddedRun ? describe.skip : describe;
