import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ApiCluster, type ApiInstance, sleep } from './api-instances.js';
import { HaProxy, type ServerStat } from './haproxy.js';
import { type Attempt, describeFailures, failed, Load, type LoadSummary } from './load.js';

/**
 * Scenarios 1, 2 and 3 of the cluster suite (issue 17): three instances of the built API (production mode, a
 * scratch PostgreSQL database, the shared Redis) behind Debian's HAProxy (test/cluster/haproxy.sh), which checks
 * `GET /health` every 200 ms and retries what is safe to retry. Each test prints its figures.
 */

/** SHUTDOWN_DRAIN_MS: several of HAProxy's check intervals (200 ms, one failure takes a server out). */
const DRAIN_MS = 1500;
/** How soon another instance must stop serving what a change made stale (issue 17). */
const COHERENCE_MS = 250;
/** Each test's traffic: 4 clients, one request every ~5 ms each, one in four a contact submission. */
const LOAD = { clients: 4, pauseMs: 5, submitEvery: 4 };

function figures(scenario: string, lines: string[]): void {
  process.stdout.write(`\n${lines.map((line) => `  [${scenario}] ${line}`).join('\n')}\n`);
}

const ms = (value: number) => `${Math.round(value)} ms`;

function loadLine(summary: LoadSummary): string {
  return (
    `${summary.requests} requests: ${summary.reads} reads (${summary.readFailures} failed), ` +
    `${summary.submissions} submissions in ${summary.submissionAttempts} attempts ` +
    `(raw failures ${summary.rawSubmissionFailures}, final failures ${summary.finalSubmissionFailures}, ` +
    `${summary.acknowledged} acknowledged with 201, ${summary.replays} of them replays); served by ` +
    Object.entries(summary.servedBy)
      .sort()
      .map(([server, n]) => `${server} ${n}`)
      .join(', ')
  );
}

type Counter = 'total' | 'connectionErrors' | 'retries' | 'redispatches' | 'http5xx';

/** How much one of a server's counters grew between two `show stat` readings. */
function grew(server: string, key: Counter, before: Map<string, ServerStat>, after: Map<string, ServerStat>): number {
  return (after.get(server)?.[key] ?? 0) - (before.get(server)?.[key] ?? 0);
}

/** What HAProxy did for one server between two `show stat` readings. */
function haproxyLine(server: string, before: Map<string, ServerStat>, after: Map<string, ServerStat>): string {
  const delta = (key: Counter) => grew(server, key, before, after);
  return (
    `HAProxy, ${server}: ${delta('total')} requests, ${delta('connectionErrors')} connection errors, ` +
    `${delta('retries')} retries, ${delta('redispatches')} redispatched elsewhere, ${delta('http5xx')} answered 5xx`
  );
}

describe('three instances behind HAProxy', () => {
  let cluster: ApiCluster | undefined;
  let haproxy: HaProxy | undefined;
  let db: pg.Client | undefined;

  beforeAll(async () => {
    cluster = await ApiCluster.start({ instances: 3, drainMs: DRAIN_MS });
    haproxy = await HaProxy.start(cluster.instances.map((instance) => instance.port));
    await Promise.all(cluster.instances.map((instance) => haproxy!.waitForStatus(instance.name, /^UP$/)));
    db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    // Each step even if another failed: no process, database or directory is left behind.
    const failures: unknown[] = [];
    for (const step of [() => db?.end(), () => haproxy?.stop(), () => cluster?.close()]) {
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }, 60_000);

  const the = () => ({ cluster: cluster!, haproxy: haproxy!, db: db! });

  async function contactRequestRows(): Promise<number> {
    const { rows } = await the().db.query<{ n: number }>('SELECT count(*)::int AS n FROM contact_requests');
    return rows[0].n;
  }

  /** How many rows each reference has (a reference missing from the table has none). */
  async function storedTimes(references: string[]): Promise<Map<string, number>> {
    const { rows } = await the().db.query<{ reference: string; n: number }>(
      'SELECT reference, count(*)::int AS n FROM contact_requests WHERE reference = ANY($1) GROUP BY reference',
      [references],
    );
    return new Map(rows.map((row) => [row.reference, row.n]));
  }

  async function logsOnFailure<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      for (const instance of the().cluster.instances) {
        process.stderr.write(
          `\n--- ${instance.name} (${instance.history.join(', ')}), last lines:\n${instance.logTail()}\n`,
        );
      }
      throw error;
    }
  }

  it('rolling restart under load: each instance in turn drains on SIGTERM and comes back; no request fails', async () => {
    const { cluster, haproxy } = the();
    const rowsBefore = await contactRequestRows();
    const statsBefore = await haproxy.servers();
    const load = new Load({ baseUrl: haproxy.url, ...LOAD });
    const restarts: { instance: ApiInstance; signalledAt: number; out: number; exited: number; back: number }[] = [];
    await logsOnFailure(async () => {
      try {
        await sleep(300);
        for (const instance of cluster.instances) {
          const signalledAt = performance.now();
          instance.signal('SIGTERM');
          const out = await haproxy.waitForStatus(instance.name, /^DOWN/);
          const exit = await instance.waitForExit();
          expect(exit).toEqual({ code: 0, signal: null });
          const exited = performance.now() - signalledAt;
          await instance.start();
          await haproxy.waitForStatus(instance.name, /^UP$/);
          restarts.push({ instance, signalledAt, out, exited, back: performance.now() - signalledAt });
        }
        await sleep(300);
      } finally {
        await load.stop();
      }
    });
    const statsAfter = await haproxy.servers();
    const summary = load.summary();
    const acknowledged = load.submissions.filter((s) => s.reference !== undefined);
    const stored = await storedTimes(acknowledged.map((s) => s.reference!));
    const rowsAdded = (await contactRequestRows()) - rowsBefore;
    const duringDrain = (r: (typeof restarts)[number]) =>
      load.attempts.filter((a) => a.sentAt >= r.signalledAt && a.sentAt <= r.signalledAt + r.exited).length;

    figures('rolling restart', [
      loadLine(summary),
      ...restarts.map(
        (r) =>
          `${r.instance.name}: SIGTERM → out of HAProxy's rotation ${ms(r.out)} → exited 0 at ${ms(r.exited)} → ` +
          `restarted and back in rotation at ${ms(r.back)}; ${duringDrain(r)} requests sent during its drain`,
      ),
      ...cluster.instances.map((instance) => haproxyLine(instance.name, statsBefore, statsAfter)),
      `failed: ${describeFailures(load.attempts)}`,
      `stored: ${stored.size} of ${acknowledged.length} acknowledged references, each ${[...new Set(stored.values())].join('/') || '-'} time(s); ` +
        `contact_requests grew by ${rowsAdded}`,
    ]);

    expect(restarts.map((r) => r.instance.name)).toEqual(cluster.instances.map((i) => i.name));
    // Traffic really flowed through each drain, and to every instance.
    for (const restart of restarts) expect(duringDrain(restart)).toBeGreaterThan(0);
    for (const instance of cluster.instances) expect(summary.servedBy[instance.name]).toBeGreaterThan(0);
    expect(summary.readFailures).toBe(0);
    expect(summary.finalSubmissionFailures).toBe(0);
    expect(summary.acknowledged).toBeGreaterThan(0);
    // Every 201 stored exactly once: its reference is one row, its key one reference, and nothing else was added.
    expect(acknowledged.filter((s) => s.references.size !== 1)).toEqual([]);
    expect([...stored.values()].filter((n) => n !== 1)).toEqual([]);
    expect(stored.size).toBe(acknowledged.length);
    expect(rowsAdded).toBe(acknowledged.length);
    // The drain, not HAProxy's retries, is what made the restarts invisible: HAProxy stopped routing to each instance
    // before its listener closed, so it never met a refused connection, a dropped request or a 503, and retried
    // nothing. (With SHUTDOWN_DRAIN_MS=0 the clients still see no failure, thanks to ~40 redispatches: not this.)
    const counters: Counter[] = ['connectionErrors', 'retries', 'redispatches', 'http5xx'];
    const masked = cluster.instances.flatMap((instance) =>
      counters.map((key) => `${instance.name} ${key} ${grew(instance.name, key, statsBefore, statsAfter)}`),
    );
    expect(masked.filter((line) => !line.endsWith(' 0'))).toEqual([]);
  });

  it('crash: kill -9 of one instance under load loses no acknowledged submission; reads fail over', async () => {
    const { cluster, haproxy } = the();
    const victim = cluster.instances[1];
    const rowsBefore = await contactRequestRows();
    const statsBefore = await haproxy.servers();
    const load = new Load({ baseUrl: haproxy.url, ...LOAD });
    let killedAt = 0;
    let out = 0;
    await logsOnFailure(async () => {
      try {
        await sleep(500);
        killedAt = performance.now();
        victim.signal('SIGKILL');
        out = await haproxy.waitForStatus(victim.name, /^DOWN/);
        expect(await victim.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
        // The other two carry the traffic for a while.
        await sleep(1000);
      } finally {
        await load.stop();
      }
    });
    const statsAfter = await haproxy.servers();
    const summary = load.summary();
    const acknowledged = load.submissions.filter((s) => s.reference !== undefined);
    const stored = await storedTimes(acknowledged.map((s) => s.reference!));
    const rowsAdded = (await contactRequestRows()) - rowsBefore;
    const atCrash = (a: Attempt) => a.sentAt <= killedAt + out && a.endedAt >= killedAt;
    const lastByVictim = Math.max(
      ...load.attempts.filter((a) => a.servedBy === victim.name).map((a) => a.endedAt - killedAt),
    );
    const bootMs = await logsOnFailure(() => victim.start());
    const backMs = await haproxy.waitForStatus(victim.name, /^UP$/);

    figures('crash', [
      loadLine(summary),
      `${victim.name} killed (SIGKILL): HAProxy marked it DOWN after ${ms(out)}; its last answer ended ` +
        (lastByVictim < 0 ? `${ms(-lastByVictim)} before the kill` : `${ms(lastByVictim)} after the kill`),
      `in flight or sent between the kill and DOWN: ${load.attempts.filter(atCrash).length} requests, ` +
        `${load.attempts.filter((a) => atCrash(a) && failed(a)).length} of them failed (${describeFailures(load.attempts.filter(atCrash))})`,
      haproxyLine(victim.name, statsBefore, statsAfter),
      `failed in all: ${describeFailures(load.attempts)}`,
      `stored: ${stored.size} of ${acknowledged.length} acknowledged references; contact_requests grew by ${rowsAdded} ` +
        `(${rowsAdded - stored.size} stored without a 201 reaching the client)`,
      `${victim.name} restarted: ready in ${ms(bootMs)}, back in rotation ${ms(backMs)} later`,
    ]);

    expect(load.attempts.filter(atCrash).length).toBeGreaterThan(0);
    expect(summary.acknowledged).toBeGreaterThan(0);
    // No acknowledged submission lost, none stored twice.
    expect(stored.size).toBe(acknowledged.length);
    expect([...stored.values()].filter((n) => n !== 1)).toEqual([]);
    expect(acknowledged.filter((s) => s.references.size !== 1)).toEqual([]);
    // Reads fail over: HAProxy retries them on another instance.
    expect(summary.readFailures).toBe(0);
    expect(summary.finalSubmissionFailures).toBe(0);
    expect(lastByVictim).toBeLessThanOrEqual(out);
  });

  describe('coherence: a change through one instance is not served from the others’ caches', () => {
    const email = `cluster-admin-${randomBytes(4).toString('hex')}@wellclinic.test`;
    const password = `quiet-meadow-${randomBytes(6).toString('hex')}`;
    let auth: Record<string, string> = {};

    beforeAll(async () => {
      await the().cluster.createAdmin(email, password);
      const [a] = the().cluster.instances;
      const login = await fetch(`${a.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      auth = { authorization: `Bearer ${accessToken}` };
    }, 60_000);

    /** The fields the scenario reads from the public answers it polls. */
    interface Public {
      data?: { id: string; slug: string }[];
      periods?: { day: string }[];
      name?: string;
      timeZone?: string;
    }

    async function get(instance: ApiInstance, path: string): Promise<{ status: number; cache: string; body: Public }> {
      const response = await fetch(`${instance.url}${path}`);
      const text = await response.text();
      return {
        status: response.status,
        cache: response.headers.get('x-cache') ?? '',
        body: (text ? JSON.parse(text) : {}) as Public,
      };
    }

    async function send(instance: ApiInstance, method: string, path: string, body?: unknown): Promise<number> {
      const response = await fetch(`${instance.url}${path}`, {
        method,
        headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return response.status;
    }

    /** B's and C's copies of `path` are cache hits (so only an invalidation can make them fresh). */
    async function warm(path: string): Promise<void> {
      for (const instance of the().cluster.instances.slice(1)) {
        await get(instance, path);
        expect((await get(instance, path)).cache).toBe('HIT');
      }
    }

    /**
     * Makes the change through A, then polls B and C until each serves the new state; their delays after A's 200
     * (Infinity if one still served the old state 2 s later).
     */
    async function change(
      write: () => Promise<number>,
      path: string,
      fresh: (read: { status: number; body: Public }) => boolean,
    ): Promise<number[]> {
      await warm(path);
      expect(fresh(await get(the().cluster.instances[1], path))).toBe(false);
      await write();
      const answeredAt = performance.now();
      return Promise.all(
        the()
          .cluster.instances.slice(1)
          .map(async (instance) => {
            while (performance.now() - answeredAt < 2000) {
              if (fresh(await get(instance, path))) return performance.now() - answeredAt;
              await sleep(5);
            }
            return Infinity;
          }),
      );
    }

    it('an unpublished article, a withdrawn testimonial and changed hours: gone from B and C within 250 ms', async () => {
      const { cluster } = the();
      const [a, b, c] = cluster.instances;

      const { slug } = (await get(b, '/api/v1/articles')).body.data![0];
      const adminList = await fetch(`${a.url}/api/v1/admin/articles?pageSize=100`, { headers: auth });
      const article = ((await adminList.json()) as { data: { id: string; slug: string }[] }).data.find(
        (row) => row.slug === slug,
      )!;
      const articleDelays = await change(
        () => send(a, 'POST', `/api/v1/admin/articles/${article.id}/unpublish`),
        `/api/v1/articles/${slug}`,
        (read) => read.status === 404,
      );

      const testimonial = (await get(b, '/api/v1/testimonials')).body.data![0];
      const testimonialDelays = await change(
        () => send(a, 'POST', `/api/v1/admin/testimonials/${testimonial.id}/withdraw`),
        '/api/v1/testimonials',
        (read) => !read.body.data!.some((row) => row.id === testimonial.id),
      );

      const office = (await get(b, '/api/v1/hours/office')).body;
      const sunday = { day: 'sunday', opens: '10:00', closes: '14:00' };
      const hoursDelays = await change(
        () =>
          send(a, 'PUT', '/api/v1/admin/hours/office', {
            name: office.name,
            timeZone: office.timeZone,
            periods: [{ day: 'monday', opens: '08:00', closes: '18:00' }, sunday],
          }),
        '/api/v1/hours/office',
        (read) => read.body.periods!.some((p) => p.day === 'sunday'),
      );

      const delays = { article: articleDelays, testimonial: testimonialDelays, hours: hoursDelays };
      figures(
        'coherence',
        Object.entries(delays).map(
          ([what, [toB, toC]]) =>
            `${what} changed through ${a.name}: ${b.name} fresh ${ms(toB)}, ${c.name} fresh ${ms(toC)} after ${a.name}'s 200 ` +
            `(cache TTL 60 s, invalidation through Redis)`,
        ),
      );
      for (const [toB, toC] of Object.values(delays)) {
        expect(toB).toBeLessThanOrEqual(COHERENCE_MS);
        expect(toC).toBeLessThanOrEqual(COHERENCE_MS);
      }
      // The lists on B and C, cached before, no longer show the unpublished article.
      for (const instance of [b, c]) {
        const list = (await get(instance, '/api/v1/articles')).body.data!;
        expect(list.map((row) => row.slug)).not.toContain(slug);
      }
    });
  });
});
