import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createApp, type RunningApp } from '../src/app.factory.js';
import { FEATURE_REGISTRY } from '../src/app.module.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { EmbeddedDatabase } from '../src/database/embedded-database.js';
import { TEST_DATA_ENCRYPTION_KEY, TEST_JWT_SECRET, testLogger } from './utils/test-app.js';

/** The inodes of the sockets this process holds open. */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // The fd closed while we looked (readdir's own, for one).
    }
  }
  return inodes;
}

/** TCP ports this process listens on, IPv4 and IPv6 (state 0A is LISTEN in /proc/net/tcp). */
function listeningTcpPorts(): number[] {
  const mine = ownSocketInodes();
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && mine.has(cols[9])) ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports.sort();
}

/** Paths of the Unix sockets this process listens on (flag 00010000 is __SO_ACCEPTCON). */
function listeningUnixSockets(): string[] {
  const mine = ownSocketInodes();
  return readFileSync('/proc/net/unix', 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[3] === '00010000' && mine.has(cols[6]) && cols[7])
    .map((cols) => cols[7]);
}

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/**
 * The embedded database is one superuser session. It must be unreachable from anything but this process: no TCP
 * port, a socket only this OS user may open, and a session the app never gives back.
 */
describe('the embedded database', () => {
  let running: RunningApp;
  let httpPort: number;

  beforeAll(async () => {
    running = await createApp({
      env: {
        NODE_ENV: 'test',
        PGLITE_DATA_DIR: 'memory://',
        DB_SEED_ON_START: 'false',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
        NOTIFY_DISPATCH_INTERVAL_MS: '0',
        LOG_LEVEL: 'warn',
      },
      logger: testLogger,
    });
    await running.app.listen({ port: 0, host: '127.0.0.1' });
    httpPort = (running.app.getHttpServer().address() as { port: number }).port;
  }, 120_000);

  afterAll(async () => {
    await running?.close();
  });

  it('answers through the app while the process listens on no TCP port but the HTTP one', async () => {
    const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
    expect(health.status).toBe(200);
    expect(listeningTcpPorts()).toEqual([httpPort]);
  });

  it('serves the database on a Unix socket in a directory only this OS user may enter', () => {
    const sockets = listeningUnixSockets().filter((path) => path.includes('wellclinic-pglite-'));
    expect(sockets).toHaveLength(1);
    expect(sockets[0]).toMatch(/\/\.s\.PGSQL\.5432$/);
    const dir = statSync(dirname(sockets[0]));
    expect((dir.mode & 0o777).toString(8)).toBe('700');
    expect(dir.uid).toBe(process.getuid?.());
  });

  it('refuses a second connection from this user while the app holds its session', async () => {
    const [socket] = listeningUnixSockets().filter((path) => path.includes('wellclinic-pglite-'));
    const intruder = new pg.Client({
      host: dirname(socket),
      port: 5432,
      user: 'postgres',
      connectionTimeoutMillis: 3000,
    });
    intruder.on('error', () => undefined);
    await expect(intruder.connect().then(() => intruder.query('SELECT 1'))).rejects.toThrow();
    await intruder.end().catch(() => undefined);
    // The app's own session is untouched.
    expect((await fetch(`http://127.0.0.1:${httpPort}/health`)).status).toBe(200);
  });

  // Switching users needs root (or password-less sudo), which CI has: there the test must run, never skip.
  (isRoot || process.env.CI === 'true' ? it : it.skip)('refuses another OS user at the socket (EACCES)', async () => {
    const [socket] = listeningUnixSockets().filter((path) => path.includes('wellclinic-pglite-'));
    const probe = `require('net').connect(process.argv[1]).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); });`;
    const asNobody = ['runuser', '-u', 'nobody', '--', process.execPath, '-e', probe, socket];
    const [command, ...args] = isRoot ? asNobody : ['sudo', '-n', ...asNobody];
    const { stdout } = await run(command, args);
    expect(stdout.trim()).toBe('EACCES');
  });

  it('keeps its idle connection: the pool never closes it for another process to take the session', () => {
    const extra = (settings: { keepIdleConnection?: boolean }) =>
      (
        buildDataSourceOptions({
          url: 'postgres://h/db',
          entities: FEATURE_REGISTRY.entities,
          poolMax: 1,
          connectTimeoutMs: 1,
          statementTimeoutMs: 1,
          ...settings,
        }).extra as { idleTimeoutMillis: number }
      ).idleTimeoutMillis;
    expect(extra({ keepIdleConnection: true })).toBe(0);
    expect(extra({})).toBe(30_000);
  });
});

/** One statement on an embedded database, from a connection of the test's own. */
async function query(db: EmbeddedDatabase, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('an embedded data directory on disk', () => {
  const parent = mkdtempSync(join(tmpdir(), 'wellclinic-embedded-dir-'));
  const dataDir = join(parent, 'pglite');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('is created on first start (initdb in a child process), kept across restarts, with a 16 MB buffer pool', async () => {
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(false);
    const first = await EmbeddedDatabase.start(dataDir);
    try {
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      expect(await query(first, "SELECT current_setting('shared_buffers') AS value")).toEqual([{ value: '16MB' }]);
      await query(first, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
    } finally {
      await first.stop();
    }
    const second = await EmbeddedDatabase.start(dataDir);
    try {
      expect(await query(second, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
      expect(await query(second, "SELECT current_setting('shared_buffers') AS value")).toEqual([{ value: '16MB' }]);
    } finally {
      await second.stop();
    }
  });
});

describe('in-memory embedded databases', () => {
  it('are each their own empty cluster, however many one process starts (the later ones from a copy of the first)', async () => {
    const first = await EmbeddedDatabase.start('memory://');
    try {
      await query(first, 'CREATE TABLE only_in_first (n int)');
      const second = await EmbeddedDatabase.start('memory://');
      try {
        expect(await query(second, "SELECT to_regclass('only_in_first') AS t")).toEqual([{ t: null }]);
        expect(await query(second, "SELECT current_setting('shared_buffers') AS value")).toEqual([{ value: '16MB' }]);
        await query(second, 'CREATE TABLE only_in_second (n int)');
      } finally {
        await second.stop();
      }
      expect(await query(first, "SELECT to_regclass('only_in_second') AS t")).toEqual([{ t: null }]);
    } finally {
      await first.stop();
    }
  });
});
