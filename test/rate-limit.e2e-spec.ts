import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { emailDigest, REDIS_KEY_PREFIX } from '../src/rate-limit/rate-limit.keys.js';
import { RateLimitModule } from '../src/rate-limit/rate-limit.module.js';
import { RATE_LIMIT_STORAGE } from '../src/rate-limit/rate-limit.options.js';
import { RedisThrottlerStorage } from '../src/rate-limit/redis-throttler.storage.js';
import {
  describeWithRedis,
  FakeClock,
  keysUnder,
  RateLimitFixturesModule,
  rateLimitStoreOptions,
  TEST_REDIS_URL,
} from './fixtures/rate-limit.fixtures.js';
import { expectProblem } from './utils/expect-problem.js';
import { logs, type TestApp, useTestApp, withTestApp } from './utils/test-app.js';

/** Every key this run writes starts with it; deleted after the run. */
const RUN_PREFIX = `${REDIS_KEY_PREFIX}test-${randomBytes(4).toString('hex')}:`;

// ---------------------------------------------------------------------------------------------------------
// Helpers

const OPEN = '/api/v1/rate-fixtures/open';
const LOGIN = '/api/v1/rate-fixtures/login';
const SUBMIT = '/api/v1/rate-fixtures/submit';
const SKIPPED = '/api/v1/rate-fixtures/skipped';

interface Res {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Every rate-limit related header of a response, so a test can assert the exact set (X-RateLimit-* included). */
function rateHeaders(res: Res): Record<string, string> {
  return Object.fromEntries(Object.entries(res.headers).filter(([name]) => /ratelimit|retry-after/i.test(name)));
}

function expectAllowed(
  res: Res,
  status: number,
  body: unknown,
  limit: number,
  remaining: number,
  reset: number | RegExp,
) {
  expect({ status: res.status, body: res.body }).toEqual({ status, body });
  expect(rateHeaders(res)).toEqual({
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': typeof reset === 'number' ? String(reset) : expect.stringMatching(reset),
  });
}

function expectLimited(res: Res, instance: string, limit: number, retryAfter: number) {
  expectProblem(res, {
    code: 'rate_limited',
    detail: `Too many requests. Retry in ${retryAfter} ${retryAfter === 1 ? 'second' : 'seconds'}.`,
    instance,
  });
  expect(rateHeaders(res)).toEqual({
    'retry-after': String(retryAfter),
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': '0',
    'ratelimit-reset': String(retryAfter),
  });
}

/** A refused sign-in (401), with the IP's failure budget counting this failure. */
function expectRefusedLogin(res: Res, limit: number, remaining: number, reset: number | RegExp) {
  expectProblem(res, { code: 'unauthorized', detail: 'The email or password is not correct.', instance: LOGIN });
  expect(rateHeaders(res)).toEqual({
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': typeof reset === 'number' ? String(reset) : expect.stringMatching(reset),
  });
}

const open = (t: TestApp, ip: string) => t.http().get(OPEN).set('X-Forwarded-For', ip);
const login = (t: TestApp, ip: string, body: object) => t.http().post(LOGIN).set('X-Forwarded-For', ip).send(body);
const submit = (t: TestApp, ip: string) =>
  t.http().post(SUBMIT).set('X-Forwarded-For', ip).send({ message: 'Please call me back.' });

const OK = { ok: true };
const SIGNED_IN = { signedIn: true };
const RECEIVED = { received: true };

/** Limits small enough to exhaust in a test; windows long enough never to end on their own during one. */
const SMALL_LIMITS = {
  TRUST_PROXY: 'true',
  RATE_LIMIT_GENERAL_LIMIT: '10',
  RATE_LIMIT_GENERAL_WINDOW_SECONDS: '60',
  RATE_LIMIT_LOGIN_LIMIT: '3',
  RATE_LIMIT_LOGIN_EMAIL_LIMIT: '5',
  RATE_LIMIT_LOGIN_WINDOW_SECONDS: '60',
  RATE_LIMIT_SUBMISSION_LIMIT: '2',
  RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '600',
};

// ---------------------------------------------------------------------------------------------------------

describe('rate limits (in memory, clock under test control)', () => {
  const clock = new FakeClock();
  const app = useTestApp({
    env: SMALL_LIMITS,
    imports: [RateLimitModule, RateLimitFixturesModule, rateLimitStoreOptions({ clock: clock.now })],
  });

  it('puts every route under the general per-IP ceiling, then answers 429 problem+json', async () => {
    const ip = '198.51.100.1';
    for (let i = 1; i <= 10; i++) expectAllowed(await open(app(), ip), 200, OK, 10, 10 - i, 60);

    expectLimited(await open(app(), ip), OPEN, 10, 60);
    // Every route, not only the one that was hammered.
    expectLimited(await submit(app(), ip), SUBMIT, 10, 60);
    // Another client is not affected.
    expectAllowed(await open(app(), '198.51.100.2'), 200, OK, 10, 9, 60);
  });

  it('never limits a route marked @SkipRateLimit(), and sends it no rate-limit headers', async () => {
    const ip = '198.51.100.3';
    for (let i = 0; i < 10; i++) await open(app(), ip);
    expect((await open(app(), ip)).status).toBe(429);

    for (let i = 0; i < 12; i++) {
      const res = await app().http().get(SKIPPED).set('X-Forwarded-For', ip);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: OK });
      expect(rateHeaders(res)).toEqual({});
    }
  });

  it('keeps a client blocked for one window from the refusal, counting down, then starts afresh', async () => {
    const ip = '198.51.100.4';
    for (let i = 0; i < 5; i++) await open(app(), ip);
    clock.advance(30_000);
    for (let i = 0; i < 5; i++) await open(app(), ip);
    // The window opened 30 s ago; the block starts now and lasts a whole window.
    expectLimited(await open(app(), ip), OPEN, 10, 60);

    clock.advance(45_000);
    expectLimited(await open(app(), ip), OPEN, 10, 15);
    clock.advance(14_500);
    expectLimited(await open(app(), ip), OPEN, 10, 1);

    clock.advance(500);
    expectAllowed(await open(app(), ip), 200, OK, 10, 9, 60);
  });

  it('counts IPv6 clients per /64 network', async () => {
    expectAllowed(await open(app(), '2001:db8:1:2::5'), 200, OK, 10, 9, 60);
    expectAllowed(await open(app(), '2001:db8:1:2:abcd::9'), 200, OK, 10, 8, 60);
    expectAllowed(await open(app(), '2001:db8:1:3::5'), 200, OK, 10, 9, 60);
  });

  describe('login: failures only', () => {
    const RIGHT = 'right';
    /** A refused sign-in: 401, with this IP's failure budget as it stood before the attempt. */
    const expectRefused = (res: Res, remaining: number) => expectRefusedLogin(res, 3, remaining, 60);

    it('never counts a successful sign-in, and refuses an IP once it has failed RATE_LIMIT_LOGIN_LIMIT times', async () => {
      const ip = '203.0.113.1';
      // (Four, to stay under the general ceiling of 10.)
      for (let i = 0; i < 4; i++) {
        // The budget if this attempt had failed; it did not, so the next one sees the same.
        expectAllowed(await login(app(), ip, { email: 'pat@example.com', password: RIGHT }), 200, SIGNED_IN, 3, 2, 60);
      }
      for (const [i, email] of ['a1@example.com', 'a2@example.com', 'a3@example.com'].entries()) {
        expectRefused(await login(app(), ip, { email, password: 'wrong' }), 2 - i);
      }
      // Out of failures: refused before the password is even looked at, right or wrong, whatever the email.
      expectLimited(await login(app(), ip, { email: 'pat@example.com', password: RIGHT }), LOGIN, 3, 60);
      expectLimited(await login(app(), ip, { email: 'new@example.com' }), LOGIN, 3, 60);
      // Another IP is not affected, not even for those emails.
      expectAllowed(
        await login(app(), '203.0.113.2', { email: 'a1@example.com', password: RIGHT }),
        200,
        SIGNED_IN,
        3,
        2,
        60,
      );
      clock.advance(60_000);
      expectAllowed(await login(app(), ip, { email: 'pat@example.com', password: RIGHT }), 200, SIGNED_IN, 3, 2, 60);
    });

    it('lets the owner of an email under attack sign in from elsewhere; a 429 only to the failing sources', async () => {
      const email = 'target@example.com';
      const attackers = ['203.0.113.11', '203.0.113.12', '203.0.113.13', '203.0.113.14', '203.0.113.15'];
      // RATE_LIMIT_LOGIN_EMAIL_LIMIT (5) failures on the email, one from each attacker.
      for (const ip of attackers) expectRefused(await login(app(), ip, { email, password: 'guess' }), 2);
      // Each failing source is now refused for that email, even with the right password...
      for (const ip of attackers) {
        expectLimited(await login(app(), ip, { email, password: RIGHT }), LOGIN, 5, 60);
      }
      // ...but may still try others (its own IP budget has 2 failures left, 1 if this one failed).
      expectAllowed(
        await login(app(), attackers[0], { email: 'other@example.com', password: RIGHT }),
        200,
        SIGNED_IN,
        3,
        1,
        60,
      );
      // The owner, from an address that has not failed, signs in: not locked out by someone else's guesses.
      expectAllowed(await login(app(), '198.51.100.50', { email, password: RIGHT }), 200, SIGNED_IN, 3, 2, 60);
      // A new source gets one try at the email, then joins the refused ones.
      const next = '203.0.113.16';
      expectRefused(await login(app(), next, { email, password: 'guess' }), 2);
      expectLimited(await login(app(), next, { email, password: 'guess' }), LOGIN, 5, 60);
    });

    it('treats the email case-insensitively and ignores surrounding spaces', async () => {
      const spellings = [
        '  Sam@Example.COM ',
        'sam@example.com',
        'SAM@EXAMPLE.COM',
        'sam@EXAMPLE.com',
        'Sam@example.com',
      ];
      for (const [i, email] of spellings.entries())
        expectRefused(await login(app(), `203.0.113.${20 + i}`, { email }), 2);
      expectLimited(await login(app(), '203.0.113.20', { email: '\tsam@EXAMPLE.com' }), LOGIN, 5, 60);
    });

    it('counts per IP only when the body has no email', async () => {
      const ip = '203.0.113.30';
      for (let i = 0; i < 3; i++) expectRefused(await login(app(), ip, { password: 'x' }), 2 - i);
      expectLimited(await login(app(), ip, {}), LOGIN, 3, 60);
      expectRefused(await login(app(), '203.0.113.31', {}), 2);
    });
  });

  it('keeps the submission policy independent from the login policy', async () => {
    const ip = '203.0.113.40';
    for (let i = 0; i < 3; i++) await login(app(), ip, { email: 'lou@example.com' });
    expectLimited(await login(app(), ip, { email: 'lou@example.com' }), LOGIN, 3, 60);

    expectAllowed(await submit(app(), ip), 201, RECEIVED, 2, 1, 600);
    expectAllowed(await submit(app(), ip), 201, RECEIVED, 2, 0, 600);
    expectLimited(await submit(app(), ip), SUBMIT, 2, 600);

    // And the other way round: exhausted submissions leave login alone.
    const other = '203.0.113.41';
    for (let i = 0; i < 2; i++) await submit(app(), other);
    expectLimited(await submit(app(), other), SUBMIT, 2, 600);
    expectAllowed(await login(app(), other, { email: 'max@example.com', password: 'right' }), 200, SIGNED_IN, 3, 2, 60);
  });

  it('does not put a route without opt-in under the login or submission limits', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 4; i++) await login(app(), ip, { email: 'ed@example.com' });
    for (let i = 0; i < 3; i++) await submit(app(), ip);
    expect((await submit(app(), ip)).status).toBe(429);

    // 8 requests so far on the general counter: the open route answers under it alone.
    expectAllowed(await open(app(), ip), 200, OK, 10, 1, 60);
  });
});

describe('rate limits in memory are per instance', () => {
  it('starts every instance with fresh counters', async () => {
    const body = { email: 'noa@example.com' };
    const options = { env: SMALL_LIMITS, imports: [RateLimitModule, RateLimitFixturesModule] };
    await withTestApp(options, async (t) => {
      expectRefusedLogin(await login(t, '192.0.2.1', body), 3, 2, /^(59|60)$/);
      expectRefusedLogin(await login(t, '192.0.2.1', body), 3, 1, /^(59|60)$/);
    });
    await withTestApp(options, async (t) => {
      expectRefusedLogin(await login(t, '192.0.2.1', body), 3, 2, /^(59|60)$/);
    });
  });
});

describe('rate limits when Redis is unreachable', () => {
  /** Nothing listens on port 1: every connection is refused at once. */
  const UNREACHABLE = { ...SMALL_LIMITS, REDIS_URL: 'redis://127.0.0.1:1' };
  const imports = [RateLimitModule, RateLimitFixturesModule];
  const warningsOf = (t: TestApp) => t.logs.json().filter((line) => String(line.msg).includes('Redis for rate limits'));

  it('boots, and by default (RATE_LIMIT_FAIL_MODE=closed) refuses sign-ins and submissions, not reads', async () => {
    logs.lines.length = 0;
    const start = Date.now();
    await withTestApp({ env: UNREACHABLE, imports }, async (t) => {
      expect(Date.now() - start).toBeLessThan(15_000);
      // Refused before the password is looked at, right or wrong: the failures could not be counted.
      expectLimited(await login(t, '192.0.2.77', { email: 'Unreachable.Person@example.com' }), LOGIN, 3, 5);
      expectLimited(await login(t, '192.0.2.77', { email: 'pat@example.com', password: 'right' }), LOGIN, 3, 5);
      expectLimited(await submit(t, '192.0.2.77'), SUBMIT, 2, 5);
      // Reads pass, uncounted (more than the general ceiling of 10), without RateLimit headers.
      for (let i = 0; i < 12; i++) {
        const res = await open(t, '192.0.2.77');
        expect({ status: res.status, body: res.body, headers: rateHeaders(res) }).toEqual({
          status: 200,
          body: OK,
          headers: {},
        });
      }

      expect(warningsOf(t)).toEqual([
        expect.objectContaining({
          level: 'warn',
          context: 'RateLimit',
          msg: 'Redis for rate limits is unavailable (ECONNREFUSED): sign-ins and submissions are refused with 429, other requests pass uncounted, until it is back (RATE_LIMIT_FAIL_MODE=closed)',
        }),
      ]);
      expect(t.logs.text).not.toMatch(/unreachable\.person|192\.0\.2\.77/i);
    });
  });

  it('lets every request through uncounted with RATE_LIMIT_FAIL_MODE=open', async () => {
    logs.lines.length = 0;
    await withTestApp({ env: { ...UNREACHABLE, RATE_LIMIT_FAIL_MODE: 'open' }, imports }, async (t) => {
      for (let i = 0; i < 6; i++) {
        const res = await login(t, '192.0.2.78', { email: 'Unreachable.Person@example.com' });
        // Refused by the fixture (wrong password), never by the rate limit; no counter answered, so no headers.
        expect({ status: res.status, code: (res.body as { code: string }).code }).toEqual({
          status: 401,
          code: 'unauthorized',
        });
        expect(rateHeaders(res)).toEqual({});
      }
      for (let i = 0; i < 3; i++) expect((await submit(t, '192.0.2.78')).status).toBe(201);
      for (let i = 0; i < 12; i++) expect((await open(t, '192.0.2.78')).status).toBe(200);
      expect(warningsOf(t)).toEqual([
        expect.objectContaining({
          level: 'warn',
          msg: 'Redis for rate limits is unavailable (ECONNREFUSED): requests are NOT rate limited until it is back (RATE_LIMIT_FAIL_MODE=open)',
        }),
      ]);
      expect(t.logs.text).not.toMatch(/unreachable\.person|192\.0\.2\.78/i);
    });
  });
});

describeWithRedis('rate limits in Redis', () => {
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await keysUnder(redis, RUN_PREFIX);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const redisApp = (prefix: string) => ({
    env: { ...SMALL_LIMITS, REDIS_URL: TEST_REDIS_URL },
    imports: [RateLimitModule, RateLimitFixturesModule, rateLimitStoreOptions({ keyPrefix: prefix })],
  });

  it('shares counters between instances, keeps no raw email in keys, and closes its connection', async () => {
    const prefix = `${RUN_PREFIX}shared:`;
    const body = { email: 'Lee.Patient@Example.com', password: 'x' };
    const almostAMinute = /^(5[5-9]|60)$/;
    const digest = emailDigest('lee.patient@example.com');

    let storageA: RedisThrottlerStorage | undefined;
    await withTestApp(redisApp(prefix), async (a) => {
      storageA = a.app.get<RedisThrottlerStorage>(RATE_LIMIT_STORAGE);
      expect(storageA).toBeInstanceOf(RedisThrottlerStorage);
      expectRefusedLogin(await login(a, '192.0.2.10', body), 3, 2, almostAMinute);
      expectRefusedLogin(await login(a, '192.0.2.10', body), 3, 1, almostAMinute);
      expectRefusedLogin(await login(a, '192.0.2.11', body), 3, 2, almostAMinute);
    });
    expect(storageA?.status).toBe('end');

    // Instance B, same Redis: the IP's and the email's failures continue where A left them.
    await withTestApp(redisApp(prefix), async (b) => {
      expectRefusedLogin(await login(b, '192.0.2.10', body), 3, 0, almostAMinute);
      expectRefusedLogin(await login(b, '192.0.2.12', body), 3, 2, almostAMinute);
      // Five failures on the email (RATE_LIMIT_LOGIN_EMAIL_LIMIT): the sources that failed are refused for it...
      const refused = await login(b, '192.0.2.11', { ...body, password: 'right' });
      expect(refused.headers['retry-after']).toMatch(almostAMinute);
      expectLimited(refused, LOGIN, 5, Number(refused.headers['retry-after']));
      // ...the owner, elsewhere, is not.
      expectAllowed(await login(b, '192.0.2.13', { ...body, password: 'right' }), 200, SIGNED_IN, 3, 2, almostAMinute);
    });

    const keys = await keysUnder(redis, prefix);
    expect(keys).toEqual(
      [
        `${prefix}general:ip:192.0.2.10`,
        `${prefix}general:ip:192.0.2.11`,
        `${prefix}general:ip:192.0.2.12`,
        `${prefix}general:ip:192.0.2.13`,
        `${prefix}login:failed:email:${digest}`,
        `${prefix}login:failed:email-ip:${digest}:192.0.2.10`,
        `${prefix}login:failed:email-ip:${digest}:192.0.2.11`,
        `${prefix}login:failed:email-ip:${digest}:192.0.2.12`,
        // Charged and refunded: the success counts nothing (and the key lapses with its window).
        `${prefix}login:failed:email-ip:${digest}:192.0.2.13`,
        `${prefix}login:failed:ip:192.0.2.10`,
        `${prefix}login:failed:ip:192.0.2.11`,
        `${prefix}login:failed:ip:192.0.2.12`,
        `${prefix}login:failed:ip:192.0.2.13`,
      ].sort(),
    );
    expect(await redis.get(`${prefix}login:failed:ip:192.0.2.13`)).toBe('0');
    expect(keys.filter((key) => /lee|patient|example|@/i.test(key))).toEqual([]);
    expect(await redis.get(`${prefix}login:failed:email:${digest}`)).toBe('5');
    expect(await redis.get(`${prefix}login:failed:ip:192.0.2.10`)).toBe('3');
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('lets one of concurrent guesses from a new address at an email out of failures through, not all', async () => {
    const prefix = `${RUN_PREFIX}burst:`;
    const email = 'burst.target@example.com';
    await withTestApp(redisApp(prefix), async (t) => {
      // RATE_LIMIT_LOGIN_EMAIL_LIMIT (5) failures on the email, one from each of five addresses.
      for (let i = 1; i <= 5; i++) expect((await login(t, `192.0.2.${30 + i}`, { email })).status).toBe(401);
      // A new address fires 5 guesses at once: as sequentially, it gets one try at the email, not one each.
      const burst = await Promise.all(
        Array.from({ length: 5 }, () => login(t, '192.0.2.40', { email, password: 'guess' })),
      );
      const statuses = burst.map((res) => res.status).sort();
      expect(statuses).toEqual([401, 429, 429, 429, 429]);
      for (const res of burst.filter((r) => r.status === 429)) {
        expect(res.headers['retry-after']).toMatch(/^(5[5-9]|60)$/);
        expectLimited(res, LOGIN, 5, Number(res.headers['retry-after']));
      }
      // The owner, from yet another address, signs in.
      expectAllowed(await login(t, '192.0.2.41', { email, password: 'right' }), 200, SIGNED_IN, 3, 2, /^(5[5-9]|60)$/);
    });
  });

  it('answers the general ceiling from Redis with the same problem and headers', async () => {
    const prefix = `${RUN_PREFIX}general:`;
    await withTestApp(redisApp(prefix), async (t) => {
      for (let i = 1; i <= 10; i++) expectAllowed(await open(t, '192.0.2.20'), 200, OK, 10, 10 - i, /^(5[5-9]|60)$/);
      const refused = await open(t, '192.0.2.20');
      expect(refused.headers['retry-after']).toMatch(/^(5[5-9]|60)$/);
      expectLimited(refused, OPEN, 10, Number(refused.headers['retry-after']));
    });
  });

  describe('RedisThrottlerStorage', () => {
    let storage: RedisThrottlerStorage;
    const prefix = `${RUN_PREFIX}storage:`;

    beforeAll(async () => {
      storage = await RedisThrottlerStorage.connect(TEST_REDIS_URL, {
        keyPrefix: prefix,
        logger: { log: () => undefined, warn: () => undefined },
      });
    });

    afterAll(async () => {
      await storage.onApplicationShutdown();
    });

    it('counts in a window set on the first hit, and blocks for blockDuration from the hit over the limit', async () => {
      const first = await storage.increment('k1', 60_000, 2, 120_000);
      expect(first).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
      const windowTtl = await redis.pttl(`${prefix}k1`);
      expect(windowTtl).toBeGreaterThan(55_000);
      expect(windowTtl).toBeLessThanOrEqual(60_000);

      expect(await storage.increment('k1', 60_000, 2, 120_000)).toEqual({
        totalHits: 2,
        timeToExpire: expect.any(Number),
        isBlocked: false,
        timeToBlockExpire: 0,
      });

      const over = await storage.increment('k1', 60_000, 2, 120_000);
      expect(over).toEqual({ totalHits: 3, timeToExpire: 120, isBlocked: true, timeToBlockExpire: 120 });
      const blockTtl = await redis.pttl(`${prefix}k1`);
      expect(blockTtl).toBeGreaterThan(115_000);

      // Hits during the block do not extend it.
      const during = await storage.increment('k1', 60_000, 2, 120_000);
      expect(during).toMatchObject({ totalHits: 4, isBlocked: true });
      expect(await redis.pttl(`${prefix}k1`)).toBeLessThanOrEqual(blockTtl);
    });

    it('counts concurrent hits exactly', async () => {
      const records = await Promise.all(Array.from({ length: 25 }, () => storage.increment('k2', 60_000, 100, 60_000)));
      expect(records.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      expect(await redis.get(`${prefix}k2`)).toBe('25');
    });

    it('starts afresh once the block is over (the key expired)', async () => {
      for (let i = 0; i < 3; i++) await storage.increment('k3', 60_000, 2, 60_000);
      // Expiry is Redis's own clock: stand in for it rather than wait.
      await redis.del(`${prefix}k3`);
      expect(await storage.increment('k3', 60_000, 2, 60_000)).toEqual({
        totalHits: 1,
        timeToExpire: 60,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    });
  });
});
