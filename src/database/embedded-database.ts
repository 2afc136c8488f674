import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The port number in the socket's file name (`.s.PGSQL.<port>`), the way libpq and `pg` name Unix sockets. */
const SOCKET_PORT = 5432;

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
    if (dataDir !== 'memory://') await mkdir(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
    const socketDir = await mkdtemp(join(tmpdir(), 'wellclinic-pglite-'));
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
