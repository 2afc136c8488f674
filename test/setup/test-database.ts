import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { runPendingMigrations } from '../../src/database/migration-runner.js';

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

export function testDataSource(url: string, poolMax = 1): DataSource {
  assertTestDatabaseUrl(url);
  return new DataSource(buildDataSourceOptions({ url, poolMax, connectTimeoutMs: 5000, statementTimeoutMs: 30_000 }));
}

export async function migrate(url: string): Promise<string[]> {
  const dataSource = await testDataSource(url).initialize();
  try {
    return await runPendingMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
