import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { execFile } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** The port number in the socket's file name (`.s.PGSQL.<port>`), the way libpq and `pg` name Unix sockets. */
const SOCKET_PORT = 5432;

/**
 * PGlite's own settings, and a smaller buffer pool: its WebAssembly memory only grows, and Postgres' default 128 MB
 * of shared buffers ends up resident once touched. The operating system still caches the data files beneath it.
 */
export const EMBEDDED_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * Creates a data directory (initdb) in a child process that exits when done. Done in this process, initdb grows
 * PGlite's WebAssembly memory to ~750 MB, which is never given back: the app would start at twice the memory it
 * needs for the rest of its life.
 */
async function initializeDataDir(dataDir: string): Promise<void> {
  // Into a sibling first, moved into place when complete: an initdb killed halfway leaves no PG_VERSION behind in
  // the real directory to pass for a cluster. The move fails (ENOTEMPTY) rather than mix with anything found there.
  const building = `${dataDir}.initdb-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  await runInitdb(building);
  await rename(building, dataDir);
}

async function runInitdb(dataDir: string): Promise<void> {
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = `
    const { PGlite } = await import(${JSON.stringify(pglite)});
    const [dataDir, params] = process.argv.slice(1);
    const db = await PGlite.create(dataDir, { startParams: JSON.parse(params) });
    await db.close();`;
  await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script, dataDir, JSON.stringify(EMBEDDED_START_PARAMS)],
    { timeout: 120_000 },
  );
}

/**
 * A freshly initialized cluster, dumped once per process by the first in-memory start: later in-memory databases load
 * it instead of running initdb again (seconds each; tests and `openapi:export` start several).
 */
let emptyCluster: Promise<Blob> | undefined;

/** A new in-memory database: initdb the first time in this process, a copy of that empty cluster afterwards. */
async function createInMemory(): Promise<PGlite> {
  const startParams = [...EMBEDDED_START_PARAMS];
  if (emptyCluster) {
    const loadDataDir = await emptyCluster.catch(() => undefined);
    if (loadDataDir) return PGlite.create({ loadDataDir, startParams });
  }
  const db = await PGlite.create({ startParams });
  const dumped = (emptyCluster ??= db.dumpDataDir('none').then((dump) => new Blob([dump])));
  await dumped.catch(() => {
    // Not kept: the next in-memory start runs initdb and tries again.
    if (emptyCluster === dumped) emptyCluster = undefined;
  });
  return db;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Serves `db` on a Unix socket in a new 0700 directory (named from `prefix`), one connection at a time; on failure
 * closes `db` and removes the directory.
 */
export async function serveOnPrivateSocket(
  db: PGlite,
  prefix: string,
): Promise<{ server: PGLiteSocketServer; socketDir: string }> {
  const socketDir = await mkdtemp(join(tmpdir(), prefix));
  const server = new PGLiteSocketServer({ db, path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), maxConnections: 1 });
  try {
    // mkdtemp makes it 0700 already; say so explicitly, whatever the umask or the platform.
    await chmod(socketDir, 0o700);
    await server.start();
  } catch (error) {
    await db.close();
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  }
  return { server, socketDir };
}

/**
 * Real Postgres compiled to WebAssembly, served to the app through the same `pg` driver as a real server, but on a
 * Unix socket in a fresh directory only this OS user can enter (0700): no TCP port, so no other local process can
 * reach the superuser session, and no other user can even open the socket. PGlite is a single session: the socket
 * server accepts one connection, so the pool in front of it must have exactly one, and keep it (`keepIdleConnection`
 * in the data source options: an idle connection the pool closed would leave the session to whichever same-user
 * process connects first).
 */
export class EmbeddedDatabase {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    /** The 0700 directory holding the socket. */
    readonly socketDir: string,
    readonly url: string,
  ) {}

  /**
   * @param options.keepProcessAlive false lets a CLI exit once its own work is done (the listening socket
   *   no longer holds the event loop open).
   */
  static async start(
    dataDir: string,
    options: { database?: string; keepProcessAlive?: boolean } = {},
  ): Promise<EmbeddedDatabase> {
    const inMemory = dataDir === 'memory://';
    if (!inMemory) {
      await mkdir(dataDir, { recursive: true });
      if (!(await exists(join(dataDir, 'PG_VERSION')))) await initializeDataDir(dataDir);
    }
    const db = inMemory
      ? await createInMemory()
      : await PGlite.create(dataDir, { startParams: [...EMBEDDED_START_PARAMS] });
    const { server, socketDir } = await serveOnPrivateSocket(db, 'wellclinic-pglite-');
    if (options.keepProcessAlive === false) (server as unknown as { server: Server }).server.unref();
    return new EmbeddedDatabase(db, server, socketDir, embeddedDatabaseUrl(socketDir, options.database ?? 'postgres'));
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
      await this.db.close();
    } finally {
      await rm(this.socketDir, { recursive: true, force: true });
    }
  }
}

/** A `pg` connection URL to a Unix socket: the directory goes in the `host` parameter, as libpq has it. */
export function embeddedDatabaseUrl(socketDir: string, database: string): string {
  return `postgres://postgres@localhost:${SOCKET_PORT}/${database}?host=${encodeURIComponent(socketDir)}`;
}
