import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { REDIS_KEY_PREFIX } from '../src/rate-limit/rate-limit.keys.js';
import { RateLimitModule } from '../src/rate-limit/rate-limit.module.js';
import {
  describeWithRedis,
  keysUnder,
  RateLimitFixturesModule,
  rateLimitStoreOptions,
  redisReachable,
  TEST_REDIS_URL,
} from './fixtures/rate-limit.fixtures.js';
import { expectProblem } from './utils/expect-problem.js';
import { createTestApp, type TestApp } from './utils/test-app.js';
import { until } from './utils/until.js';

/**
 * Issue 17, scenario 4: the rate limits of several instances sharing one Redis. Failures spread over the instances
 * count together; with Redis gone, sign-ins and submissions fail closed (429 with Retry-After) while reads go on,
 * and the readiness probe says Redis is degraded without taking the instance out of rotation.
 */

const OPEN = '/api/v1/rate-fixtures/open';
const LOGIN = '/api/v1/rate-fixtures/login';
const SUBMIT = '/api/v1/rate-fixtures/submit';

const LIMITS = {
  TRUST_PROXY: 'true',
  RATE_LIMIT_GENERAL_LIMIT: '50',
  RATE_LIMIT_LOGIN_LIMIT: '3',
  RATE_LIMIT_LOGIN_EMAIL_LIMIT: '5',
  RATE_LIMIT_SUBMISSION_LIMIT: '2',
};

interface Res {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const rateHeaders = (res: Res) =>
  Object.fromEntries(Object.entries(res.headers).filter(([name]) => /ratelimit|retry-after/i.test(name)));

const login = (t: TestApp, ip: string, body: object) => t.http().post(LOGIN).set('X-Forwarded-For', ip).send(body);
const submit = (t: TestApp, ip: string) =>
  t.http().post(SUBMIT).set('X-Forwarded-For', ip).send({ message: 'Please call me back.' });
const open = (t: TestApp, ip: string) => t.http().get(OPEN).set('X-Forwarded-For', ip);

/** A sign-in refused for its password (401) with this many failures left to the IP. */
function expectRefusedLogin(res: Res, remaining: number) {
  expectProblem(res, { code: 'unauthorized', detail: 'The email or password is not correct.', instance: LOGIN });
  expect(rateHeaders(res)).toEqual({
    'ratelimit-limit': '3',
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': expect.stringMatching(/^(5[0-9]|60)$/),
  });
}

function expectLimited(res: Res, instance: string, limit: number, retryAfter: number | RegExp) {
  const wait = res.headers['retry-after'];
  expect(wait).toMatch(typeof retryAfter === 'number' ? new RegExp(`^${retryAfter}$`) : retryAfter);
  expectProblem(res, {
    code: 'rate_limited',
    detail: `Too many requests. Retry in ${wait} ${wait === '1' ? 'second' : 'seconds'}.`,
    instance,
  });
  expect(rateHeaders(res)).toEqual({
    'retry-after': wait,
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': '0',
    'ratelimit-reset': wait,
  });
}

/** Every key this run writes starts with it; deleted after the run. */
const RUN_PREFIX = `${REDIS_KEY_PREFIX}test-cluster-${randomBytes(4).toString('hex')}:`;

describeWithRedis('rate limits of three instances sharing one Redis', () => {
  const prefix = `${RUN_PREFIX}shared:`;
  const instances: TestApp[] = [];
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    await redis.connect();
    // One after the other: the first migrates, the others find nothing to do.
    for (let i = 0; i < 3; i++) {
      instances.push(
        await createTestApp({
          env: { ...LIMITS, REDIS_URL: TEST_REDIS_URL },
          imports: [RateLimitModule, RateLimitFixturesModule, rateLimitStoreOptions({ keyPrefix: prefix })],
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((t) => t.close()));
    const keys = await keysUnder(redis, RUN_PREFIX);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('counts sign-in failures made through different instances together', async () => {
    const ip = '192.0.2.60';
    const body = { email: 'spread.out@example.com', password: 'guess' };
    // One failure through each instance: each sees the failures the others counted.
    for (const [i, t] of instances.entries()) expectRefusedLogin(await login(t, ip, body), 2 - i);
    // Out of failures on every instance, even with the right password.
    for (const t of instances) {
      expectLimited(await login(t, ip, { ...body, password: 'right' }), LOGIN, 3, /^(5[0-9]|60)$/);
    }
    expect(await redis.get(`${prefix}login:failed:ip:${ip}`)).toBe('3');

    // The per-email budget (5) is shared too: five addresses, round robin over the instances.
    const email = { email: 'target.cluster@example.com', password: 'guess' };
    for (let i = 0; i < 5; i++) {
      expect((await login(instances[i % 3], `192.0.2.${70 + i}`, email)).status).toBe(401);
    }
    // Each failing address is now refused for that email on any instance; its owner, elsewhere, is not.
    for (let i = 0; i < 5; i++) {
      expectLimited(await login(instances[(i + 1) % 3], `192.0.2.${70 + i}`, email), LOGIN, 5, /^(5[0-9]|60)$/);
    }
    expect((await login(instances[2], '192.0.2.80', { ...email, password: 'right' })).status).toBe(200);
    process.stdout.write(
      'cluster: 3 instances, one Redis: the 4th sign-in failure of an IP and the 6th of an email refused, whichever instance counted the others\n',
    );
  });

  it('reports Redis in the readiness probe while it answers', async () => {
    const res = await instances[0].http().get('/health');
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: {
        status: 'ok',
        info: {
          database: { status: 'up', responseTime: expect.any(Number) },
          redis: { status: 'up', responseTime: expect.any(Number) },
          mail: { status: 'off' },
        },
        error: {},
        details: {
          database: { status: 'up', responseTime: expect.any(Number) },
          redis: { status: 'up', responseTime: expect.any(Number) },
          mail: { status: 'off' },
        },
      },
    });
  });
});

/** A free loopback port (there is a small window in which another process could take it). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** This process's environment without libfaketime's preload and settings. */
function realClockEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name === 'LD_PRELOAD' || name.startsWith('FAKETIME')) delete env[name];
  return env;
}

/** A redis-server of the test's own, on a loopback port, without persistence: stopped and started at will. */
class OwnRedis {
  private process: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      // On the real clock, as a real Redis runs, also when the suite runs under libfaketime (CI does): Redis under
      // a shifted clock never became reachable there.
      { stdio: 'ignore', env: realClockEnv() },
    );
    this.process = child;
    const exited = once(child, 'exit').then(() => {
      throw new Error(`redis-server exited at start (is it installed? apt-get install redis-server)`);
    });
    const ready = until(() => redisReachable(this.url), { intervalMs: 20, timeoutMs: 10_000 });
    await Promise.race([ready, exited]);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

describe('rate limits when their Redis goes away and comes back', () => {
  let own: OwnRedis;
  let t: TestApp;

  beforeAll(async () => {
    own = new OwnRedis(await freePort());
    await own.start();
    t = await createTestApp({
      env: { ...LIMITS, REDIS_URL: own.url },
      imports: [RateLimitModule, RateLimitFixturesModule],
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await own?.stop();
  });

  const health = async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    return res.body as { status: string; info: Record<string, unknown> };
  };

  it('fails closed for sign-ins and submissions, open for reads, reports degraded, and recovers', async () => {
    const ip = '192.0.2.90';
    expectRefusedLogin(await login(t, ip, { email: 'outage@example.com' }), 2);
    expect((await submit(t, ip)).status).toBe(201);
    expect((await health()).status).toBe('ok');

    const stopped = performance.now();
    await own.stop();
    await until(async () => (await health()).status === 'degraded', { timeoutMs: 10_000 });
    const noticedMs = performance.now() - stopped;

    // Degraded, not down: still 200, the database up, Redis degraded.
    const degraded = await t.http().get('/health');
    expect({ status: degraded.status, body: degraded.body }).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        info: {
          database: { status: 'up', responseTime: expect.any(Number) },
          redis: { status: 'degraded', message: 'Redis does not answer: shared rate limits are degraded' },
          mail: { status: 'off' },
        },
        error: {},
        details: {
          database: { status: 'up', responseTime: expect.any(Number) },
          redis: { status: 'degraded', message: 'Redis does not answer: shared rate limits are degraded' },
          mail: { status: 'off' },
        },
      },
    });

    // Sign-ins (right password included) and submissions: 429 with Retry-After, from every address.
    for (const from of [ip, '192.0.2.91']) {
      expectLimited(await login(t, from, { email: 'outage@example.com', password: 'right' }), LOGIN, 3, 5);
      expectLimited(await submit(t, from), SUBMIT, 2, 5);
    }
    // Reads go on, uncounted: more of them than the general ceiling would allow.
    for (let i = 0; i < 60; i++) {
      const res = await open(t, ip);
      expect({ status: res.status, headers: rateHeaders(res) }).toEqual({ status: 200, headers: {} });
    }

    const restarted = performance.now();
    await own.start();
    await until(async () => (await health()).status === 'ok', { timeoutMs: 15_000 });
    const recoveredMs = performance.now() - restarted;
    // Counting again (from zero: this Redis kept nothing).
    expectRefusedLogin(await login(t, ip, { email: 'outage@example.com' }), 2);
    expect(rateHeaders(await submit(t, ip))).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1' });
    expect(
      t.logs.json().some((line) => line.msg === 'Redis for rate limits is reachable again: rate limiting resumed'),
    ).toBe(true);
    process.stdout.write(
      `Redis outage: readiness degraded ${noticedMs.toFixed(0)} ms after Redis was killed; sign-ins and submissions 429 ` +
        `(Retry-After 5), 60 reads 200; counting again ${recoveredMs.toFixed(0)} ms after it was restarted\n`,
    );
  });
});
