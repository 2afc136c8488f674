import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { EmbeddedDatabase } from '../../src/database/embedded-database.js';

/** The environment variable through which the global setup hands the run's database to the test files. */
export const E2E_DATABASE_URL = 'WELLCLINIC_E2E_DATABASE_URL';
/** Set when that database is the embedded PGlite (one session: no second connection). */
export const E2E_EMBEDDED = 'WELLCLINIC_E2E_EMBEDDED';

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

/**
 * A second, empty database for tests that need one of their own (fresh migrations, concurrency): a new
 * database on the test Postgres server, or a new in-memory PGlite in embedded mode.
 */
export async function createScratchDatabase(): Promise<{ url: string; embedded: boolean; drop(): Promise<void> }> {
  const runUrl = process.env[E2E_DATABASE_URL];
  if (!runUrl) throw new Error(`${E2E_DATABASE_URL} is not set: run the e2e tests through jest (global setup)`);
  if (process.env[E2E_EMBEDDED] === 'true') {
    const db = await EmbeddedDatabase.start('memory://', { database: 'wellclinic_scratch_test' });
    return { url: db.url, embedded: true, drop: () => db.stop() };
  }
  const name = `wellclinic_scratch_test_${randomBytes(4).toString('hex')}`;
  await createDatabase(runUrl, name);
  return { url: withDatabase(runUrl, name), embedded: false, drop: () => dropDatabase(runUrl, name) };
}

export function testDataSource(url: string, poolMax = 1): DataSource {
  assertTestDatabaseUrl(url);
  return new DataSource(buildDataSourceOptions({ url, poolMax, connectTimeoutMs: 5000, statementTimeoutMs: 30_000 }));
}
