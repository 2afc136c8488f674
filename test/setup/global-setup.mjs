// Plain JavaScript: Jest loads global setup outside its ESM module system, where the TypeScript sources
// cannot be imported. The schema is migrated by the first app that boots (under the advisory lock).
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * One fresh database per test run: on the Postgres server named by TEST_DATABASE_URL or DATABASE_URL
 * when set, else an in-memory PGlite served on a Unix socket. Dropped by the global teardown.
 */
export default async function globalSetup() {
  const server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let url;
  if (server) {
    const name = `wellclinic_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    const u = new URL(server);
    u.pathname = `/${name}`;
    url = u.toString();
    globalThis.__wellclinicTestDb = { server, name };
  } else {
    // As the app serves its embedded database (src/database/embedded-database.ts): a Unix socket in a 0700
    // directory, never a TCP port.
    const db = await PGlite.create();
    const socketDir = await mkdtemp(join(tmpdir(), 'wellclinic-e2e-pglite-'));
    const socket = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432'), maxConnections: 1 });
    await socket.start();
    url = `postgres://postgres@localhost:5432/wellclinic_test?host=${encodeURIComponent(socketDir)}`;
    globalThis.__wellclinicTestDb = { db, socket, socketDir };
    process.env.WELLCLINIC_E2E_EMBEDDED = 'true';
  }
  process.env.WELLCLINIC_E2E_DATABASE_URL = url;
}
