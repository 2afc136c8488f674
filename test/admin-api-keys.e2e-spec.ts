import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IntegrationFixturesModule } from './fixtures/integration.fixtures.js';
import {
  expectInvalid,
  expectJson,
  expectNoContent,
  expectProblem,
  type FieldError,
  ISO,
  UUID,
} from './utils/expect-problem.js';
import { apiKeyBody, createApiKey, type CreatedKey, createStaff, type StaffMember } from './factories/index.js';
import { type TestApp, useTestApp } from './utils/test-app.js';

const BASE = '/api/v1/admin/api-keys';
const TESTIMONIALS = '/api/v1/integration-fixtures/testimonials';
const SITE = '/api/v1/integration-fixtures/site';
const SECRET = /^wck_[A-Za-z0-9_-]{43}$/;
/** These tests are not about rate limits: keep the ceilings out of the way. */
const ENV = { RATE_LIMIT_GENERAL_LIMIT: '100000', RATE_LIMIT_LOGIN_LIMIT: '10000' };
const KEY_FIELDS = ['createdAt', 'createdBy', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'scopes'];
const NO_KEY = { code: 'unauthorized', detail: 'A valid X-API-Key header is required.' } as const;
const BAD_TOKEN = { code: 'unauthorized', detail: 'A valid bearer token is required.' } as const;
const SCOPES_MESSAGE = 'scopes must be a list of: testimonials:read, site';
const INSTANT_MESSAGE = 'expiresAt must be an ISO 8601 date-time with a time zone, e.g. 2026-12-24T17:00:00Z';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A key as listings show it: the created key without its secret. */
function listed(key: CreatedKey, changes: Partial<CreatedKey> = {}): Omit<CreatedKey, 'secret'> {
  const { secret: _secret, ...rest } = key;
  return { ...rest, ...changes };
}

function keyHelpers(app: () => TestApp, admin: () => StaffMember) {
  return {
    create: (body: unknown) =>
      app()
        .http()
        .post(BASE)
        .set(admin().auth)
        .send(body as object),
    newKey: (body: Record<string, unknown> = {}): Promise<CreatedKey> => createApiKey(app(), admin(), body),
    revoke: (id: string) => app().http().delete(`${BASE}/${id}`).set(admin().auth),
    list: (query = '') => app().http().get(`${BASE}${query}`).set(admin().auth),
    use: (path: string, secret?: string) => {
      const req = app().http().get(path);
      return secret === undefined ? req : req.set('X-API-Key', secret);
    },
  };
}

describe('/api/v1/admin/api-keys', () => {
  const app = useTestApp({ env: ENV, imports: [IntegrationFixturesModule] });
  let admin: StaffMember;
  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
  });
  const { create, newKey, revoke, use } = keyHelpers(app, () => admin);
  const db = () => app().app.get(DataSource);

  describe('POST (create)', () => {
    it('201 with the secret, its prefix, sorted scopes and a Location', async () => {
      const res = await create({
        name: '  Partner directory widget ',
        scopes: ['testimonials:read', 'site'],
        expiresAt: '2099-01-01T00:00:00+02:00',
      });
      expectJson(res, 201, {
        id: expect.stringMatching(UUID),
        name: 'Partner directory widget',
        prefix: expect.any(String),
        scopes: ['site', 'testimonials:read'],
        createdBy: { id: admin.user.id, displayName: admin.user.displayName, deleted: false },
        createdAt: expect.stringMatching(ISO),
        lastUsedAt: null,
        expiresAt: '2098-12-31T22:00:00.000Z',
        revokedAt: null,
        secret: expect.stringMatching(SECRET),
      });
      const created = res.body as CreatedKey;
      expect(created.prefix).toBe(created.secret.slice(0, 12));
      expect(res.headers.location).toBe(`${BASE}/${res.body.id}`);
    });

    it('creates a key without expiry, with all scopes sorted', async () => {
      const res = await create({ name: 'CRM', scopes: ['testimonials:read', 'site'] });
      expectJson(res, 201, {
        id: expect.stringMatching(UUID),
        name: 'CRM',
        prefix: (res.body as CreatedKey).secret.slice(0, 12),
        scopes: ['site', 'testimonials:read'],
        createdBy: { id: admin.user.id, displayName: admin.user.displayName, deleted: false },
        createdAt: expect.stringMatching(ISO),
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: null,
        secret: expect.stringMatching(SECRET),
      });
    });

    it('gives every key its own secret', async () => {
      const [a, b] = [await newKey(), await newKey()];
      expect(a.secret).not.toBe(b.secret);
      expect(a.prefix).not.toBe(b.prefix);
    });

    it('the Location header names a resource that can be fetched (without the secret)', async () => {
      const res = await create({ name: 'Located', scopes: ['site'] });
      expect(res.status).toBe(201);
      const located = await app().http().get(res.headers.location).set(admin.auth);
      expectJson(located, 200, listed(res.body));
    });

    it('stores only the SHA-256 of the secret: no column, audit event or log line holds the secret', async () => {
      app().logs.lines.length = 0;
      const key = await newKey({ name: 'Stored safely', scopes: ['site'] });
      expect((await use(SITE, key.secret)).status).toBe(200);

      const rows = await db().query<Record<string, unknown>[]>('SELECT * FROM api_keys WHERE id = $1', [key.id]);
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row.secret_hash).toBe(sha256(key.secret));
      expect(row.prefix).toBe(key.prefix);
      expect(row.created_by).toBe(admin.user.id);
      const random = key.secret.slice(key.prefix.length);
      for (const value of Object.values(row)) {
        expect(JSON.stringify(value)).not.toContain(random);
      }

      const events = await db().query<Record<string, unknown>[]>('SELECT * FROM audit_events WHERE entity_id = $1', [
        key.id,
      ]);
      expect(events).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain(random);

      const audit = await app().http().get(`/api/v1/admin/audit-events?entityId=${key.id}`).set(admin.auth);
      expect(audit.status).toBe(200);
      expect(audit.body.data).toEqual([
        expect.objectContaining({ action: 'api_key.created', metadata: { scopes: ['site'] } }),
      ]);
      expect(audit.text).not.toContain(random);

      expect(app().logs.lines.length).toBeGreaterThan(0);
      expect(app().logs.text).not.toContain(random);
    });

    const valid = apiKeyBody();
    it.each<[string, Record<string, unknown>, FieldError[]]>([
      ['a missing name', { scopes: ['site'] }, [{ field: 'name', message: 'name must be a string' }]],
      [
        'an empty name',
        { ...valid, name: '' },
        [{ field: 'name', message: 'name must be longer than or equal to 1 characters' }],
      ],
      [
        'a blank name',
        { ...valid, name: '  ' },
        [{ field: 'name', message: 'name must be longer than or equal to 1 characters' }],
      ],
      [
        'a name of 101 characters',
        { ...valid, name: 'n'.repeat(101) },
        [{ field: 'name', message: 'name must be shorter than or equal to 100 characters' }],
      ],
      ['a name that is a number', { ...valid, name: 7 }, [{ field: 'name', message: 'name must be a string' }]],
      ['missing scopes', { name: 'x' }, [{ field: 'scopes', message: 'scopes must be an array' }]],
      [
        'no scopes',
        { ...valid, scopes: [] },
        [{ field: 'scopes', message: 'scopes must contain at least 1 elements' }],
      ],
      ['an unknown scope', { ...valid, scopes: ['patients:read'] }, [{ field: 'scopes', message: SCOPES_MESSAGE }]],
      [
        'a known and an unknown scope',
        { ...valid, scopes: ['site', 'admin'] },
        [{ field: 'scopes', message: SCOPES_MESSAGE }],
      ],
      [
        'articles:read, removed: no route asked for it',
        { ...valid, scopes: ['articles:read'] },
        [{ field: 'scopes', message: SCOPES_MESSAGE }],
      ],
      [
        'hours:read, removed: no route asked for it',
        { ...valid, scopes: ['testimonials:read', 'hours:read'] },
        [{ field: 'scopes', message: SCOPES_MESSAGE }],
      ],
      [
        'a scope in capitals',
        { ...valid, scopes: ['TESTIMONIALS:READ'] },
        [{ field: 'scopes', message: SCOPES_MESSAGE }],
      ],
      ['a site scope in capitals', { ...valid, scopes: ['SITE'] }, [{ field: 'scopes', message: SCOPES_MESSAGE }]],
      [
        'a scope that only looks like site',
        { ...valid, scopes: ['site '] },
        [{ field: 'scopes', message: SCOPES_MESSAGE }],
      ],
      ['a scope that is a number', { ...valid, scopes: [1] }, [{ field: 'scopes', message: SCOPES_MESSAGE }]],
      [
        'scopes that are not an array',
        { ...valid, scopes: 'site' },
        [{ field: 'scopes', message: 'scopes must be an array' }],
      ],
      [
        'a repeated scope',
        { ...valid, scopes: ['site', 'site'] },
        [{ field: 'scopes', message: 'scopes must not list a value twice' }],
      ],
      [
        'an expiresAt in the past',
        { ...valid, expiresAt: '2020-01-01T00:00:00Z' },
        [{ field: 'expiresAt', message: 'expiresAt must be in the future' }],
      ],
      [
        'an expiresAt in words',
        { ...valid, expiresAt: 'tomorrow' },
        [{ field: 'expiresAt', message: INSTANT_MESSAGE }],
      ],
      [
        'an expiresAt without a time',
        { ...valid, expiresAt: '2099-06-30' },
        [{ field: 'expiresAt', message: INSTANT_MESSAGE }],
      ],
      [
        'an expiresAt without a time zone',
        { ...valid, expiresAt: '2099-06-30T00:00:00' },
        [{ field: 'expiresAt', message: INSTANT_MESSAGE }],
      ],
      [
        'an expiresAt that does not exist',
        { ...valid, expiresAt: '2099-02-30T00:00:00Z' },
        [{ field: 'expiresAt', message: 'expiresAt must be a real date and time' }],
      ],
      [
        'an expiresAt that is a number',
        { ...valid, expiresAt: 4102444800 },
        [{ field: 'expiresAt', message: INSTANT_MESSAGE }],
      ],
      ['a null expiresAt', { ...valid, expiresAt: null }, [{ field: 'expiresAt', message: INSTANT_MESSAGE }]],
      [
        'an injection string as expiresAt',
        { ...valid, expiresAt: "2099-01-01T00:00:00Z'; DROP TABLE api_keys; --" },
        [{ field: 'expiresAt', message: INSTANT_MESSAGE }],
      ],
      [
        'a secret of its own choosing',
        { ...valid, secret: 'wck_my-own-secret' },
        [{ field: 'secret', message: 'property secret should not exist' }],
      ],
      [
        'a field the server sets',
        { ...valid, revokedAt: null },
        [{ field: 'revokedAt', message: 'property revokedAt should not exist' }],
      ],
    ])('400 for %s', async (_label, body, errors) => {
      expectInvalid(await create(body), BASE, errors);
    });

    it.each([['"hello"'], ['[]'], ['null'], ['42']])('400 naming the body for the JSON %s', async (json) => {
      const res = await app().http().post(BASE).set(admin.auth).set('Content-Type', 'application/json').send(json);
      expectInvalid(res, BASE, [{ field: 'body', message: 'the request body must be a JSON object' }]);
    });
  });

  describe('GET one', () => {
    it('answers the key without its secret', async () => {
      const key = await newKey({ name: 'Fetched', scopes: ['site'] });
      const res = await app().http().get(`${BASE}/${key.id}`).set(admin.auth);
      expectJson(res, 200, listed(key));
      expect(res.text).not.toContain(key.secret.slice(key.prefix.length));
    });
  });

  describe('DELETE (revoke)', () => {
    it('204 with an empty body; the key shows revokedAt and stops working', async () => {
      const key = await newKey();
      expect((await use(TESTIMONIALS, key.secret)).status).toBe(200);

      const before = Date.now();
      expectNoContent(await revoke(key.id));
      const after = Date.now();

      const [row] = await db().query<{ revoked_at: Date }[]>('SELECT revoked_at FROM api_keys WHERE id = $1', [key.id]);
      expect(row.revoked_at.getTime()).toBeGreaterThanOrEqual(before);
      expect(row.revoked_at.getTime()).toBeLessThanOrEqual(after);
      expectProblem(await use(TESTIMONIALS, key.secret), { ...NO_KEY, instance: TESTIMONIALS });
    });

    it('revoking again is 204 and changes nothing', async () => {
      const key = await newKey();
      expectNoContent(await revoke(key.id));
      const [first] = await db().query<{ revoked_at: Date }[]>('SELECT revoked_at FROM api_keys WHERE id = $1', [
        key.id,
      ]);

      expectNoContent(await revoke(key.id));
      const [second] = await db().query<{ revoked_at: Date }[]>('SELECT revoked_at FROM api_keys WHERE id = $1', [
        key.id,
      ]);
      expect(second.revoked_at).toEqual(first.revoked_at);
      const events = await db().query<{ action: string }[]>(
        'SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at',
        [key.id],
      );
      expect(events).toEqual([{ action: 'api_key.created' }, { action: 'api_key.revoked' }]);
    });
  });

  describe('using a key (X-API-Key)', () => {
    it('a valid key with the scope is let in as that key', async () => {
      const key = await newKey({ name: 'Widget', scopes: ['testimonials:read', 'site'] });
      for (const [path, route] of [
        [TESTIMONIALS, 'testimonials'],
        [SITE, 'site'],
      ]) {
        expectJson(await use(path, key.secret), 200, {
          route,
          principal: { kind: 'apiKey', id: key.id, name: 'Widget', scopes: ['site', 'testimonials:read'] },
        });
      }
    });

    it('a key that expires later works until then', async () => {
      const key = await newKey({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      expect((await use(TESTIMONIALS, key.secret)).status).toBe(200);
    });

    it('401 without a key', async () => {
      expectProblem(await use(TESTIMONIALS), { ...NO_KEY, instance: TESTIMONIALS });
    });

    it('401 for wrong and garbage keys', async () => {
      const key = await newKey();
      const wrong = [
        `wck_${randomBytes(32).toString('base64url')}`,
        'wck_',
        key.prefix,
        `${key.secret}x`,
        key.secret.slice(0, -1),
        key.secret.toUpperCase(),
        sha256(key.secret),
        `wck_${'a'.repeat(200)}`,
        "wck_' OR '1'='1",
        'garbage',
      ];
      for (const secret of wrong) {
        expectProblem(await use(TESTIMONIALS, secret), { ...NO_KEY, instance: TESTIMONIALS });
      }
    });

    it('401 for a key sent as a bearer token instead of X-API-Key', async () => {
      const key = await newKey();
      const res = await app().http().get(TESTIMONIALS).set('Authorization', `Bearer ${key.secret}`);
      expectProblem(res, { ...NO_KEY, instance: TESTIMONIALS });
    });

    it('403 for a site key on a feed: the site scope reads nothing', async () => {
      const key = await newKey({ scopes: ['site'] });
      expectProblem(await use(TESTIMONIALS, key.secret), {
        code: 'forbidden',
        detail: 'This API key lacks the testimonials:read scope.',
        instance: TESTIMONIALS,
      });
    });

    it('403 for a key without the scope of the route, which does not count as a use', async () => {
      const key = await newKey({ scopes: ['testimonials:read'] });
      expectProblem(await use(SITE, key.secret), {
        code: 'forbidden',
        detail: 'This API key lacks the site scope.',
        instance: SITE,
      });
      const [refused] = await db().query<{ last_used_at: Date | null }[]>(
        'SELECT last_used_at FROM api_keys WHERE id = $1',
        [key.id],
      );
      expect(refused.last_used_at).toBeNull();
      expect((await use(TESTIMONIALS, key.secret)).status).toBe(200);
    });

    it('sends no WWW-Authenticate challenge for a missing key (there is no scheme for header keys)', async () => {
      const res = await app().http().get(TESTIMONIALS);
      expectProblem(res, { ...NO_KEY, instance: TESTIMONIALS });
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('401 for a revoked key', async () => {
      const key = await newKey();
      expectNoContent(await revoke(key.id));
      expectProblem(await use(TESTIMONIALS, key.secret), { ...NO_KEY, instance: TESTIMONIALS });
    });

    it('401 for an expired key', async () => {
      const key = await newKey({ expiresAt: '2099-01-01T00:00:00Z' });
      // A second ago by the app's time, not the database server's (CI also runs under a shifted clock). Set before
      // the key's first use: once verified, this instance reads the row again only after 10 s (the expiry itself is
      // checked on every request, see test/rate-limit-site.e2e-spec.ts).
      await db().query(`UPDATE api_keys SET expires_at = $2 WHERE id = $1`, [key.id, new Date(Date.now() - 1000)]);
      expectProblem(await use(TESTIMONIALS, key.secret), { ...NO_KEY, instance: TESTIMONIALS });
    });

    it('401 for a staff bearer token alone, whatever the role', async () => {
      for (const member of [admin, await createStaff(app(), 'editor'), await createStaff(app(), 'frontdesk')]) {
        expectProblem(await app().http().get(TESTIMONIALS).set(member.auth), { ...NO_KEY, instance: TESTIMONIALS });
      }
    });

    it('a key never opens an admin route', async () => {
      const key = await newKey({ scopes: ['testimonials:read', 'site'] });
      for (const path of [BASE, '/api/v1/admin/users', '/api/v1/admin/audit-events']) {
        const res = await app().http().get(path).set('X-API-Key', key.secret);
        expectProblem(res, { ...BAD_TOKEN, instance: path });
      }
    });
  });

  describe('access to the admin routes', () => {
    let editor: StaffMember;
    let frontdesk: StaffMember;
    let target: CreatedKey;

    beforeAll(async () => {
      editor = await createStaff(app(), 'editor');
      frontdesk = await createStaff(app(), 'frontdesk');
      target = await newKey({ name: 'Target' });
    });

    const routes: [string, 'get' | 'post' | 'delete', () => string, object | undefined][] = [
      ['list', 'get', () => BASE, undefined],
      ['create', 'post', () => BASE, { name: 'Sneaky', scopes: ['site'] }],
      ['get', 'get', () => `${BASE}/${target.id}`, undefined],
      ['revoke', 'delete', () => `${BASE}/${target.id}`, undefined],
    ];
    const call = (method: 'get' | 'post' | 'delete', path: string, body?: object) => {
      const req = app().http()[method](path);
      return body ? req.send(body) : req;
    };

    it.each(routes)('%s: 401 without a token', async (_name, method, path, body) => {
      const res = await call(method, path(), body);
      expectProblem(res, { ...BAD_TOKEN, instance: path() });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it.each(routes)('%s: 401 with a garbage token', async (_name, method, path, body) => {
      const res = await call(method, path(), body).set('Authorization', 'Bearer not-a-token');
      expectProblem(res, { ...BAD_TOKEN, instance: path() });
    });

    it.each(routes)('%s: 403 for an editor and for a frontdesk user', async (_name, method, path, body) => {
      for (const member of [editor, frontdesk]) {
        const res = await call(method, path(), body).set(member.auth);
        expectProblem(res, { code: 'forbidden', detail: 'This requires one of the roles: admin.', instance: path() });
      }
    });

    it('the refused calls changed nothing', async () => {
      expect((await use(TESTIMONIALS, target.secret)).status).toBe(200);
      const sneaky = await db().query<unknown[]>(`SELECT id FROM api_keys WHERE name = 'Sneaky'`);
      expect(sneaky).toEqual([]);
    });
  });
});

describe('/api/v1/admin/api-keys listing (own database)', () => {
  const app = useTestApp({ env: ENV, imports: [IntegrationFixturesModule], isolatedDatabase: true });
  let admin: StaffMember;
  const keys: CreatedKey[] = [];
  const { newKey, revoke, list, use } = keyHelpers(app, () => admin);
  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
    // One after the other, so the creation order is known.
    keys.push(await newKey({ name: 'First', scopes: ['site'] }));
    keys.push(await newKey({ name: 'Second', scopes: ['testimonials:read'], expiresAt: '2099-06-30T12:00:00Z' }));
    keys.push(await newKey({ name: 'Third', scopes: ['site', 'testimonials:read'] }));
  });

  it('answers the envelope, newest first, with exactly the public fields and no secret', async () => {
    const res = await list();
    expectJson(res, 200, {
      data: [listed(keys[2]), listed(keys[1]), listed(keys[0])],
      meta: { page: 1, pageSize: 20, total: 3, totalPages: 1 },
    });
    for (const item of res.body.data) {
      expect(Object.keys(item).sort()).toEqual(KEY_FIELDS);
    }
    for (const key of keys) {
      expect(res.text).not.toContain(key.secret.slice(key.prefix.length));
    }
    expect(res.text).not.toMatch(/secret|created_by/i);
  });

  it('pages', async () => {
    expectJson(await list('?page=2&pageSize=2'), 200, {
      data: [listed(keys[0])],
      meta: { page: 2, pageSize: 2, total: 3, totalPages: 2 },
    });
  });

  it('shows lastUsedAt once a key has been used', async () => {
    const before = Date.now();
    expect((await use(SITE, keys[0].secret)).status).toBe(200);
    const after = Date.now();

    const res = await list();
    const first = (res.body.data as CreatedKey[]).find((k) => k.id === keys[0].id);
    expect(first).toEqual(listed(keys[0], { lastUsedAt: expect.stringMatching(ISO) }));
    expect(Date.parse(first!.lastUsedAt!)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(first!.lastUsedAt!)).toBeLessThanOrEqual(after);
  });

  it('shows revokedAt once a key has been revoked', async () => {
    expectNoContent(await revoke(keys[1].id));
    const res = await list();
    expect(res.body.data[1]).toEqual(listed(keys[1], { revokedAt: expect.stringMatching(ISO) }));
  });

  it('keeps the keys of a deleted admin working, and shows their creator as deleted', async () => {
    const leaving = await createStaff(app(), 'admin');
    const kept = await createApiKey(app(), leaving, { name: 'Made by a leaver', scopes: ['site'] });
    expect((await app().http().delete(`/api/v1/admin/users/${leaving.user.id}`).set(admin.auth)).status).toBe(204);

    const shown = ((await list()).body.data as CreatedKey[]).find((k) => k.id === kept.id);
    expect(shown).toEqual(listed(kept, { createdBy: { id: leaving.user.id, displayName: null, deleted: true } }));
    expect((await app().http().get(`${BASE}/${kept.id}`).set(admin.auth)).body.createdBy).toEqual({
      id: leaving.user.id,
      displayName: null,
      deleted: true,
    });
    expect((await use(SITE, kept.secret)).status).toBe(200);
    // Told on delete, email off (no SMTP_URL) or not: the deletion's audit event lists the keys it leaves working.
    const events = await app()
      .http()
      .get('/api/v1/admin/audit-events')
      .set(admin.auth)
      .query({ action: 'user.deleted', entityId: leaving.user.id });
    expect((events.body as { data: { metadata: unknown }[] }).data.map((e) => e.metadata)).toEqual([
      { apiKeysKept: { count: 1, ids: [kept.id] } },
    ]);
    expect(await app().app.get(DataSource).query(`SELECT id FROM mail_outbox`)).toEqual([]);
  });

  it.each([
    ['pageSize=101', 'pageSize', 'pageSize must not be greater than 100'],
    ['page=0', 'page', 'page must not be less than 1'],
    ['sort=name', 'sort', 'property sort should not exist'],
    ['scope=site', 'scope', 'property scope should not exist'],
  ])('400 for ?%s', async (query, field, message) => {
    expectInvalid(await list(`?${query}`), BASE, [{ field, message }]);
  });
});
