// Plain JavaScript: Jest loads global setup outside its ESM module system, where the TypeScript sources
// cannot be imported. The schema is migrated by the first app that boots on each database (under the advisory lock).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureSwaggerPluginOutput } from './swagger-plugin.mjs';

const PGLITE_SERVER = new URL('./pglite-server.mjs', import.meta.url);

/**
 * Starts test/setup/pglite-server.mjs on a socket in a fresh 0700 directory of `state.root` (recorded in
 * `state.servers` at once, so a failed setup stops it too); resolves once it serves, to the database's URL and the
 * path of the control socket its worker asks for scratch databases on.
 */
async function startPgliteServer(state, template) {
  const socketDir = await mkdtemp(join(state.root, 'db-'));
  const child = fork(PGLITE_SERVER, [socketDir, template], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  state.servers.push(child);
  await new Promise((resolve, reject) => {
    child.once('message', (message) => (message.ready ? resolve() : reject(new Error(message.error))));
    child.once('exit', (code) => reject(new Error(`the embedded test database exited (${code}) before it served`)));
    child.once('error', reject);
  });
  child.removeAllListeners('exit');
  // Nothing holds Jest's process open; the server stops by itself when that process ends (its IPC channel closes).
  child.channel?.unref();
  child.unref();
  return {
    url: `postgres://postgres@localhost:5432/wellclinic_test?host=${encodeURIComponent(socketDir)}`,
    control: join(socketDir, 'control.sock'),
  };
}

/** Stops the embedded databases' servers and removes their sockets and the template. */
export async function stopEmbedded({ root, servers }) {
  await Promise.all(
    servers.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          // Held again, or this process could end before it hears of the exit, and Jest with it.
          child.ref();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  await rm(root, { recursive: true, force: true });
}

/**
 * One fresh database per test run: on the Postgres server named by TEST_DATABASE_URL or DATABASE_URL
 * when set, shared by the Jest workers. Else an in-memory PGlite per Jest worker, as PGlite is one session, each
 * in a process of its own, served on a Unix socket; a test file finds its worker's through
 * test/setup/test-database.ts. Dropped or stopped by the global teardown.
 *
 * Also compiles the files the @nestjs/swagger plugin compiles at `nest build`, when the sources changed
 * (test/setup/swagger-plugin.mjs).
 */
export default async function globalSetup(globalConfig) {
  const server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (server) {
    await ensureSwaggerPluginOutput();
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
    process.env.WELLCLINIC_E2E_DATABASE_URL = u.toString();
    globalThis.__wellclinicTestDb = { server, name };
    return;
  }

  // As the app serves its embedded database (src/database/embedded-database.ts): Unix sockets in 0700
  // directories, never a TCP port.
  const state = { root: await mkdtemp(join(tmpdir(), 'wellclinic-e2e-pglite-')), servers: [] };
  globalThis.__wellclinicTestDb = state;
  try {
    // The first server runs initdb and leaves the resulting data directory here: the other workers' databases and
    // every scratch database (test-database.ts) start from it. Meanwhile, in this process, the plugin compiles.
    const template = join(state.root, 'initdb.tar');
    const [, first] = await Promise.all([ensureSwaggerPluginOutput(), startPgliteServer(state, template)]);
    const others = Array.from({ length: Math.max(1, globalConfig.maxWorkers) - 1 }, () =>
      startPgliteServer(state, template),
    );
    const servers = [first, ...(await Promise.all(others))];
    servers.forEach(({ url, control }, i) => {
      process.env[`WELLCLINIC_E2E_DATABASE_URL_${i + 1}`] = url;
      process.env[`WELLCLINIC_E2E_PGLITE_CONTROL_${i + 1}`] = control;
    });
    process.env.WELLCLINIC_E2E_PGLITE_TEMPLATE = template;
    // Written by the first test that asks for a migrated scratch database (test-database.ts).
    process.env.WELLCLINIC_E2E_PGLITE_MIGRATED_TEMPLATE = join(state.root, 'migrated.tar');
    process.env.WELLCLINIC_E2E_EMBEDDED = 'true';
  } catch (error) {
    globalThis.__wellclinicTestDb = undefined;
    await stopEmbedded(state);
    throw error;
  }
}
