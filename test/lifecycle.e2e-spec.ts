import { existsSync } from 'node:fs';
import { Agent, get, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { startServer, type ProcessPort } from '../src/server.js';
import { FixturesModule, Gate, ShutdownHold } from './fixtures/fixtures.module.js';
import {
  createTestApp,
  e2eDatabaseUrl,
  logs,
  TEST_DATA_ENCRYPTION_KEY,
  TEST_JWT_SECRET,
  testLogger,
} from './utils/test-app.js';

/** A stand-in for `process`: records exit codes and lets the test deliver signals. */
function fakeProcess(env: Record<string, string | undefined>) {
  const listeners = new Map<string, () => void>();
  const stderr: string[] = [];
  const exitCodes: number[] = [];
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const port: ProcessPort = {
    env,
    exit: (code) => {
      exitCodes.push(code);
      resolveExit(code);
    },
    stderr: { write: (text: string) => stderr.push(text) },
    on: (signal, listener) => listeners.set(signal, listener),
  };
  return { port, exited, exitCodes, stderr, signal: (name: string) => listeners.get(name)?.() };
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

/** A GET through a given agent, so that a test controls which connection carries it. */
function getThrough(agent: Agent, url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body, reusedSocket: request.reusedSocket }),
      );
    });
    request.on('error', reject);
  });
}

describe('graceful shutdown', () => {
  it('stops accepting, lets the in-flight request finish, then closes the pool', async () => {
    const t = await createTestApp({ imports: [FixturesModule] });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const gate = t.app.get(Gate);
    const dataSource = t.app.get(DataSource);

    const inFlight = fetch(`${base}/api/v1/fixtures/gate`);
    await gate.entered;

    const closed = t.close();
    await expect(fetch(`${base}/health/live`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow('fetch failed');
    expect(dataSource.isInitialized).toBe(true);

    gate.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ passed: true });

    await closed;
    expect(dataSource.isInitialized).toBe(false);
  });

  it('answers a request that arrives on an open connection during shutdown with 503, then closes it', async () => {
    const t = await createTestApp({ imports: [FixturesModule] });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const hold = t.app.get(ShutdownHold);
    hold.held = true;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // A URL in the response cache: not even a hit that needs no routing is answered once shutdown began.
    const cached = '/api/v1/tags';
    try {
      expect((await getThrough(agent, `${base}${cached}`)).headers['x-cache']).toBe('MISS');
      const before = await getThrough(agent, `${base}${cached}`);
      expect(before.status).toBe(200);
      expect(before.headers['x-cache']).toBe('HIT');
      expect(before.headers.connection).toBe('keep-alive');

      const closed = t.close();
      await hold.entered;
      const during = await getThrough(agent, `${base}${cached}`, { 'If-None-Match': String(before.headers.etag) });
      expect(during.reusedSocket).toBe(true);
      expect(during.status).toBe(503);
      expect(during.headers).toMatchObject({
        'content-type': 'application/problem+json; charset=utf-8',
        'retry-after': '1',
        connection: 'close',
        'cache-control': 'no-store',
      });
      expect(during.headers['x-request-id']).toEqual(expect.any(String));
      expect(JSON.parse(during.body)).toMatchObject({
        status: 503,
        code: 'service_unavailable',
        detail: 'The server is shutting down. Retry shortly.',
        instance: cached,
      });
      expect(during.headers['x-cache']).toBeUndefined();

      hold.release();
      await closed;
      await expect(fetch(`${base}/health/live`)).rejects.toThrow('fetch failed');
    } finally {
      // Also when an assertion failed: the held shutdown and the kept-alive socket must not outlive the test.
      hold.release();
      agent.destroy();
    }
  });

  it('exits 0 on SIGTERM after closing', async () => {
    const proc = fakeProcess({
      DATABASE_URL: e2eDatabaseUrl(),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DB_SEED_ON_START: 'false',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
    });
    const running = await startServer(proc.port);
    expect(running).toBeDefined();
    const { port } = running!.app.getHttpServer().address() as { port: number };
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    proc.signal('SIGTERM');
    // A supervisor that repeats the signal (or a second Ctrl-C) must not cut the shutdown short.
    proc.signal('SIGTERM');
    proc.signal('SIGINT');
    expect(await proc.exited).toBe(0);
    expect(proc.exitCodes).toEqual([0]);
    expect(running!.app.get(DataSource).isInitialized).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });
});

describe('configuration errors', () => {
  it('stop the boot with one message naming every bad variable, and exit 1', async () => {
    const proc = fakeProcess({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://root:hunter2@db/clinic',
      BODY_LIMIT_BYTES: '12',
    });
    expect(await startServer(proc.port)).toBeUndefined();
    expect(await proc.exited).toBe(1);
    const message = proc.stderr.join('');
    expect(message).toBe(
      [
        'Invalid configuration:',
        '  - BODY_LIMIT_BYTES: must not be less than 1024',
        '  - DATABASE_URL: must be a postgres:// or postgresql:// URL',
        '  - LOG_LEVEL: must be one of the following values: fatal, error, warn, info, debug, trace, silent',
        '  - PORT: must be an integer number',
        '',
      ].join('\n'),
    );
    expect(message).not.toMatch(/hunter2/);
  });
});

describe('embedded database mode', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wellclinic-pglite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.key`, { force: true });
  });

  it('boots from an empty directory, migrates, and keeps its data (and its encryption key) across restarts', async () => {
    expect(await readdir(dir)).toEqual([]);
    const env = { NODE_ENV: 'test', PGLITE_DATA_DIR: dir, LOG_LEVEL: 'info' };

    logs.lines.length = 0;
    const first = await createApp({ env, logger: testLogger });
    try {
      const { port } = (await first.app.listen({ port: 0, host: '127.0.0.1' }),
      first.app.getHttpServer().address()) as {
        port: number;
      };
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      await first.app.get(DataSource).query(`INSERT INTO seed_runs (name) VALUES ('persisted-marker')`);
    } finally {
      await first.close();
    }
    expect(logs.text).toContain(`Database: embedded PGlite (${dir}). Embedded mode serves ONE instance only`);
    expect(logs.text).toContain('Applied migrations: ');
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    // The generated data encryption key lives beside the database, readable by its owner only.
    const key = await readFile(`${dir}.key`, 'utf8');
    expect(Buffer.from(key.trim(), 'base64')).toHaveLength(32);
    expect((await stat(`${dir}.key`)).mode & 0o777).toBe(0o600);

    logs.lines.length = 0;
    const second = await createApp({ env, logger: testLogger });
    try {
      const rows = await second.app
        .get(DataSource)
        .query<{ name: string }[]>(`SELECT name FROM seed_runs WHERE name = 'persisted-marker'`);
      expect(rows).toEqual([{ name: 'persisted-marker' }]);
    } finally {
      await second.close();
    }
    expect(logs.text).toContain('Schema is up to date');
    expect(await readFile(`${dir}.key`, 'utf8')).toBe(key);
  }, 120_000);
});
