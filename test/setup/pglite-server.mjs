// One embedded test database in a process of its own, started by the e2e global setup (one per Jest worker, so the
// workers' queries run on as many cores): an in-memory PGlite served on a Unix socket, as the app serves its embedded
// database (src/database/embedded-database.ts).
//
// Unlike the app's, this socket takes more than one connection, queued onto the one session one statement (or one
// transaction) at a time: the test apps use a pool of one, but an app a test builds with the production pool (10)
// may open a second connection while a background job holds the first, and the next test's app may connect before
// this process has seen the last one's close. A socket of one connection refuses both, at random.
//
// It also makes the worker's scratch databases (test/setup/test-database.ts), on request on a control socket
// (`control.sock` in <socket dir>, HTTP): each a PGlite of its own loaded from a template, served on a socket of its own
// in a new 0700 directory, one connection at a time as the app's. Loading a data directory in the Jest worker took
// 4 times the CPU it takes here (1.7 s against 0.4 s, 77 times a run): the worker's heap holds whole apps, and every
// collection the 25 MB copy caused marked all of it.
//
//   POST   /scratch           { template, startParams } → { id, socketDir }
//   GET    /scratch/:id/idle  answers once no client is connected (or it is dropped), or after ?within= milliseconds
//   POST   /scratch/:id/dump  { path } → the data directory written to <path> (a tar file), after a checkpoint
//   DELETE /scratch/:id       stops serving it, closes it and removes its directory (204 when already gone)
//   DELETE /scratch           drops every one: a new test file starts with none of an earlier file's
//
//   node pglite-server.mjs <socket dir> <template>
//
// Starts from the data directory in <template> (an initialised, empty cluster: a few hundred milliseconds instead of
// the seconds initdb takes); when <template> does not exist yet, runs initdb and writes it there first. Says
// { ready: true } (or { error }) on the IPC channel, and stops with its parent: on SIGTERM or when the channel closes.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [socketDir, template] = process.argv.slice(2);
const SOCKET = '.s.PGSQL.5432';

let db;
let server;
let control;
/** The scratch databases served, by id. */
const scratches = new Map();
let nextId = 1;
let stopping;
function stop() {
  stopping ??= (async () => {
    try {
      control?.close();
      await dropAll();
      await server?.stop();
      await db?.close();
    } finally {
      process.exit(0);
    }
  })();
}
process.on('SIGTERM', stop);
process.on('disconnect', stop);

function dropAll() {
  return Promise.allSettled([...scratches.values()].map((scratch) => scratch.drop()));
}

/** Each template's bytes, read once: the migrated one is written during the run, so only a successful read is kept. */
const templates = new Map();
function templateBlob(path) {
  let blob = templates.get(path);
  if (!blob) {
    blob = readFile(path).then((bytes) => new Blob([bytes]));
    templates.set(path, blob);
    blob.catch(() => templates.delete(path));
  }
  return blob;
}

async function createScratch({ template: path, startParams }) {
  const dir = await mkdtemp(join(tmpdir(), 'wellclinic-test-scratch-'));
  let scratchDb;
  let socketServer;
  try {
    scratchDb = await PGlite.create({ loadDataDir: await templateBlob(path), startParams });
    socketServer = new PGLiteSocketServer({ db: scratchDb, path: join(dir, SOCKET), maxConnections: 1 });
    // mkdtemp makes it 0700 already; said explicitly, whatever the umask.
    await chmod(dir, 0o700);
    await socketServer.start();
  } catch (error) {
    try {
      await scratchDb?.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    throw error;
  }
  const clients = new Set();
  let waiting = [];
  const release = () => {
    for (const resolve of waiting) resolve();
    waiting = [];
  };
  const id = String(nextId++);
  const scratch = {
    db: scratchDb,
    idle: (boundMs) => {
      if (clients.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        waiting.push(resolve);
        if (boundMs !== undefined) setTimeout(resolve, boundMs).unref();
      });
    },
    drop: async () => {
      scratches.delete(id);
      release();
      try {
        await socketServer.stop();
        await scratchDb.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  socketServer.server.on('connection', (socket) => {
    clients.add(socket);
    socket.once('close', () => {
      clients.delete(socket);
      if (clients.size === 0) release();
    });
  });
  scratches.set(id, scratch);
  return { id, socketDir: dir };
}

/** `db`'s data directory as a tar file at `path`: written beside it, then renamed, so no reader sees half a file. */
async function writeDataDir(db, path) {
  const bytes = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

async function dump(scratch, { path }) {
  // Everything on disk, so a copy starts without recovering from the write-ahead log.
  await scratch.db.exec('CHECKPOINT');
  await writeDataDir(scratch.db, path);
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

async function route(req) {
  const url = new URL(req.url, 'http://control');
  const [, resource, id, action] = url.pathname.split('/');
  if (resource !== 'scratch') return [404];
  if (!id && req.method === 'POST') return [200, await createScratch(await body(req))];
  if (!id && req.method === 'DELETE') return [204, await dropAll()];
  const scratch = scratches.get(id);
  if (!scratch) {
    // A dropped database has no client left, and dropping it again changes nothing.
    if ((req.method === 'GET' && action === 'idle') || (req.method === 'DELETE' && !action)) return [204];
    return [404];
  }
  if (req.method === 'DELETE' && !action) return [204, await scratch.drop()];
  if (req.method === 'GET' && action === 'idle') {
    const within = url.searchParams.get('within');
    return [204, await scratch.idle(within === null ? undefined : Number(within))];
  }
  if (req.method === 'POST' && action === 'dump') return [204, await dump(scratch, await body(req))];
  return [405];
}

function serveControl(path) {
  control = createServer((req, res) => {
    route(req).then(
      ([status, result]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? JSON.stringify(result) : undefined);
      },
      (error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error?.stack ?? error));
      },
    );
  });
  return new Promise((resolve, reject) => {
    control.once('error', reject);
    control.listen(path, resolve);
  });
}

try {
  if (existsSync(template)) {
    db = await PGlite.create({ loadDataDir: await templateBlob(template) });
  } else {
    db = await PGlite.create();
    await writeDataDir(db, template);
  }
  server = new PGLiteSocketServer({ db, path: join(socketDir, SOCKET), maxConnections: 100 });
  await server.start();
  await serveControl(join(socketDir, 'control.sock'));
  process.send({ ready: true });
} catch (error) {
  process.send({ error: String(error?.stack ?? error) });
  stop();
}
