import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:net';

/**
 * Real Postgres compiled to WebAssembly, served on a loopback port so the app talks to it through the same
 * `pg` driver as to a real server. PGlite is a single session: the socket server accepts one connection,
 * so the pool in front of it must have exactly one.
 */
export class EmbeddedDatabase {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  /**
   * @param options.keepProcessAlive false lets a CLI exit once its own work is done (the listening socket
   *   no longer holds the event loop open).
   */
  static async start(
    dataDir: string,
    options: { port?: number; database?: string; keepProcessAlive?: boolean } = {},
  ): Promise<EmbeddedDatabase> {
    if (dataDir !== 'memory://') await mkdir(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 1 });
    try {
      await server.start();
    } catch (error) {
      await db.close();
      throw error;
    }
    if (options.keepProcessAlive === false) (server as unknown as { server: Server }).server.unref();
    const port = Number(server.getServerConn().split(':').pop());
    return new EmbeddedDatabase(db, server, `postgres://postgres@127.0.0.1:${port}/${options.database ?? 'postgres'}`);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
