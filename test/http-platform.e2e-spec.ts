import { randomUUID } from 'node:crypto';
import { FastifyRequestProbe, FixturesModule } from './fixtures/fixtures.module.js';
import { expectProblem, PROBLEM_JSON, UUID } from './utils/expect-problem.js';
import { logs, useTestApp, withTestApp } from './utils/test-app.js';

const validItem = { name: 'calm', period: { opens: '09:00', closes: '21:00' } };
/** What every API response carries (src/common/http/security-headers.ts). */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
/** Helmet's headers for documents, which JSON does not need. */
const DOCUMENT_ONLY = [
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('HTTP platform', () => {
  const app = useTestApp({ imports: [FixturesModule] });

  describe('X-Request-Id', () => {
    it('generates one for every response', async () => {
      const res = await app().http().get('/health/live');
      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    it("never takes the caller's: its own in the header, the problem body and the log, the caller's beside it", async () => {
      logs.lines.length = 0;
      const res = await app().http().get('/nowhere').set('X-Request-Id', 'edge-42.abc:1_z');
      const own = res.headers['x-request-id'];
      expect(own).toMatch(UUID);
      expect(res.body.requestId).toBe(own);
      expect(logs.json()).toContainEqual(
        expect.objectContaining({ msg: 'request completed', reqId: own, clientRequestId: 'edge-42.abc:1_z' }),
      );
    });

    it.each([['has spaces in it'], ['x'.repeat(129)], ['quote"inside'], ['new\\nline']])(
      'generates its own and leaves out an unsafe caller id %#',
      async (id) => {
        logs.lines.length = 0;
        const res = await app().http().get('/health/live').set('X-Request-Id', id);
        expect(res.headers['x-request-id']).toMatch(UUID);
        const line = logs.json().find((l) => l.msg === 'request completed' && l.reqId === res.headers['x-request-id']);
        expect(line).toBeDefined();
        expect(line).not.toHaveProperty('clientRequestId');
      },
    );
  });

  it('sends security headers on every response, errors included', async () => {
    for (const path of ['/health/live', '/api/v1/nowhere']) {
      const res = await app().http().get(path);
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
      for (const name of DOCUMENT_ONLY) expect(res.headers).not.toHaveProperty(name);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('sends the Swagger UI pages and assets helmet’s document headers, with a CSP they work under', async () => {
    for (const path of ['/docs', '/docs/swagger-ui.css']) {
      const res = await app().http().get(path);
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject({
        'content-security-policy': expect.stringMatching(/^default-src 'self';.*style-src 'self' 'unsafe-inline';/),
        'cross-origin-opener-policy': 'same-origin',
        'x-frame-options': 'SAMEORIGIN',
        'x-content-type-options': 'nosniff',
        'x-xss-protection': '0',
      });
    }
    const json = await app().http().get('/docs-json');
    expect(json.headers).toMatchObject(SECURITY_HEADERS);
  });

  it('answers same-origin cache hits before Fastify sees them, compressed or not; cross-origin ones in Fastify', async () => {
    const probe = app().app.get(FastifyRequestProbe);
    const url = '/api/v1/tags?pageSize=7';
    const miss = await app().http().get(url);
    expect([miss.status, miss.headers['x-cache']]).toEqual([200, 'MISS']);
    expect(probe.seen).toContain(url);
    probe.seen.length = 0;
    const etag = String(miss.headers.etag);

    const notModified = await app().http().get(url).set('If-None-Match', etag);
    const identity = await app().http().get(url).unset('Accept-Encoding');
    // What every browser and server-side fetch sends.
    const browser = await app().http().get(url).set('Accept-Encoding', 'gzip, deflate, br');
    expect([notModified.status, notModified.headers['x-cache']]).toEqual([304, 'HIT']);
    expect([identity.status, identity.headers['x-cache'], identity.text]).toEqual([200, 'HIT', miss.text]);
    expect([browser.status, browser.headers['x-cache'], browser.body]).toEqual([200, 'HIT', miss.body]);
    expect(probe.seen).toEqual([]);

    const crossOrigin = await app().http().get(url).set('Origin', 'https://site.example').set('If-None-Match', etag);
    const crossOrigin200 = await app().http().get(url).set('Origin', 'https://site.example');
    expect([crossOrigin.status, crossOrigin.headers['x-cache']]).toEqual([304, 'HIT']);
    expect([crossOrigin200.status, crossOrigin200.headers['x-cache']]).toEqual([200, 'HIT']);
    expect(probe.seen).toEqual([url, url]);
  });

  it('sends Cache-Control: no-store by default', async () => {
    const res = await app().http().post('/api/v1/fixtures/items').send(validItem);
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });

  it('compresses large responses for clients that accept it', async () => {
    const res = await app().http().get('/api/v1/fixtures/big').set('Accept-Encoding', 'gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.body).toEqual({ text: 'calm '.repeat(2000) });
  });

  it('compresses a body up to 256 kB in one call, sent with its length; streams a larger one', async () => {
    // 10 kB and 250 kB: @fastify/compress's own limit is 4 to 64 kB, by the host's cores.
    for (const [path, repeat] of [
      ['/api/v1/fixtures/big', 2000],
      ['/api/v1/fixtures/large', 50_000],
    ] as const) {
      for (const coding of ['br', 'gzip']) {
        const res = await app().http().get(path).set('Accept-Encoding', coding);
        expect([res.status, res.headers['content-encoding'], res.headers['transfer-encoding']]).toEqual([
          200,
          coding,
          undefined,
        ]);
        expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
        expect(res.body).toEqual({ text: 'calm '.repeat(repeat) });
      }
    }
    const huge = await app().http().get('/api/v1/fixtures/huge').set('Accept-Encoding', 'gzip');
    expect([huge.status, huge.headers['content-encoding'], huge.headers['transfer-encoding']]).toEqual([
      200,
      'gzip',
      'chunked',
    ]);
    expect(huge.headers['content-length']).toBeUndefined();
    expect(huge.body).toEqual({ text: 'calm '.repeat(60_000) });
  });

  it('does not compress small responses', async () => {
    const res = await app().http().get('/health/live').set('Accept-Encoding', 'gzip');
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  describe('problem+json for every error path', () => {
    it('404 for an unknown route', async () => {
      const res = await app().http().get('/api/v1/nowhere?secret=1');
      expect(res.status).toBe(404);
      expectProblem(res, {
        code: 'not_found',
        detail: 'No route matches GET /api/v1/nowhere.',
        instance: '/api/v1/nowhere',
      });
    });

    it.each([
      ['a malformed URL', '/api/v1/hours/%', 'The URL is malformed (an invalid percent-encoding).'],
      ['an over-long path segment', `/api/v1/hours/${'a'.repeat(101)}`, 'A segment of the URL path is too long.'],
    ])('400 for %s, which the router rejects before any hook runs', async (_label, path, detail) => {
      logs.lines.length = 0;
      const res = await app().http().get(path).set('X-Request-Id', 'router-error-1');
      expectProblem(res, { code: 'bad_request', detail, instance: path });
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
      expect(logs.json()).toContainEqual(
        expect.objectContaining({
          msg: 'request completed',
          reqId: res.headers['x-request-id'],
          clientRequestId: 'router-error-1',
          path,
          statusCode: 400,
        }),
      );
    });

    it('400 for malformed JSON', async () => {
      const res = await app()
        .http()
        .post('/api/v1/fixtures/items')
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expect(res.status).toBe(400);
      expectProblem(res, {
        code: 'malformed_json',
        detail: 'The request body is not valid JSON.',
        instance: '/api/v1/fixtures/items',
      });
    });

    it('400 for an empty JSON body', async () => {
      const res = await app().http().post('/api/v1/fixtures/items').set('Content-Type', 'application/json').send('');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('malformed_json');
    });

    it('400 for prototype pollution attempts', async () => {
      const res = await app()
        .http()
        .post('/api/v1/fixtures/items')
        .set('Content-Type', 'application/json')
        .send('{"name":"calm","period":{"opens":"09:00","closes":"21:00"},"__proto__":{"admin":true}}');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('malformed_json');
    });

    it.each([
      ['text/plain', 'hello'],
      ['application/x-www-form-urlencoded', 'name=calm'],
      ['application/xml', '<name>calm</name>'],
    ])('415 for %s', async (type, body) => {
      const res = await app().http().post('/api/v1/fixtures/items').set('Content-Type', type).send(body);
      expect(res.status).toBe(415);
      expectProblem(res, {
        code: 'unsupported_media_type',
        detail: 'This content type is not accepted; send application/json.',
        instance: '/api/v1/fixtures/items',
      });
    });

    it('409 for a domain conflict', async () => {
      const res = await app().http().get('/api/v1/fixtures/conflict');
      expect(res.status).toBe(409);
      expectProblem(res, {
        code: 'conflict',
        detail: 'The slug is already taken.',
        instance: '/api/v1/fixtures/conflict',
      });
    });

    it('409 for a unique violation, without naming the constraint or the values', async () => {
      const res = await app().http().get('/api/v1/fixtures/unique-violation');
      expect(res.status).toBe(409);
      expectProblem(res, {
        code: 'conflict',
        detail: 'A resource with the same unique value already exists.',
        instance: '/api/v1/fixtures/unique-violation',
      });
      expect(JSON.stringify(res.body)).not.toMatch(/fixture-dup|PK_|seed_runs/);
    });

    it('500 without internals, logged with the request id', async () => {
      const res = await app().http().get('/api/v1/fixtures/boom');
      expect(res.status).toBe(500);
      expectProblem(res, {
        code: 'internal_error',
        detail: 'An unexpected error occurred.',
        instance: '/api/v1/fixtures/boom',
      });
      expect(res.text).not.toMatch(/SELECT|hunter2|stack|\.ts:/);
      const logged = app()
        .logs.json()
        .find((line) => line.msg === 'Unhandled error');
      expect(logged).toMatchObject({
        level: 'error',
        reqId: res.body.requestId,
        error: { type: 'Error', message: expect.stringContaining('internal detail'), stack: expect.any(String) },
      });
    });
  });

  describe('validation', () => {
    const post = (body: unknown) =>
      app()
        .http()
        .post('/api/v1/fixtures/items')
        .send(body as object);

    it('accepts a valid body and strips nothing silently', async () => {
      const res = await post({ ...validItem, slug: 'a-b', date: '2026-12-24', ownerId: randomUUID(), rank: 3 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ...validItem, slug: 'a-b', date: '2026-12-24', ownerId: expect.any(String), rank: 3 });
    });

    it.each([
      ['a missing field', { period: validItem.period }, [{ field: 'name', message: 'name must be a string' }]],
      ['a wrong type', { ...validItem, name: 123 }, [{ field: 'name', message: 'name must be a string' }]],
      [
        'an empty string',
        { ...validItem, name: '' },
        [{ field: 'name', message: 'name must be longer than or equal to 1 characters' }],
      ],
      [
        'several invalid fields',
        { ...validItem, name: 5, slug: 'Not A Slug' },
        [
          { field: 'name', message: 'name must be a string' },
          { field: 'slug', message: 'slug must be lowercase words joined by single hyphens' },
        ],
      ],
      [
        'a value too long',
        { ...validItem, name: 'x'.repeat(21) },
        [{ field: 'name', message: 'name must be shorter than or equal to 20 characters' }],
      ],
      [
        'an unknown field',
        { ...validItem, isAdmin: true },
        [{ field: 'isAdmin', message: 'property isAdmin should not exist' }],
      ],
      [
        'a nested invalid field',
        { ...validItem, period: { opens: '25:00', closes: '21:00' } },
        [{ field: 'period.opens', message: 'opens must be a time of day as HH:mm (00:00 to 24:00)' }],
      ],
      [
        'an SQL injection string in a uuid',
        { ...validItem, ownerId: "1' OR '1'='1" },
        [{ field: 'ownerId', message: 'ownerId must be a UUID' }],
      ],
      [
        'an injection string in a slug',
        { ...validItem, slug: "x'; DROP TABLE seed_runs; --" },
        [{ field: 'slug', message: 'slug must be lowercase words joined by single hyphens' }],
      ],
      [
        'an impossible date',
        { ...validItem, date: '2026-02-30' },
        [{ field: 'date', message: 'date must be a date as YYYY-MM-DD' }],
      ],
    ])('400 for %s', async (_label, body, errors) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe(PROBLEM_JSON);
      expect(res.body).toEqual({
        type: '/problems/validation-failed',
        title: 'Validation failed',
        status: 400,
        detail: expect.stringMatching(/^\d+ fields? (is|are) invalid$/),
        instance: '/api/v1/fixtures/items',
        code: 'validation_failed',
        requestId: expect.any(String),
        errors: expect.arrayContaining(errors),
      });
      expect(res.body.errors).toHaveLength(errors.length);
    });

    it.each([['[1,2]'], ['"hello"'], ['null'], ['42']])('400 naming the body for a JSON %s', async (json) => {
      const res = await app().http().post('/api/v1/fixtures/items').set('Content-Type', 'application/json').send(json);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'validation_failed',
        detail: '1 field is invalid',
        errors: [{ field: 'body', message: 'the request body must be a JSON object' }],
      });
    });

    it('400 for an unknown query parameter', async () => {
      const res = await app().http().get('/api/v1/fixtures/items?colour=blue');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'validation_failed',
        detail: '1 field is invalid',
        errors: [{ field: 'colour', message: 'property colour should not exist' }],
      });
    });

    it('400 naming a route parameter that is not a UUID', async () => {
      const res = await app().http().get('/api/v1/fixtures/items/1%27%20OR%201=1');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'id', message: 'id must be a UUID' }],
      });
    });

    it('accepts a UUID route parameter', async () => {
      const id = randomUUID();
      const res = await app().http().get(`/api/v1/fixtures/items/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id });
    });
  });

  it('names the request on its completion line, and keeps no logging context for what services write', async () => {
    const res = await app().http().get('/api/v1/fixtures/log').set('X-Request-Id', 'trace-me-1');
    expect(res.status).toBe(200);
    const lines = app().logs.json();
    expect(lines.find((l) => l.msg === 'request completed' && l.path === '/api/v1/fixtures/log')).toMatchObject({
      level: 'info',
      reqId: res.headers['x-request-id'],
      clientRequestId: 'trace-me-1',
      statusCode: 200,
    });
    // No AsyncLocalStorage per request (README, "No per-request logging context"): the service's own line is
    // written, without the request's id.
    const line = lines.find((l) => l.msg === 'a line from inside a request');
    expect(line).toMatchObject({ level: 'info', context: 'Fixtures' });
    expect(line).not.toHaveProperty('reqId');
  });

  it('never logs credentials, cookies, API keys, query strings or bodies', async () => {
    app().logs.lines.length = 0;
    const res = await app()
      .http()
      .post('/api/v1/fixtures/items?email=QUERY-SECRET%40example.com')
      .set('Authorization', 'Bearer TOKEN-SECRET-123')
      .set('Cookie', 'session=COOKIE-SECRET')
      .set('X-API-Key', 'wck_KEY-SECRET')
      .send({ ...validItem, name: 'PERSONAL-NAME' });
    expect(res.status).toBe(400);
    await app()
      .http()
      .post('/api/v1/fixtures/items')
      .send({ ...validItem, name: 'Jane Q Patient' });

    expect(app().logs.text).not.toMatch(
      /TOKEN-SECRET|COOKIE-SECRET|KEY-SECRET|QUERY-SECRET|PERSONAL-NAME|Jane Q Patient/,
    );
    const completed = app()
      .logs.json()
      .filter((line) => line.msg === 'request completed');
    expect(completed).toEqual([
      expect.objectContaining({
        reqId: res.headers['x-request-id'],
        method: 'POST',
        route: '/api/v1/fixtures/items',
        path: '/api/v1/fixtures/items',
        statusCode: 400,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ method: 'POST', route: '/api/v1/fixtures/items', statusCode: 201 }),
    ]);
  });
});

describe('HTTP platform configuration', () => {
  it('413 when the body exceeds BODY_LIMIT_BYTES', () =>
    withTestApp({ env: { BODY_LIMIT_BYTES: '1024' }, imports: [FixturesModule] }, async (t) => {
      const res = await t
        .http()
        .post('/api/v1/fixtures/items')
        .send({ ...validItem, name: 'x'.repeat(2000) });
      expectProblem(res, {
        code: 'payload_too_large',
        detail: 'The request body exceeds the size limit.',
        instance: '/api/v1/fixtures/items',
      });
    }));

  it('CORS allows only the configured origins', () =>
    withTestApp(
      { env: { CORS_ORIGINS: 'https://www.wellclinic.example, https://admin.wellclinic.example' } },
      async (t) => {
        const allowed = await t
          .http()
          .options('/health/live')
          .set('Origin', 'https://admin.wellclinic.example')
          .set('Access-Control-Request-Method', 'GET');
        expect(allowed.status).toBe(204);
        expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.wellclinic.example');

        const simple = await t.http().get('/health/live').set('Origin', 'https://www.wellclinic.example');
        expect(simple.headers['access-control-allow-origin']).toBe('https://www.wellclinic.example');
        expect(simple.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);

        const denied = await t.http().get('/health/live').set('Origin', 'https://evil.example');
        expect(denied.headers['access-control-allow-origin']).toBeUndefined();
      },
    ));

  it('sends no CORS headers when no origin is configured', () =>
    withTestApp({}, async (t) => {
      const res = await t.http().get('/health/live').set('Origin', 'https://www.wellclinic.example');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }));
});
