import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock/clock.js';
import { RateLimitModule } from '../src/rate-limit/rate-limit.module.js';
import {
  apiKeyBody,
  createApiKey,
  type CreatedKey,
  createStaff,
  publishServices,
  type StaffMember,
} from './factories/index.js';
import { CONTACT_REQUESTS, contactRequestBody } from './factories/contact-requests.js';
import { IntegrationFixturesModule } from './fixtures/integration.fixtures.js';
import { RateLimitFixturesModule, rateLimitStoreOptions } from './fixtures/rate-limit.fixtures.js';
import { expectNoContent, expectProblem, ISO } from './utils/expect-problem.js';
import { createTestApp, type TestApp } from './utils/test-app.js';

/**
 * Issue 17, "Front-end servers are not attackers": a server-rendered website calls the API from one address for all
 * its visitors. With a `site` key it is counted per key (RATE_LIMIT_SITE_*), not against the per-IP ceiling, and the
 * submissions it relays are counted per visitor (named in X-Forwarded-For). Keys are verified from a 10 s cache.
 */

const OPEN = '/api/v1/rate-fixtures/open';
const SUBMIT = '/api/v1/rate-fixtures/submit';
const FEED = '/api/v1/integration-fixtures/testimonials';
const ARTICLES = '/api/v1/articles';

const GENERAL = 20;
const SITE = 30;
const SUBMISSIONS = 2;

interface Res {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const rateHeaders = (res: Res) =>
  Object.fromEntries(Object.entries(res.headers).filter(([name]) => /ratelimit|retry-after/i.test(name)));

/** Let through (2xx), counted against a budget of `limit` with `remaining` left, in a window of `reset` seconds. */
function expectCounted(res: Res, limit: number, remaining: number, reset = 60) {
  expect({ success: res.status >= 200 && res.status < 300, headers: rateHeaders(res) }).toEqual({
    success: true,
    headers: {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(remaining),
      'ratelimit-reset': String(reset),
    },
  });
}

function expectLimited(res: Res, instance: string, limit: number, retryAfter: number) {
  expectProblem(res, {
    code: 'rate_limited',
    detail: `Too many requests. Retry in ${retryAfter} seconds.`,
    instance,
  });
  expect(rateHeaders(res)).toEqual({
    'retry-after': String(retryAfter),
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': '0',
    'ratelimit-reset': String(retryAfter),
  });
}

/** A fresh documentation address per use, so tests do not share counters. */
let lastOctet = 0;
const nextIp = (net = '203.0.113') => `${net}.${++lastOctet}`;

describe('site keys: front-end servers counted per key, their visitors per address', () => {
  const clock = new ManualClock();
  let app: TestApp;
  let admin: StaffMember;
  let site: CreatedKey;
  let otherSite: CreatedKey;
  let feed: CreatedKey;
  let siteAndFeed: CreatedKey;

  beforeAll(async () => {
    app = await createTestApp({
      env: {
        // The site servers reach the API through a load balancer on loopback, which appends their address.
        TRUST_PROXY: 'loopback',
        RATE_LIMIT_GENERAL_LIMIT: String(GENERAL),
        RATE_LIMIT_SITE_LIMIT: String(SITE),
        RATE_LIMIT_SITE_WINDOW_SECONDS: '60',
        RATE_LIMIT_SUBMISSION_LIMIT: String(SUBMISSIONS),
        RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '600',
        RESPONSE_CACHE_TTL_MS: '60000',
      },
      imports: [
        RateLimitModule,
        RateLimitFixturesModule,
        IntegrationFixturesModule,
        rateLimitStoreOptions({ clock: () => clock.now().getTime() }),
      ],
      clock,
    });
    admin = await createStaff(app, 'admin');
    await publishServices(app, admin);
    site = await createApiKey(app, admin, apiKeyBody({ name: 'Website (Next.js)', scopes: ['site'] }));
    otherSite = await createApiKey(app, admin, apiKeyBody({ name: 'Second website', scopes: ['site'] }));
    feed = await createApiKey(app, admin, apiKeyBody({ name: 'Feed reader', scopes: ['testimonials:read'] }));
    siteAndFeed = await createApiKey(app, admin, apiKeyBody({ name: 'Both', scopes: ['site', 'testimonials:read'] }));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  /** A site key of the test's own: each has a budget of its own, which one test may use up. */
  const newSite = (body: Record<string, unknown> = {}) =>
    createApiKey(app, admin, apiKeyBody({ name: 'Another website', scopes: ['site'], ...body }));

  /** A request from a site server at `server` (appended by the load balancer), relaying for `visitor` if given. */
  const from = (server: string, secret?: string, visitor?: string) => {
    const forwarded = visitor === undefined ? server : `${visitor}, ${server}`;
    return (path: string, method: 'get' | 'post' = 'get') => {
      const req = app.http()[method](path).set('X-Forwarded-For', forwarded);
      return secret === undefined ? req : req.set('X-API-Key', secret);
    };
  };

  it('counts a site key against its own budget on a public route, never against its server address', async () => {
    const server = nextIp();
    const withKey = from(server, site.secret);
    // More requests than the per-IP ceiling (20) allows.
    for (let i = 1; i <= 25; i++) expectCounted(await withKey(OPEN), SITE, SITE - i);
    // The server's address, without the key, still has its whole budget.
    expectCounted(await from(server)(OPEN), GENERAL, GENERAL - 1);
    for (let i = 26; i <= SITE; i++) expectCounted(await withKey(OPEN), SITE, SITE - i);
    expectLimited(await withKey(OPEN), OPEN, SITE, 60);
    // Another site's key from the same server has a budget of its own; so has the address.
    expectCounted(await from(server, otherSite.secret)(OPEN), SITE, SITE - 1);
    expectCounted(await from(server)(OPEN), GENERAL, GENERAL - 2);
    // A site key is recorded as used (it opens no route by itself).
    const stored = await app.http().get(`/api/v1/admin/api-keys/${site.id}`).set(admin.auth);
    expect(stored.body).toMatchObject({ lastUsedAt: expect.stringMatching(ISO) });
  });

  it('counts per IP, as without a key, for a key that is not a valid site key', async () => {
    const server = nextIp();
    const wrong = [
      `wck_${randomBytes(32).toString('base64url')}`,
      feed.secret,
      site.prefix,
      `${site.secret}x`,
      'wck_',
      "wck_' OR '1'='1",
      `wck_${'a'.repeat(200)}`,
      'garbage',
    ];
    for (const [i, secret] of wrong.entries())
      expectCounted(await from(server, secret)(OPEN), GENERAL, GENERAL - 1 - i);
  });

  it('leaves access control alone: a feed needs its scope, whatever the key counts against', async () => {
    const server = nextIp();
    const both = await from(server, siteAndFeed.secret)(FEED);
    expect(both.body).toEqual({
      route: 'testimonials',
      principal: { kind: 'apiKey', id: siteAndFeed.id, name: 'Both', scopes: ['site', 'testimonials:read'] },
    });
    expectCounted(both, SITE, SITE - 1);
    const siteOnly = await from(server, (await newSite()).secret)(FEED);
    expectProblem(siteOnly, {
      code: 'forbidden',
      detail: 'This API key lacks the testimonials:read scope.',
      instance: FEED,
    });
  });

  it('counts the submissions a site relays per visitor, the address just left of its own', async () => {
    const server = nextIp();
    const [ana, ben] = [nextIp('198.51.100'), nextIp('198.51.100')];
    const { secret } = await newSite();
    const relay = (visitor: string, forwarded = `${visitor}, ${server}`) =>
      app
        .http()
        .post(SUBMIT)
        .set('X-API-Key', secret)
        .set('X-Forwarded-For', forwarded)
        .send({ message: 'Call me back, please.' });
    for (let i = 1; i <= SUBMISSIONS; i++) expectCounted(await relay(ana), SUBMISSIONS, SUBMISSIONS - i, 600);
    expectLimited(await relay(ana), SUBMIT, SUBMISSIONS, 600);
    // A visitor cannot escape by naming someone else further left: the entry the site appended is the one counted.
    expectLimited(await relay(ana, `192.0.2.200, ${ana}, ${server}`), SUBMIT, SUBMISSIONS, 600);
    // Another visitor of the same site has a budget of their own.
    expectCounted(await relay(ben), SUBMISSIONS, SUBMISSIONS - 1, 600);
    // A site that names no visitor, or something that is not an address, is counted as its own address.
    const bare = nextIp();
    expectCounted(await relay('', bare), SUBMISSIONS, SUBMISSIONS - 1, 600);
    expectCounted(await relay('', `not-an-address, ${bare}`), SUBMISSIONS, SUBMISSIONS - 2, 600);
    expectLimited(await relay('', `${nextIp('198.51.100')}:5123, ${bare}`), SUBMIT, SUBMISSIONS, 600);
  });

  it('trusts X-Forwarded-For beyond TRUST_PROXY only with a valid site key', async () => {
    const server = nextIp();
    const relaying = await newSite();
    const relay = (secret: string | undefined) => from(server, secret, nextIp('198.51.100'))(SUBMIT, 'post').send({});
    // Each request names a new visitor; without a site key they are all the server's address.
    for (const secret of [undefined, feed.secret]) await relay(secret);
    expectLimited(await relay(undefined), SUBMIT, SUBMISSIONS, 600);
    expectLimited(await relay(`wck_${randomBytes(32).toString('base64url')}`), SUBMIT, SUBMISSIONS, 600);
    // With the site key each visitor is counted on their own.
    expectCounted(await relay(relaying.secret), SUBMISSIONS, SUBMISSIONS - 1, 600);
  });

  it('limits real contact requests relayed by a site per visitor', async () => {
    const server = nextIp();
    const [ana, ben] = [nextIp('198.51.100'), nextIp('198.51.100')];
    const { secret } = await newSite();
    const submit = (visitor: string) =>
      app
        .http()
        .post(CONTACT_REQUESTS)
        .set('X-API-Key', secret)
        .set('X-Forwarded-For', `${visitor}, ${server}`)
        .send(contactRequestBody());
    for (const visitor of [ana, ana, ben, ben]) expect((await submit(visitor)).status).toBe(201);
    expectLimited(await submit(ana), CONTACT_REQUESTS, SUBMISSIONS, 600);
    expectLimited(await submit(ben), CONTACT_REQUESTS, SUBMISSIONS, 600);
    expect((await submit(nextIp('198.51.100'))).status).toBe(201);
  });

  it("keeps each relayed visitor's Idempotency-Key to that visitor", async () => {
    const server = nextIp();
    const [ana, ben] = [nextIp('198.51.100'), nextIp('198.51.100')];
    const { secret } = await newSite();
    const submit = (visitor: string) =>
      app
        .http()
        .post(CONTACT_REQUESTS)
        .set('X-API-Key', secret)
        .set('X-Forwarded-For', `${visitor}, ${server}`)
        .set('Idempotency-Key', 'visitor-chosen-key-1')
        .send(contactRequestBody());
    const first = await submit(ana);
    const replay = await submit(ana);
    const other = await submit(ben);
    expect([first.status, replay.status, other.status]).toEqual([201, 201, 201]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    // Another visitor with the same key is another request, not a replay of Ana's.
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect((other.body as { reference: string }).reference).not.toBe((first.body as { reference: string }).reference);
  });

  it('charges nothing for a response served from the cache', async () => {
    const withKey = from(nextIp(), otherSite.secret);
    const url = `${ARTICLES}?pageSize=3`;
    const miss = await withKey(url);
    expect(miss.headers['x-cache']).toBe('MISS');
    const remaining = Number(miss.headers['ratelimit-remaining']);
    for (let i = 0; i < 5; i++) {
      const hit = await withKey(url);
      expect({ status: hit.status, cache: hit.headers['x-cache'], headers: rateHeaders(hit) }).toEqual({
        status: 200,
        cache: 'HIT',
        headers: {},
      });
    }
    // The next request that reaches the guard finds one more hit on the key's counter, not six.
    expectCounted(await withKey(`${ARTICLES}?pageSize=4`), SITE, remaining - 1);
  });

  describe('verification from memory', () => {
    const counted = async (secret: string) => (await from(nextIp(), secret)(OPEN)).headers['ratelimit-limit'];

    it('reads the key once per 10 s: a change made in the database is seen only after that', async () => {
      const key = await newSite();
      expect(await counted(key.secret)).toBe(String(SITE));
      await app.app.get(DataSource).query(`UPDATE api_keys SET scopes = '{testimonials:read}' WHERE id = $1`, [key.id]);
      // No query per request: the key is still a site key here...
      expect(await counted(key.secret)).toBe(String(SITE));
      clock.advance(10_000);
      expect(await counted(key.secret)).toBe(String(SITE));
      // ...until the cached verification lapses.
      clock.advance(1);
      expect(await counted(key.secret)).toBe(String(GENERAL));
    });

    it('forgets a key revoked through this instance at once', async () => {
      const key = await newSite();
      expect(await counted(key.secret)).toBe(String(SITE));
      expectNoContent(await app.http().delete(`/api/v1/admin/api-keys/${key.id}`).set(admin.auth));
      expect(await counted(key.secret)).toBe(String(GENERAL));
    });

    it('stops counting a key per key the moment it expires, by the app clock, though still cached', async () => {
      const key = await newSite({ expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
      expect(await counted(key.secret)).toBe(String(SITE));
      clock.advance(59_999);
      expect(await counted(key.secret)).toBe(String(SITE));
      clock.advance(1);
      expect(await counted(key.secret)).toBe(String(GENERAL));
    });

    describe('on another instance (without TRUST_PROXY: the site server connects directly)', () => {
      const otherClock = new ManualClock();
      let other: TestApp;

      beforeAll(async () => {
        other = await createTestApp({
          env: {
            RATE_LIMIT_SITE_LIMIT: String(SITE),
            RATE_LIMIT_SUBMISSION_LIMIT: String(SUBMISSIONS),
            DB_MIGRATE_ON_START: 'false',
          },
          imports: [
            RateLimitModule,
            RateLimitFixturesModule,
            rateLimitStoreOptions({ clock: () => otherClock.now().getTime() }),
          ],
          clock: otherClock,
        });
      }, 120_000);

      afterAll(async () => {
        await other?.close();
      });

      it("takes the last X-Forwarded-For entry as the visitor, the site server's own address being the socket's", async () => {
        const relay = (visitor: string) =>
          other
            .http()
            .post(SUBMIT)
            .set('X-API-Key', otherSite.secret)
            .set('X-Forwarded-For', `192.0.2.250, ${visitor}`)
            .send({});
        for (let i = 1; i <= SUBMISSIONS; i++)
          expectCounted(await relay('198.51.100.201'), SUBMISSIONS, SUBMISSIONS - i, 600);
        expectLimited(await relay('198.51.100.201'), SUBMIT, SUBMISSIONS, 600);
        expectCounted(await relay('198.51.100.202'), SUBMISSIONS, SUBMISSIONS - 1, 600);
        // Without the key the header is not trusted (no TRUST_PROXY): every visitor is 127.0.0.1.
        const keyless = () => other.http().post(SUBMIT).set('X-Forwarded-For', '198.51.100.203').send({});
        for (let i = 1; i <= SUBMISSIONS; i++) expectCounted(await keyless(), SUBMISSIONS, SUBMISSIONS - i, 600);
        expectLimited(await keyless(), SUBMIT, SUBMISSIONS, 600);
      });

      it('keeps accepting a key revoked elsewhere for at most 10 s', async () => {
        const key = await newSite();
        const limitOn = async () =>
          (await other.http().get(OPEN).set('X-API-Key', key.secret)).headers['ratelimit-limit'];
        expect(await limitOn()).toBe(String(SITE));
        expectNoContent(await app.http().delete(`/api/v1/admin/api-keys/${key.id}`).set(admin.auth));
        // This instance verified the key before the revocation: it trusts that until its 10 s are up.
        expect(await limitOn()).toBe(String(SITE));
        otherClock.advance(10_001);
        expect(await limitOn()).toBe('100000');
      });
    });
  });
});
