// One embedded test database in a process of its own, started by the e2e global setup (one per Jest worker, so the
// workers' queries run on as many cores): an in-memory PGlite served on a Unix socket, as the app serves its embedded
// database (src/database/embedded-database.ts).
//
// Unlike the app's, this socket takes more than one connection, queued onto the one session one statement (or one
// transaction) at a time: the test apps use a pool of one, but an app a test builds with the production pool (10)
// may open a second connection while a background job holds the first, and the next test's app may connect before
// this process has seen the last one's close. A socket of one connection refuses both, at random.
//
//   node pglite-server.mjs <socket dir> <template>
//
// Starts from the data directory in <template> (an initialised, empty cluster: a few hundred milliseconds instead of
// the seconds initdb takes); when <template> does not exist yet, runs initdb and writes it there first. Says
// { ready: true } (or { error }) on the IPC channel, and stops with its parent: on SIGTERM or when the channel closes.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const [socketDir, template] = process.argv.slice(2);

let db;
let server;
let stopping;
function stop() {
  stopping ??= (async () => {
    try {
      await server?.stop();
      await db?.close();
    } finally {
      process.exit(0);
    }
  })();
}
process.on('SIGTERM', stop);
process.on('disconnect', stop);

try {
  if (existsSync(template)) {
    db = await PGlite.create({ loadDataDir: new Blob([await readFile(template)]) });
  } else {
    db = await PGlite.create();
    const tmp = `${template}.${process.pid}.tmp`;
    await writeFile(tmp, Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
    await rename(tmp, template);
  }
  server = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432'), maxConnections: 100 });
  await server.start();
  process.send({ ready: true });
} catch (error) {
  process.send({ error: String(error?.stack ?? error) });
  stop();
}
