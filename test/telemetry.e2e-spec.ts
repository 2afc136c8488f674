import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CONTACT_REQUESTS, contactRequestBody, LOGIN } from './factories/index.js';
import { createScratchDatabase, E2E_EMBEDDED } from './setup/test-database.js';
import { TEST_DATA_ENCRYPTION_KEY, TEST_JWT_SECRET } from './utils/test-app.js';
import { until } from './utils/until.js';
import { Receiver } from './utils/webhook-receiver.js';

/**
 * OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT) on the built app, `node dist/src/main.js`, as production runs
 * it: the SDK must start before the app's modules load, which an app booted inside Jest cannot show. Each test boots
 * it as a child process against an OTLP/HTTP receiver started here, and sends it real HTTP requests.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist/src/main.js');

const ADMIN = { email: 'otel-admin@wellclinic.test', password: 'a-long-tracing-passphrase' };
/** A person whose every detail is distinctive: none of it may appear in any exported span. */
const PERSON = {
  name: 'Zebulon Quaxworth',
  phone: '(415) 555-0199',
  email: 'zebulon.quaxworth@example.org',
  message: 'Quaxworth has trouble sleeping',
  // The built app's database has no published service (the migrated ones are hidden): name none.
  serviceInterest: undefined,
};
const PERSONAL = ['Zebulon', 'Quaxworth', '555-0199', '5550199', 'zebulon.quaxworth', ADMIN.password];
/** In the webhook URL's query, as some receivers take their token: it must stay out of spans too. */
const HOOK_TOKEN = 'hook-token-in-query-7c1e';

const HEX16 = /^[0-9a-f]{16}$/;
const traceparent = (traceId: string, parentId: string) => `00-${traceId}-${parentId}-01`;

/**
 * Writes, when the process exits, the paths of the CommonJS modules it loaded (OpenTelemetry's packages load as
 * CommonJS) and what is registered with the OpenTelemetry API (a tracer provider, a context manager) to
 * LOADED_MODULES_FILE: `node --import` runs it before the app.
 */
const LOADED_MODULES_PROBE = `data:text/javascript,${encodeURIComponent(
  "import { createRequire } from 'node:module'; import { writeFileSync } from 'node:fs';" +
    "const { cache } = createRequire(process.cwd() + '/');" +
    "process.on('exit', () => writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify({" +
    ' modules: Object.keys(cache),' +
    " registered: Object.keys(globalThis[Symbol.for('opentelemetry.js.api.1')] ?? {}) })));",
)}`;
/**
 * The SDK, the instrumentations and the module hooks they bring. Not @opentelemetry/api: prom-client loads it
 * (its CPU counter asks for the active span, for exemplars), a no-op facade until an SDK registers with it.
 */
const TELEMETRY_MODULE =
  /\/(@opentelemetry\/(?!api\/)|@fastify\/otel\/|require-in-the-middle\/|import-in-the-middle\/)/;

// --- OTLP/JSON, as the receiver gets it -------------------------------------------------------------------------

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}
interface OtlpRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: 'server' | 'client' | 'internal' | 'other';
  scope: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

const KINDS = { 1: 'internal', 2: 'server', 3: 'client' } as const;

function plain(value: OtlpValue): unknown {
  if (value.arrayValue) return value.arrayValue.values.map(plain);
  return value.stringValue ?? value.intValue ?? value.boolValue;
}

function attributesOf(list: { key: string; value: OtlpValue }[]): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]));
}

/** A local OTLP/HTTP receiver: accepts POST /v1/traces, keeps each body as sent. */
class OtlpReceiver {
  readonly requests: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': String(req.headers['content-type'] ?? 'application/json') }).end('{}');
    });
  });

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every span received so far (JSON protocol). */
  spans(): Span[] {
    return this.requests.flatMap(({ body }) =>
      (JSON.parse(body.toString('utf8')) as OtlpRequest).resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            name: s.name,
            kind: KINDS[s.kind as keyof typeof KINDS] ?? 'other',
            scope: ss.scope.name,
            attributes: attributesOf(s.attributes),
            resource: attributesOf(rs.resource.attributes),
          })),
        ),
      ),
    );
  }

  /** Waits until the spans received include one `match` accepts; returns it. */
  async span(match: (span: Span) => boolean): Promise<Span> {
    let found: Span | undefined;
    await until(() => (found = this.spans().find(match)) !== undefined, { intervalMs: 20, timeoutMs: 15_000 });
    return found!;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** The spans of `trace` below `ancestor`, at any depth. */
function descendants(spans: Span[], ancestor: Span): Span[] {
  const below = new Set([ancestor.spanId]);
  const found: Span[] = [];
  for (let grew = true; grew;) {
    grew = false;
    for (const span of spans) {
      if (span.traceId === ancestor.traceId && span.parentSpanId && below.has(span.parentSpanId)) {
        if (!below.has(span.spanId)) {
          below.add(span.spanId);
          found.push(span);
          grew = true;
        }
      }
    }
  }
  return found;
}

// --- the built app as a child process ---------------------------------------------------------------------------

/** What `nest build` compiles: dist/ older than any of it is rebuilt (CI builds before the tests run). */
const BUILD_INPUTS = [
  'src',
  'migrations',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true });
  return Math.max(info.mtimeMs, ...(await Promise.all(entries.map((e) => newestMtime(join(path, e.name))))));
}

async function buildIfStale(): Promise<void> {
  const built = await stat(MAIN).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  const sources = Math.max(...(await Promise.all(BUILD_INPUTS.map((input) => newestMtime(join(ROOT, input))))));
  if (built > sources) return;
  await promisify(execFile)('npx', ['nest', 'build'], { cwd: ROOT, timeout: 300_000 });
}

type LogLine = Record<string, unknown>;

class BuiltApp {
  private output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  /** Starts `node dist/src/main.js` in a scratch directory (no developer's .env) and waits until it serves. */
  static async start(env: Record<string, string>): Promise<BuiltApp> {
    const dir = await mkdtemp(join(tmpdir(), 'wellclinic-telemetry-'));
    const child = spawn(process.execPath, ['--import', LOADED_MODULES_PROBE, MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        SHUTDOWN_DRAIN_MS: '0',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOADED_MODULES_FILE: join(dir, 'loaded-modules.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new BuiltApp(child, dir);
    try {
      await until(() => app.port !== undefined || child.exitCode !== null, { intervalMs: 20, timeoutMs: 60_000 });
      if (app.port === undefined) throw new Error('exited before listening');
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`The built app did not start (${String(error)}):\n${app.output.slice(-4000)}`, { cause: error });
    }
    return app;
  }

  get port(): number | undefined {
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.output);
    return match ? Number(match[1]) : undefined;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port!}${path}`;
  }

  logs(): LogLine[] {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }

  /** The completion line of the request that got this X-Request-Id (written after the response, so waited for). */
  async completionLine(reqId: string | null): Promise<LogLine> {
    const lines = () => this.logs().filter((l) => l.msg === 'request completed' && l.reqId === reqId);
    await until(() => lines().length > 0, { intervalMs: 20, timeoutMs: 10_000 });
    expect(lines()).toHaveLength(1);
    return lines()[0];
  }

  /** SIGTERM, then the exit code, the modules it had loaded by then and what was registered with the OTel API. */
  async stop(): Promise<{ code: number | null; telemetry: string[]; registered: string[] }> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    const code = await this.exited;
    const probe = JSON.parse(await readFile(join(this.dir, 'loaded-modules.json'), 'utf8')) as {
      modules: string[];
      registered: string[];
    };
    await rm(this.dir, { recursive: true, force: true });
    // The probe saw the app's CommonJS modules (Fastify, node-postgres): a check on the probe itself.
    expect(probe.modules.filter((m) => m.includes('/node_modules/fastify/')).length).toBeGreaterThan(0);
    return { code, telemetry: probe.modules.filter((m) => TELEMETRY_MODULE.test(m)), registered: probe.registered };
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  get text(): string {
    return this.output;
  }
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

// --- the tests ----------------------------------------------------------------------------------------------------

describe('OpenTelemetry tracing of the built app (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let otlp: OtlpReceiver;
  const hooks = new Receiver();
  let database: { env: Record<string, string>; drop(): Promise<void> };
  let app: BuiltApp | undefined;

  beforeAll(async () => {
    await buildIfStale();
    otlp = await new OtlpReceiver().start();
    await hooks.start();
    // A database the apps share in turn: on PostgreSQL a scratch database; embedded, a data directory (the first app
    // creates and migrates it, the next ones open it as a restart would).
    if (process.env[E2E_EMBEDDED] === 'true') {
      const dir = await mkdtemp(join(tmpdir(), 'wellclinic-telemetry-db-'));
      database = {
        env: { PGLITE_DATA_DIR: join(dir, 'data'), DB_SEED_ON_START: 'false' },
        drop: () => rm(dir, { recursive: true, force: true }),
      };
    } else {
      const scratch = await createScratchDatabase();
      database = { env: { DATABASE_URL: scratch.url }, drop: () => scratch.drop() };
    }
  }, 360_000);

  afterEach(async () => {
    // Gone before the next test's app opens the same data directory.
    app?.kill();
    await app?.exited;
    app = undefined;
    otlp.requests.length = 0;
    hooks.reset();
  });

  afterAll(async () => {
    await otlp?.stop();
    await hooks.stop();
    await database?.drop();
  });

  const webhookEnv = () => ({
    NOTIFY_WEBHOOK_URLS: `${hooks.origin}/hook?token=${HOOK_TOKEN}`,
    NOTIFY_WEBHOOK_SECRET: 'telemetry-webhook-secret-0123456789',
    // The receiver is on loopback, which webhooks may reach only when allowed.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  });

  async function signIn(running: BuiltApp): Promise<string> {
    const res = await fetch(running.url(LOGIN), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(res.status).toBe(200);
    return (await json(res)).accessToken as string;
  }

  it(
    'exports server, Fastify, pg and webhook spans in the caller’s trace; logs, audit and webhook name those ' +
      'spans; no personal data leaves in any span',
    async () => {
      const running = (app = await BuiltApp.start({
        ...database.env,
        ...webhookEnv(),
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.origin,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e',
      }));

      // A read: the server span continues the caller's trace, a pg span below it, the log line names it.
      const readTrace = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7' };
      const read = await fetch(running.url('/api/v1/articles'), {
        headers: { traceparent: traceparent(readTrace.traceId, readTrace.parentId) },
      });
      expect(read.status).toBe(200);
      const readServer = await otlp.span((s) => s.kind === 'server' && s.traceId === readTrace.traceId);
      expect(readServer).toMatchObject({
        name: 'GET /api/v1/articles',
        parentSpanId: readTrace.parentId,
        scope: '@opentelemetry/instrumentation-http',
        attributes: {
          'http.request.method': 'GET',
          'http.route': '/api/v1/articles',
          'http.response.status_code': 200,
          'url.path': '/api/v1/articles',
        },
        resource: { 'service.name': 'well-clinic-api', 'deployment.environment.name': 'e2e' },
      });
      const readLine = await running.completionLine(read.headers.get('x-request-id'));
      expect(readLine).toMatchObject({ traceId: readTrace.traceId, spanId: readServer.spanId });
      await otlp.span((s) => s.scope === '@opentelemetry/instrumentation-pg' && s.traceId === readTrace.traceId);
      const readBelow = descendants(otlp.spans(), readServer);
      expect(readBelow.map((s) => s.scope)).toEqual(
        expect.arrayContaining(['@fastify/otel', '@opentelemetry/instrumentation-pg']),
      );
      // The same URL again is a response-cache hit, answered before Fastify routes it: its server span is named
      // by the route all the same, and the log line names it.
      const hitTraceId = '4bf92f3577b34da6a3ce929d0e0e4737';
      const hit = await fetch(running.url('/api/v1/articles'), {
        headers: { traceparent: traceparent(hitTraceId, readTrace.parentId) },
      });
      expect(hit.headers.get('x-cache')).toBe('HIT');
      const hitServer = await otlp.span((s) => s.kind === 'server' && s.traceId === hitTraceId);
      expect(hitServer).toMatchObject({
        name: 'GET /api/v1/articles',
        parentSpanId: readTrace.parentId,
        attributes: { 'http.route': '/api/v1/articles', 'http.response.status_code': 200 },
      });
      expect(await running.completionLine(hit.headers.get('x-request-id'))).toMatchObject({
        traceId: hitTraceId,
        spanId: hitServer.spanId,
      });
      const query = readBelow.find((s) => s.name.startsWith('pg.query'))!;
      expect(query).toMatchObject({ kind: 'client', attributes: { 'db.system.name': 'postgresql' } });
      expect(query.attributes['db.query.text']).toMatch(/^SELECT .* FROM .*articles/);

      // A write: the audit event and the webhook belong to the same trace; the webhook's traceparent is the span
      // of its delivery attempt, a child of the request's server span.
      const writeTrace = { traceId: '0af7651916cd43dd8448eb211c80319c', parentId: 'b7ad6b7169203331' };
      const write = await fetch(running.url(CONTACT_REQUESTS), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: traceparent(writeTrace.traceId, writeTrace.parentId),
        },
        body: JSON.stringify(contactRequestBody(PERSON)),
      });
      expect(write.status).toBe(201);
      const writeServer = await otlp.span((s) => s.kind === 'server' && s.traceId === writeTrace.traceId);
      expect(writeServer).toMatchObject({ name: 'POST /api/v1/contact-requests', parentSpanId: writeTrace.parentId });
      expect(await running.completionLine(write.headers.get('x-request-id'))).toMatchObject({
        traceId: writeTrace.traceId,
        spanId: writeServer.spanId,
      });
      const insert = await otlp.span(
        (s) =>
          s.traceId === writeTrace.traceId &&
          /INSERT INTO "contact_requests"/.test(String(s.attributes['db.query.text'])),
      );
      expect(descendants(otlp.spans(), writeServer)).toContainEqual(insert);
      expect(insert).toMatchObject({ kind: 'client', scope: '@opentelemetry/instrumentation-pg' });

      await hooks.received(1);
      const [webhook] = hooks.requests;
      expect(webhook.path).toBe(`/hook?token=${HOOK_TOKEN}`);
      const sent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(webhook.headers.traceparent));
      expect(sent?.[1]).toBe(writeTrace.traceId);
      const attempt = await otlp.span((s) => s.spanId === sent?.[2]);
      expect(attempt).toMatchObject({
        traceId: writeTrace.traceId,
        parentSpanId: writeServer.spanId,
        kind: 'client',
        scope: '@opentelemetry/instrumentation-http',
        name: 'POST',
        attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200, 'server.address': '127.0.0.1' },
      });

      const token = await signIn(running);
      const { contactRequestId: id } = JSON.parse(webhook.body) as { contactRequestId: string };
      const audit = await fetch(running.url(`/api/v1/admin/audit-events?entityId=${id}`), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(audit.status).toBe(200);
      expect((await json(audit)).data).toEqual([
        expect.objectContaining({ action: 'contact_request.received', traceId: writeTrace.traceId }),
      ]);

      // Personal data sent to contact routes: in a query string (refused, but the URL reached the server) and in a
      // search body. Neither may reach a span.
      const inQuery = await fetch(
        running.url(`/api/v1/admin/contact-requests?email=${encodeURIComponent(PERSON.email)}&q=Quaxworth`),
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(inQuery.status).toBe(400);
      const search = await fetch(running.url('/api/v1/admin/contact-requests/search'), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ phone: PERSON.phone }),
      });
      expect(search.status).toBe(200);
      const listed = await otlp.span(
        (s) => s.kind === 'server' && s.attributes['http.route'] === '/api/v1/admin/contact-requests',
      );
      expect(listed.attributes['url.path']).toBe('/api/v1/admin/contact-requests');
      await otlp.span(
        (s) => s.kind === 'server' && s.attributes['http.route'] === '/api/v1/admin/contact-requests/search',
      );

      const { code, telemetry, registered } = await running.stop();
      expect(code).toBe(0);
      // The probe's positive control: with tracing on it sees the SDK, its module hooks and what they registered.
      expect(telemetry).toEqual(
        expect.arrayContaining([
          expect.stringContaining('/@opentelemetry/sdk-node/'),
          expect.stringContaining('/require-in-the-middle/'),
        ]),
      );
      expect(registered).toEqual(expect.arrayContaining(['trace', 'context', 'propagation']));

      const exported = otlp.requests.map((r) => r.body.toString('utf8')).join('\n');
      for (const secret of [...PERSONAL, PERSON.email, HOOK_TOKEN]) expect(exported).not.toContain(secret);
      const keys = new Set(otlp.spans().flatMap((s) => Object.keys(s.attributes)));
      for (const key of ['url.query', 'url.full', 'client.address', 'network.peer.address', 'user_agent.original']) {
        expect(keys).not.toContain(key);
      }
      expect([...keys].filter((k) => k.startsWith('http.request.header') || k.startsWith('db.postgresql'))).toEqual([]);
    },
  );

  it('with the default protocol (http/protobuf), exports what is still buffered when the process is stopped', async () => {
    const running = (app = await BuiltApp.start({
      ...database.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.origin,
      // Nothing would leave before the batch delay: only the flush on shutdown can send these spans.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      OTEL_SERVICE_NAME: 'wellclinic-e2e-protobuf',
    }));
    const traceId = 'c0ffee0000000000000000000000beef';
    const res = await fetch(running.url('/api/v1/articles'), {
      headers: { traceparent: traceparent(traceId, 'b7ad6b7169203331') },
    });
    expect(res.status).toBe(200);
    expect(otlp.requests).toEqual([]);

    const { code } = await running.stop();
    expect(code).toBe(0);
    expect(running.text).toContain('"msg":"Shutdown complete"');
    expect(otlp.requests.length).toBeGreaterThan(0);
    const [first] = otlp.requests;
    expect({ path: first.path, type: first.headers['content-type'] }).toEqual({
      path: '/v1/traces',
      type: 'application/x-protobuf',
    });
    // Protobuf carries ids as raw bytes and strings as UTF-8.
    const body = Buffer.concat(otlp.requests.map((r) => r.body));
    expect(body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
    expect(body.includes('wellclinic-e2e-protobuf')).toBe(true);
    expect(body.includes('GET /api/v1/articles')).toBe(true);
  });

  it('without an OTLP endpoint loads nothing of OpenTelemetry and traces as before: the header, a span id of its own', async () => {
    const running = (app = await BuiltApp.start({
      ...database.env,
      ...webhookEnv(),
      // Standard variables that alone do not turn tracing on.
      OTEL_SERVICE_NAME: 'not-traced',
      OTEL_TRACES_SAMPLER: 'always_on',
    }));
    const traceId = '5a0f1e2d3c4b5a69788796a5b4c3d2e1';
    const parentId = '1a2b3c4d5e6f7081';
    const write = await fetch(running.url(CONTACT_REQUESTS), {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparent(traceId, parentId) },
      body: JSON.stringify(contactRequestBody(PERSON)),
    });
    expect(write.status).toBe(201);
    const line = await running.completionLine(write.headers.get('x-request-id'));
    expect(line).toMatchObject({ traceId, spanId: expect.stringMatching(HEX16) });
    expect(line.spanId).not.toBe(parentId);
    await hooks.received(1);
    // Today's behaviour: the request's own span is the webhook's parent, as stored with the event.
    expect(hooks.requests[0].headers.traceparent).toBe(traceparent(traceId, line.spanId as string));

    const { code, telemetry, registered } = await running.stop();
    expect(code).toBe(0);
    expect(telemetry).toEqual([]);
    // No tracer provider, no context manager (no AsyncLocalStorage on every promise), no propagator.
    expect(registered).toEqual([]);
    expect(otlp.requests).toEqual([]);
  });
});
