import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { startServer, type ProcessPort } from '../src/server.js';
import { createScratchDatabase, E2E_EMBEDDED, testDataSource } from './setup/test-database.js';
import { PROBLEM_JSON } from './utils/expect-problem.js';
import { APP_BOOT_TIMEOUT_MS, TEST_DATA_ENCRYPTION_KEY, TEST_JWT_SECRET } from './utils/test-app.js';
import { until } from './utils/until.js';

/**
 * SIGTERM under continuous load, the way a load balancer or Kubernetes sees it: traffic keeps arriving for a while
 * after the signal, until the balancer notices the failed readiness probe. The real server (startServer, real
 * sockets, keep-alive clients) must serve all of it: no refused or reset connection, no error status, only
 * `/health` answering 503 once the drain began.
 */
const DRAIN_MS = 2000;
/**
 * The "load balancer" keeps routing here after it saw readiness fail (its propagation delay): for this many more
 * answers, or until half the drain has passed, whichever comes first. A real balancer stops well before the drain
 * ends (that is what the drain is sized for); a slow CI machine must not turn the count into a request sent after
 * the listener closed.
 */
const ROUTED_AFTER_NOT_READY = 60;
const ROUTED_FOR_AT_MOST_MS = DRAIN_MS / 2;
/** Bounds each wait, so a stuck phase fails with its own message instead of the test's timeout. */
const PHASE_TIMEOUT_MS = 30_000;
const CLIENTS = 4;

interface Answer {
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Sent after the signal (a request in flight then may have been answered before the drain began). */
  draining: boolean;
}

/** One request on a given keep-alive agent; rejects only on a connection-level failure. */
function send(agent: Agent, base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const draining = signalledAt !== undefined;
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        agent,
        headers: payload
          ? {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
              'idempotency-key': randomUUID(),
            }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ path, status: res.statusCode!, headers: res.headers, body: text, draining }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A connection of the test's own to the scratch database once the app's is gone. The embedded database is one
 * session: it refuses a second connection until it has seen the app's close, which may lag the app's exit a little.
 */
async function connectWhenFree(url: string): Promise<DataSource> {
  for (let attempt = 1; ; attempt++) {
    const db = testDataSource(url);
    try {
      return await db.initialize();
    } catch (error) {
      if (attempt === 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** When the test sent SIGTERM (performance.now()). */
let signalledAt: number | undefined;

describe('shutdown with a drain phase', () => {
  it(
    'serves every request that arrives during the drain: no connection error, 503 only on readiness',
    async () => {
      const scratch = await createScratchDatabase({ migrated: true });
      const exitCodes: number[] = [];
      let exited!: (code: number) => void;
      const exit = new Promise<number>((resolve) => (exited = resolve));
      const signals = new Map<string, () => void>();
      const proc: ProcessPort = {
        env: {
          NODE_ENV: 'test',
          DATABASE_URL: scratch.url,
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'silent',
          // Articles, testimonials, and the hours a contact request's reply promise needs.
          DB_SEED_ON_START: 'true',
          JWT_SECRET: TEST_JWT_SECRET,
          DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
          NOTIFY_DISPATCH_INTERVAL_MS: '0',
          RATE_LIMIT_GENERAL_LIMIT: '100000',
          RATE_LIMIT_SUBMISSION_LIMIT: '10000',
          RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '1',
          SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
          ...(process.env[E2E_EMBEDDED] === 'true' ? { DB_POOL_MAX: '1' } : {}),
        },
        exit: (code) => {
          exitCodes.push(code);
          exited(code);
        },
        stderr: process.stderr,
        on: (signal, listener) => signals.set(signal, listener),
      };
      const agents = Array.from({ length: CLIENTS + 1 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
      try {
        const running = await startServer(proc);
        const { port } = running!.app.getHttpServer().address() as { port: number };
        const base = `http://127.0.0.1:${port}`;

        const answers: Answer[] = [];
        const probes: Answer[] = [];
        const connectionErrors: string[] = [];
        let routed = true;
        const record = (into: Answer[], answer: Answer) => into.push(answer);

        const REQUESTS = [
          () => ['GET', '/api/v1/articles'] as const,
          () => ['GET', '/api/v1/testimonials'] as const,
          () => ['GET', '/api/v1/hours'] as const,
          () => ['POST', '/api/v1/contact-requests'] as const,
        ];
        const client = async (agent: Agent, offset: number) => {
          for (let i = offset; routed; i++) {
            const [method, path] = REQUESTS[i % REQUESTS.length]();
            const body =
              method === 'POST'
                ? {
                    name: `Drain Test ${i}`,
                    phone: `(202) 555-01${String(i % 100).padStart(2, '0')}`,
                    preferredChannel: 'text',
                    consentToText: true,
                    consentToContact: true,
                    message: 'Sent while the instance shuts down.',
                  }
                : undefined;
            await send(agent, base, method, path, body).then(
              (answer) => record(answers, answer),
              (error: Error) => connectionErrors.push(`${method} ${path}: ${error.message}`),
            );
          }
        };
        // The load balancer's probe: readiness and liveness, every few milliseconds.
        const prober = async (agent: Agent) => {
          for (let i = 0; routed; i++) {
            const path = i % 2 === 0 ? '/health' : '/health/live';
            await send(agent, base, 'GET', path).then(
              (answer) => record(probes, answer),
              (error: Error) => connectionErrors.push(`GET ${path}: ${error.message}`),
            );
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        };
        const load = [...agents.slice(0, CLIENTS).map((agent, i) => client(agent, i)), prober(agents[CLIENTS])];

        await until(() => answers.length >= 40 && probes.some((p) => p.path === '/health'), {
          timeoutMs: PHASE_TIMEOUT_MS,
        });
        signalledAt = performance.now();
        signals.get('SIGTERM')!();

        // The balancer notices the failed probe, and keeps routing here a little longer before it stops.
        await until(() => probes.some((p) => p.draining && p.path === '/health'), { timeoutMs: DRAIN_MS });
        const notReadyAt = answers.length;
        const signalled = signalledAt;
        await until(
          () =>
            answers.length >= notReadyAt + ROUTED_AFTER_NOT_READY ||
            performance.now() - signalled >= ROUTED_FOR_AT_MOST_MS,
        );
        routed = false;
        await Promise.all(load);
        const loadStoppedMs = performance.now() - signalledAt;

        expect(await exit).toBe(0);
        const exitedMs = performance.now() - signalledAt;
        expect(exitCodes).toEqual([0]);

        const during = answers.filter((a) => a.draining);
        const statuses = (list: Answer[]) =>
          [...list.reduce((m, a) => m.set(a.status, (m.get(a.status) ?? 0) + 1), new Map<number, number>())]
            .map(([s, n]) => `${s}×${n}`)
            .join(', ');
        process.stdout.write(
          `drain of ${DRAIN_MS} ms under ${CLIENTS} keep-alive clients: ${answers.length} requests answered ` +
            `(${statuses(answers)}), ${during.length} of them sent after SIGTERM (${statuses(during)}); ` +
            `probes ${probes.length} (/health after SIGTERM: ${statuses(probes.filter((p) => p.draining && p.path === '/health'))}); ` +
            `connection errors ${connectionErrors.length}; load stopped ${Math.round(loadStoppedMs)} ms after SIGTERM, ` +
            `process exited after ${Math.round(exitedMs)} ms\n`,
        );

        expect(connectionErrors).toEqual([]);
        expect(answers.filter((a) => a.status >= 300).map((a) => `${a.path} ${a.status} ${a.body}`)).toEqual([]);
        // Requests kept arriving after the signal, and every one was served (each closing its connection, below).
        expect(during.length).toBeGreaterThan(0);
        // Kept-alive clients are told to reconnect: after the drain, they would reach another instance.
        expect(during.filter((a) => a.headers.connection !== 'close').map((a) => a.path)).toEqual([]);
        // Those answered before the signal were not (the first 40 were, when the test sent it).
        expect(answers.slice(0, 40).every((a) => a.headers.connection === 'keep-alive')).toBe(true);
        // The listener closes only once the drain period is over.
        expect(exitedMs).toBeGreaterThanOrEqual(DRAIN_MS - 5);

        // Liveness stays 200 throughout; readiness fails from the signal on (a probe sent just before it may be
        // read after it, and fail too).
        for (const probe of probes) {
          if (probe.path === '/health/live' || (probe.status === 200 && !probe.draining)) {
            expect(probe.status).toBe(200);
            continue;
          }
          expect(probe.status).toBe(503);
          expect(probe.headers['content-type']).toBe(PROBLEM_JSON);
          expect(probe.headers['retry-after']).toBe('1');
          expect(JSON.parse(probe.body)).toEqual({
            type: '/problems/service-unavailable',
            title: 'Service unavailable',
            status: 503,
            detail: 'The server is shutting down. Retry shortly.',
            instance: '/health',
            code: 'service_unavailable',
            requestId: probe.headers['x-request-id'],
            draining: true,
          });
        }
        await expect(send(agents[0], base, 'GET', '/health/live')).rejects.toThrow();

        // Every submission acknowledged during the drain was stored.
        const acknowledged = during
          .filter((a) => a.status === 201)
          .map((a) => (JSON.parse(a.body) as { reference: string }).reference);
        expect(acknowledged.length).toBeGreaterThan(0);
        const db = await connectWhenFree(scratch.url);
        try {
          const [{ n }] = await db.query<{ n: number }[]>(
            'SELECT count(*)::int AS n FROM contact_requests WHERE reference = ANY($1)',
            [acknowledged],
          );
          expect(n).toBe(acknowledged.length);
        } finally {
          await db.destroy();
        }
      } finally {
        // Also when an assertion failed: the server must not outlive the test.
        if (signalledAt === undefined) signals.get('SIGTERM')?.();
        if (signals.size > 0) await exit;
        for (const agent of agents) agent.destroy();
        await scratch.drop();
      }
    },
    APP_BOOT_TIMEOUT_MS,
  );
});
