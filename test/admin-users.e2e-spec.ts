import { DataSource } from 'typeorm';
import {
  expectInvalid,
  expectJson,
  expectNoContent,
  expectProblem,
  type FieldError,
  ISO,
  JSON_TYPE,
  UUID,
} from './utils/expect-problem.js';
import {
  bearer,
  createStaff,
  createUser,
  login,
  STAFF_PASSWORD,
  type StaffMember,
  suffix,
  userBody,
} from './factories/index.js';
import { type TestApp, useTestApp, withTestApp } from './utils/test-app.js';

const BASE = '/api/v1/admin/users';
const LOGIN = '/api/v1/auth/login';
const ME = '/api/v1/auth/me';
/** These tests are not about rate limits: keep the ceilings out of the way. */
const ENV = { RATE_LIMIT_GENERAL_LIMIT: '100000', RATE_LIMIT_LOGIN_LIMIT: '10000' };
const BAD_TOKEN = { code: 'unauthorized', detail: 'A valid bearer token is required.' } as const;
const BAD_LOGIN = { code: 'unauthorized', detail: 'The email or password is not correct.', instance: LOGIN } as const;
const LAST_ADMIN = {
  code: 'last_admin',
  detail: 'This is the last active admin: it cannot be demoted, deactivated or deleted.',
} as const;

function without(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...body };
  delete copy[field];
  return copy;
}

/** The whole public representation of a user: never the password hash or the token version. */
function userJson(fields: {
  id?: string;
  email: string;
  displayName: string;
  role: string;
  active?: boolean;
  lastLoginAt?: unknown;
  mfaEnabled?: boolean;
}): Record<string, unknown> {
  return {
    id: fields.id ?? expect.stringMatching(UUID),
    email: fields.email,
    displayName: fields.displayName,
    role: fields.role,
    active: fields.active ?? true,
    lastLoginAt: fields.lastLoginAt ?? null,
    mfaEnabled: fields.mfaEnabled ?? false,
    createdAt: expect.stringMatching(ISO),
    updatedAt: expect.stringMatching(ISO),
  };
}

function staffJson(member: StaffMember, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return userJson({
    id: member.user.id,
    email: member.email,
    displayName: member.user.displayName,
    role: member.user.role,
    ...changes,
  });
}

describe('/api/v1/admin/users', () => {
  const app = useTestApp({ env: ENV });
  let admin: StaffMember;

  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
  });

  const create = (body: unknown) =>
    app()
      .http()
      .post(BASE)
      .set(admin.auth)
      .send(body as object);
  const get = (id: string) => app().http().get(`${BASE}/${id}`).set(admin.auth);
  const patch = (id: string, body: unknown) =>
    app()
      .http()
      .patch(`${BASE}/${id}`)
      .set(admin.auth)
      .send(body as object);

  describe('POST (create)', () => {
    it('creates a user: 201, Location, the whole user with the email lower-cased and no secrets', async () => {
      const email = `Dana.Reyes-${suffix()}@WellClinic.TEST`;
      const res = await create({
        email: `  ${email} `,
        displayName: '  Dana Reyes ',
        role: 'editor',
        password: STAFF_PASSWORD,
      });

      expectJson(res, 201, userJson({ email: email.toLowerCase(), displayName: 'Dana Reyes', role: 'editor' }));
      expect(res.body.createdAt).toBe(res.body.updatedAt);
      expect(res.headers.location).toBe(`${BASE}/${res.body.id}`);
      expect(res.text).not.toMatch(/passwordHash|password_hash|tokenVersion|argon2|calm-harbor/);

      const located = await app().http().get(res.headers.location).set(admin.auth);
      expectJson(located, 200, res.body);
    });

    it('stores an argon2id hash, never the password', async () => {
      const res = await create(userBody());
      expect(res.status).toBe(201);
      const [row] = await app()
        .app.get(DataSource)
        .query<{ password_hash: string; token_version: number }[]>(
          'SELECT password_hash, token_version FROM users WHERE id = $1',
          [res.body.id],
        );
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain(STAFF_PASSWORD);
      expect(row.token_version).toBe(0);
    });

    it('the new user can sign in with the password it was given', async () => {
      const body = userBody({ role: 'editor' });
      const created = await create(body);
      const token = await login(app(), body.email as string, STAFF_PASSWORD);
      const me = await app().http().get(ME).set(bearer(token));
      expectJson(
        me,
        200,
        userJson({
          id: created.body.id,
          email: body.email as string,
          displayName: 'Dana Reyes',
          role: 'editor',
          lastLoginAt: expect.stringMatching(ISO),
        }),
      );
    });

    it('409 for an email that already exists in another case, and creates nothing', async () => {
      const email = `sam-${suffix()}@wellclinic.test`;
      await createUser(app(), admin, { email });

      const res = await create(userBody({ email: email.toUpperCase(), displayName: 'Someone Else' }));
      expectProblem(res, { code: 'conflict', detail: 'A user with this email already exists.', instance: BASE });

      const count = await app()
        .app.get(DataSource)
        .query<{ n: number }[]>('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
      expect(count).toEqual([{ n: 1 }]);
    });

    it('keeps quotes in a valid email as data, not SQL', async () => {
      const email = `o'brien-${suffix()}@wellclinic.test`;
      const res = await create(userBody({ email }));
      expectJson(res, 201, userJson({ email, displayName: 'Dana Reyes', role: 'frontdesk' }));
    });

    const valid = userBody();
    const emailAsPassword = `dana.reyes.${suffix()}@wellclinic.test`;
    it.each<[string, Record<string, unknown>, FieldError[]]>([
      ['a missing email', without(valid, 'email'), [{ field: 'email', message: 'email must be an email address' }]],
      [
        'a missing displayName',
        without(valid, 'displayName'),
        [{ field: 'displayName', message: 'displayName must be a string' }],
      ],
      [
        'a missing role',
        without(valid, 'role'),
        [{ field: 'role', message: 'role must be one of: admin, editor, frontdesk' }],
      ],
      ['a missing password', without(valid, 'password'), [{ field: 'password', message: 'password must be a string' }]],
      [
        'an empty body',
        {},
        [
          { field: 'email', message: 'email must be an email address' },
          { field: 'displayName', message: 'displayName must be a string' },
          { field: 'role', message: 'role must be one of: admin, editor, frontdesk' },
          { field: 'password', message: 'password must be a string' },
        ],
      ],
      [
        'an invalid email',
        { ...valid, email: 'dana.wellclinic.test' },
        [{ field: 'email', message: 'email must be an email address' }],
      ],
      [
        'an email that is a number',
        { ...valid, email: 42 },
        [{ field: 'email', message: 'email must be an email address' }],
      ],
      [
        'an email longer than 254 characters',
        { ...valid, email: `${'a'.repeat(64)}@${`${'b'.repeat(60)}.`.repeat(4)}test` },
        [{ field: 'email', message: 'email must be an email address' }],
      ],
      [
        'an SQL injection string as the email',
        { ...valid, email: "x' OR '1'='1" },
        [{ field: 'email', message: 'email must be an email address' }],
      ],
      [
        'an SQL injection string after an address',
        { ...valid, email: "admin@wellclinic.test'; DROP TABLE users; --" },
        [{ field: 'email', message: 'email must be an email address' }],
      ],
      [
        'the role owner',
        { ...valid, role: 'owner' },
        [{ field: 'role', message: 'role must be one of: admin, editor, frontdesk' }],
      ],
      [
        'a role in another case',
        { ...valid, role: 'ADMIN' },
        [{ field: 'role', message: 'role must be one of: admin, editor, frontdesk' }],
      ],
      [
        'an empty displayName',
        { ...valid, displayName: '' },
        [{ field: 'displayName', message: 'displayName must be longer than or equal to 1 characters' }],
      ],
      [
        'a blank displayName',
        { ...valid, displayName: '   ' },
        [{ field: 'displayName', message: 'displayName must be longer than or equal to 1 characters' }],
      ],
      [
        'a displayName of 101 characters',
        { ...valid, displayName: 'x'.repeat(101) },
        [{ field: 'displayName', message: 'displayName must be shorter than or equal to 100 characters' }],
      ],
      [
        'a displayName that is not a string',
        { ...valid, displayName: { first: 'Dana' } },
        [{ field: 'displayName', message: 'displayName must be a string' }],
      ],
      [
        'a password of 11 characters',
        { ...valid, password: 'calm-harbor' },
        [{ field: 'password', message: 'password must be at least 12 characters' }],
      ],
      [
        'a password equal to the email',
        { ...valid, email: emailAsPassword, password: emailAsPassword.toUpperCase() },
        [{ field: 'password', message: 'password must not be the email address' }],
      ],
      [
        'a password equal to the part of the email before the @',
        { ...valid, email: emailAsPassword, password: emailAsPassword.split('@')[0] },
        [{ field: 'password', message: 'password must not be the email address' }],
      ],
      [
        'a common password',
        { ...valid, password: 'password1234' },
        [{ field: 'password', message: 'password is too common' }],
      ],
      [
        'a common password in capitals',
        { ...valid, password: 'PASSWORD1234' },
        [{ field: 'password', message: 'password is too common' }],
      ],
      [
        'a password of 129 characters',
        { ...valid, password: 'p'.repeat(129) },
        [{ field: 'password', message: 'password must be at most 128 characters' }],
      ],
      [
        'a password that is a number',
        { ...valid, password: 123456789012345 },
        [{ field: 'password', message: 'password must be a string' }],
      ],
      [
        'an unknown field',
        { ...valid, isAdmin: true },
        [{ field: 'isAdmin', message: 'property isAdmin should not exist' }],
      ],
      [
        'several problems at once, the password policy included (one round trip)',
        { ...valid, role: 'owner', password: 'password1234' },
        [
          { field: 'role', message: 'role must be one of: admin, editor, frontdesk' },
          { field: 'password', message: 'password is too common' },
        ],
      ],
      [
        'a password hash instead of a password',
        { ...without(valid, 'password'), passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y' },
        [
          { field: 'passwordHash', message: 'property passwordHash should not exist' },
          { field: 'password', message: 'password must be a string' },
        ],
      ],
      [
        'a field the server sets',
        { ...valid, active: false },
        [{ field: 'active', message: 'property active should not exist' }],
      ],
    ])('400 for %s, creating nothing', async (_label, body, errors) => {
      const res = await create(body);
      expectInvalid(res, BASE, errors);
      if (typeof body.email === 'string') {
        const rows = await app()
          .app.get(DataSource)
          .query<unknown[]>('SELECT id FROM users WHERE email = $1', [body.email.trim().toLowerCase()]);
        expect(rows).toEqual([]);
      }
    });

    it.each([['"hello"'], ['[]'], ['[{"email":"a@b.test"}]'], ['null'], ['42']])(
      '400 naming the body for the JSON %s',
      async (json) => {
        const res = await app().http().post(BASE).set(admin.auth).set('Content-Type', 'application/json').send(json);
        expectInvalid(res, BASE, [{ field: 'body', message: 'the request body must be a JSON object' }]);
      },
    );
  });

  describe('GET one', () => {
    it('answers the whole user', async () => {
      const member = await createStaff(app(), 'editor');
      expectJson(await get(member.user.id), 200, staffJson(member));
    });
  });

  describe('PATCH', () => {
    const me = (token: string) => app().http().get(ME).set(bearer(token));

    it('an empty patch changes nothing and records nothing', async () => {
      const member = await createStaff(app(), 'frontdesk');
      const res = await patch(member.user.id, {});
      expect(res.status).toBe(200);
      expect(res.body.updatedAt).toBe(member.user.updatedAt.toISOString());
      const events = await app()
        .app.get(DataSource)
        .query<unknown[]>(`SELECT id FROM audit_events WHERE entity_id = $1 AND action <> 'user.created'`, [
          member.user.id,
        ]);
      expect(events).toEqual([]);
      expect((await me(member.token)).status).toBe(200);
    });

    it('changes the display name; the user stays signed in', async () => {
      const member = await createStaff(app(), 'frontdesk');
      const res = await patch(member.user.id, { displayName: '  Dana R. ' });
      expectJson(res, 200, staffJson(member, { displayName: 'Dana R.' }));
      expect(res.body.updatedAt >= res.body.createdAt).toBe(true);

      expectJson(await me(member.token), 200, staffJson(member, { displayName: 'Dana R.' }));
      expectJson(await get(member.user.id), 200, res.body);
    });

    it('changes the role and ends the sessions the user had', async () => {
      const member = await createStaff(app(), 'frontdesk');
      expect((await me(member.token)).status).toBe(200);

      const res = await patch(member.user.id, { role: 'editor' });
      expectJson(res, 200, staffJson(member, { role: 'editor' }));

      expectProblem(await me(member.token), { ...BAD_TOKEN, instance: ME });
      const fresh = await login(app(), member.email, member.password);
      expectJson(await me(fresh), 200, staffJson(member, { role: 'editor', lastLoginAt: expect.stringMatching(ISO) }));
    });

    it('deactivates: the old token and the right password both get 401', async () => {
      const member = await createStaff(app(), 'editor');
      const res = await patch(member.user.id, { active: false });
      expectJson(res, 200, staffJson(member, { active: false }));

      expectProblem(await me(member.token), { ...BAD_TOKEN, instance: ME });
      expectProblem(await app().http().post(LOGIN).send({ email: member.email, password: member.password }), BAD_LOGIN);
      expectJson(await get(member.user.id), 200, res.body);
    });

    it('reactivates: the user can sign in again, the token from before stays dead', async () => {
      const member = await createStaff(app(), 'editor');
      expect((await patch(member.user.id, { active: false })).status).toBe(200);

      const res = await patch(member.user.id, { active: true });
      expectJson(res, 200, staffJson(member, { active: true }));

      expectProblem(await me(member.token), { ...BAD_TOKEN, instance: ME });
      const fresh = await login(app(), member.email, member.password);
      expect((await me(fresh)).status).toBe(200);
    });

    it('resets the password: the new one signs in, the old one and the old token do not', async () => {
      const member = await createStaff(app(), 'frontdesk');
      const next = `quiet-meadow-${suffix()}-river`;
      const res = await patch(member.user.id, { password: next });
      expectJson(res, 200, staffJson(member));

      expectProblem(await me(member.token), { ...BAD_TOKEN, instance: ME });
      expectProblem(await app().http().post(LOGIN).send({ email: member.email, password: member.password }), BAD_LOGIN);
      const fresh = await login(app(), member.email, next);
      expect((await me(fresh)).status).toBe(200);
    });

    it.each<[string, Record<string, unknown>, FieldError[]]>([
      [
        'the role owner',
        { role: 'owner' },
        [{ field: 'role', message: 'role must be one of: admin, editor, frontdesk' }],
      ],
      ['active "yes"', { active: 'yes' }, [{ field: 'active', message: 'active must be a boolean value' }]],
      [
        'active "false" as a string',
        { active: 'false' },
        [{ field: 'active', message: 'active must be a boolean value' }],
      ],
      ['active null', { active: null }, [{ field: 'active', message: 'active must be a boolean value' }]],
      [
        'a password of 11 characters',
        { password: 'calm-harbor' },
        [{ field: 'password', message: 'password must be at least 12 characters' }],
      ],
      ['a common password', { password: 'password1234' }, [{ field: 'password', message: 'password is too common' }]],
      [
        'a password of 129 characters',
        { password: 'p'.repeat(129) },
        [{ field: 'password', message: 'password must be at most 128 characters' }],
      ],
      [
        'an empty displayName',
        { displayName: '' },
        [{ field: 'displayName', message: 'displayName must be longer than or equal to 1 characters' }],
      ],
      [
        'a displayName of 101 characters',
        { displayName: 'x'.repeat(101) },
        [{ field: 'displayName', message: 'displayName must be shorter than or equal to 100 characters' }],
      ],
      ['an unknown field', { colour: 'blue' }, [{ field: 'colour', message: 'property colour should not exist' }]],
      [
        'an email (it cannot be changed)',
        { email: 'someone-else@wellclinic.test' },
        [{ field: 'email', message: 'property email should not exist' }],
      ],
      [
        'a token version',
        { tokenVersion: 0 },
        [{ field: 'tokenVersion', message: 'property tokenVersion should not exist' }],
      ],
    ])('400 for %s, changing nothing', async (_label, body, errors) => {
      const member = await createStaff(app(), 'frontdesk');
      const before = await get(member.user.id);

      expectInvalid(await patch(member.user.id, body), `${BASE}/${member.user.id}`, errors);
      expectJson(await get(member.user.id), 200, before.body);
      expect((await me(member.token)).status).toBe(200);
    });

    // null is not "absent": it must not reach the database (NOT NULL columns) or the password policy.
    it.each<[string, FieldError]>([
      ['displayName', { field: 'displayName', message: 'displayName must be a string' }],
      ['role', { field: 'role', message: 'role must be one of: admin, editor, frontdesk' }],
      ['password', { field: 'password', message: 'password must be a string' }],
    ])('400 naming %s when it is null, changing nothing', async (field, error) => {
      const member = await createStaff(app(), 'frontdesk');
      const before = await get(member.user.id);

      expectInvalid(await patch(member.user.id, { [field]: null }), `${BASE}/${member.user.id}`, [error]);
      expectJson(await get(member.user.id), 200, before.body);
      expect((await me(member.token)).status).toBe(200);
    });

    it.each([['"hello"'], ['[]'], ['null']])('400 naming the body for the JSON %s', async (json) => {
      const member = await createStaff(app(), 'frontdesk');
      const res = await app()
        .http()
        .patch(`${BASE}/${member.user.id}`)
        .set(admin.auth)
        .set('Content-Type', 'application/json')
        .send(json);
      expectInvalid(res, `${BASE}/${member.user.id}`, [
        { field: 'body', message: 'the request body must be a JSON object' },
      ]);
    });
  });

  describe('DELETE', () => {
    it('204 with an empty body; the user is gone and its token stops working', async () => {
      const member = await createStaff(app(), 'editor');
      const res = await app().http().delete(`${BASE}/${member.user.id}`).set(admin.auth);
      expectNoContent(res);
      expect(res.headers['cache-control']).toBe('no-store');

      expectProblem(await get(member.user.id), {
        code: 'not_found',
        detail: 'No user with this id.',
        instance: `${BASE}/${member.user.id}`,
      });
      expectProblem(await app().http().get(ME).set(member.auth), { ...BAD_TOKEN, instance: ME });
      expectProblem(await app().http().delete(`${BASE}/${member.user.id}`).set(admin.auth), {
        code: 'not_found',
        detail: 'No user with this id.',
        instance: `${BASE}/${member.user.id}`,
      });
    });
  });

  describe('GET list (shared database)', () => {
    it('answers the envelope; every item is a whole user and the filters hold', async () => {
      const member = await createStaff(app(), 'frontdesk');
      const res = await app()
        .http()
        .get(`${BASE}?role=frontdesk&active=true&pageSize=100&sort=-createdAt`)
        .set(admin.auth);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(Object.keys(res.body).sort()).toEqual(['data', 'meta']);
      expect(res.body.meta).toEqual({
        page: 1,
        pageSize: 100,
        total: expect.any(Number),
        totalPages: Math.ceil(res.body.meta.total / 100),
      });
      for (const user of res.body.data) {
        expect(user).toEqual(userJson({ ...user, lastLoginAt: user.lastLoginAt ?? null }));
        expect(user).toMatchObject({ role: 'frontdesk', active: true });
      }
      expect(res.body.data).toContainEqual(staffJson(member));
    });
  });

  describe('access', () => {
    let editor: StaffMember;
    let frontdesk: StaffMember;
    let target: StaffMember;

    beforeAll(async () => {
      editor = await createStaff(app(), 'editor');
      frontdesk = await createStaff(app(), 'frontdesk');
      target = await createStaff(app(), 'frontdesk');
    });

    const routes: [string, 'get' | 'post' | 'patch' | 'delete', (id: string) => string, object | undefined][] = [
      ['list', 'get', () => BASE, undefined],
      ['create', 'post', () => BASE, userBody()],
      ['get', 'get', (id) => `${BASE}/${id}`, undefined],
      ['update', 'patch', (id) => `${BASE}/${id}`, { role: 'admin' }],
      ['delete', 'delete', (id) => `${BASE}/${id}`, undefined],
    ];

    const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
      const req = app().http()[method](path);
      return body ? req.send(body) : req;
    };

    it.each(routes)('%s: 401 without a token', async (_name, method, path, body) => {
      const res = await call(method, path(target.user.id), body);
      expectProblem(res, { ...BAD_TOKEN, instance: path(target.user.id) });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it.each(routes)('%s: 401 with a forged or garbage token', async (_name, method, path, body) => {
      for (const header of [`Bearer ${admin.token}x`, 'Bearer not-a-token', `Basic ${admin.token}`, admin.token]) {
        const res = await call(method, path(target.user.id), body).set('Authorization', header);
        expectProblem(res, { ...BAD_TOKEN, instance: path(target.user.id) });
      }
    });

    it.each(routes)('%s: 403 for an editor and for a frontdesk user', async (_name, method, path, body) => {
      for (const member of [editor, frontdesk]) {
        const res = await call(method, path(target.user.id), body).set(member.auth);
        expectProblem(res, {
          code: 'forbidden',
          detail: 'This requires one of the roles: admin.',
          instance: path(target.user.id),
        });
      }
    });

    it('nothing changed through the refused calls', async () => {
      expectJson(await get(target.user.id), 200, staffJson(target));
      expect((await app().http().get(ME).set(target.auth)).status).toBe(200);
    });
  });
});

describe('/api/v1/admin/users listing (own database)', () => {
  const app = useTestApp({ env: ENV, isolatedDatabase: true });
  let admin: StaffMember;
  const users: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    admin = await createStaff(app(), 'admin', { email: 'admin@wellclinic.test' });
    users.admin = userJson({
      id: admin.user.id,
      email: admin.email,
      displayName: admin.user.displayName,
      role: 'admin',
    });
    // Created one after the other, so creation order is known.
    for (const [key, role, name] of [
      ['carol', 'editor', 'Carol'],
      ['alice', 'frontdesk', 'Alice'],
      ['bob', 'admin', 'Bob'],
      ['dave', 'editor', 'Dave'],
    ] as const) {
      users[key] = await createUser(app(), admin, { email: `${key}@wellclinic.test`, displayName: name, role });
    }
    const deactivated = await app()
      .http()
      .patch(`${BASE}/${users.dave.id as string}`)
      .set(admin.auth)
      .send({ active: false });
    expect(deactivated.status).toBe(200);
    users.dave = deactivated.body;
  });

  const list = (query = '') => app().http().get(`${BASE}${query}`).set(admin.auth);
  const page = (keys: string[], meta: Record<string, number>) => ({ data: keys.map((k) => users[k]), meta });

  it('sorts by email by default', async () => {
    expectJson(
      await list(),
      200,
      page(['admin', 'alice', 'bob', 'carol', 'dave'], { page: 1, pageSize: 20, total: 5, totalPages: 1 }),
    );
  });

  it('filters by role', async () => {
    expectJson(
      await list('?role=editor'),
      200,
      page(['carol', 'dave'], { page: 1, pageSize: 20, total: 2, totalPages: 1 }),
    );
    expectJson(
      await list('?role=admin'),
      200,
      page(['admin', 'bob'], { page: 1, pageSize: 20, total: 2, totalPages: 1 }),
    );
  });

  it('filters by active', async () => {
    expectJson(await list('?active=false'), 200, page(['dave'], { page: 1, pageSize: 20, total: 1, totalPages: 1 }));
    expectJson(
      await list('?active=true'),
      200,
      page(['admin', 'alice', 'bob', 'carol'], { page: 1, pageSize: 20, total: 4, totalPages: 1 }),
    );
    expectJson(
      await list('?active=true&role=editor'),
      200,
      page(['carol'], { page: 1, pageSize: 20, total: 1, totalPages: 1 }),
    );
  });

  it('sorts by -createdAt, newest first', async () => {
    expectJson(
      await list('?sort=-createdAt'),
      200,
      page(['dave', 'bob', 'alice', 'carol', 'admin'], { page: 1, pageSize: 20, total: 5, totalPages: 1 }),
    );
  });

  it('sorts by displayName', async () => {
    expectJson(
      await list('?sort=displayName'),
      200,
      page(['alice', 'bob', 'carol', 'dave', 'admin'], { page: 1, pageSize: 20, total: 5, totalPages: 1 }),
    );
  });

  it('pages', async () => {
    expectJson(
      await list('?page=2&pageSize=2'),
      200,
      page(['bob', 'carol'], { page: 2, pageSize: 2, total: 5, totalPages: 3 }),
    );
    expectJson(await list('?page=4&pageSize=2'), 200, page([], { page: 4, pageSize: 2, total: 5, totalPages: 3 }));
  });

  const sortMessage =
    'sort must be a comma-separated list of email, displayName, createdAt, lastLoginAt, each optionally prefixed with -';
  it.each([
    ['pageSize=101', 'pageSize', 'pageSize must not be greater than 100'],
    ['pageSize=0', 'pageSize', 'pageSize must not be less than 1'],
    ['page=abc', 'page', 'page must be an integer number'],
    ['sort=passwordHash', 'sort', sortMessage],
    ['sort=tokenVersion', 'sort', sortMessage],
    ['sort=role', 'sort', sortMessage],
    ['sort=email;DROP TABLE users', 'sort', sortMessage],
    ['role=owner', 'role', 'role must be one of: admin, editor, frontdesk'],
    ['active=yes', 'active', 'active must be a boolean value'],
    ['q=dana', 'q', 'property q should not exist'],
  ])('400 for ?%s', async (query, field, message) => {
    expectInvalid(await list(`?${query}`), BASE, [{ field, message }]);
  });

  // Last: signing in changes the users it lists.
  it('sorts by -lastLoginAt with accounts that never signed in last', async () => {
    for (const key of ['alice', 'carol']) await login(app(), `${key}@wellclinic.test`, STAFF_PASSWORD);
    const res = await list('?sort=-lastLoginAt');
    expect(res.status).toBe(200);
    const emails = (res.body.data as { email: string; lastLoginAt: string | null }[]).map((u) => [
      u.email,
      u.lastLoginAt === null,
    ]);
    expect(emails.slice(0, 2)).toEqual([
      ['carol@wellclinic.test', false],
      ['alice@wellclinic.test', false],
    ]);
    expect(emails.slice(2).every(([, never]) => never)).toBe(true);
  });
});

describe('the last active admin (own database per test)', () => {
  const patchAs = (t: TestApp, actor: { Authorization: string }, id: string, body: object) =>
    t.http().patch(`${BASE}/${id}`).set(actor).send(body);
  const deleteAs = (t: TestApp, actor: { Authorization: string }, id: string) =>
    t.http().delete(`${BASE}/${id}`).set(actor);

  it('cannot be demoted, deactivated or deleted, even by itself; other users do not count', () =>
    withTestApp({ env: ENV, isolatedDatabase: true }, async (t) => {
      const admin = await createStaff(t, 'admin');
      await createStaff(t, 'editor');
      await createStaff(t, 'frontdesk');
      const instance = `${BASE}/${admin.user.id}`;

      for (const role of ['editor', 'frontdesk']) {
        expectProblem(await patchAs(t, admin.auth, admin.user.id, { role }), { ...LAST_ADMIN, instance });
      }
      expectProblem(await patchAs(t, admin.auth, admin.user.id, { active: false }), { ...LAST_ADMIN, instance });
      expectProblem(await patchAs(t, admin.auth, admin.user.id, { displayName: 'X', active: false }), {
        ...LAST_ADMIN,
        instance,
      });
      expectProblem(await deleteAs(t, admin.auth, admin.user.id), { ...LAST_ADMIN, instance });

      // Nothing changed, and the refused changes did not end the admin's session.
      const res = await t.http().get(instance).set(admin.auth);
      expectJson(res, 200, staffJson(admin));
    }));

  it('still applies when the other admin is deactivated', () =>
    withTestApp({ env: ENV, isolatedDatabase: true }, async (t) => {
      const admin = await createStaff(t, 'admin');
      const other = await createStaff(t, 'admin');
      expect((await patchAs(t, admin.auth, other.user.id, { active: false })).status).toBe(200);
      const instance = `${BASE}/${admin.user.id}`;

      expectProblem(await patchAs(t, admin.auth, admin.user.id, { role: 'editor' }), { ...LAST_ADMIN, instance });
      expectProblem(await patchAs(t, admin.auth, admin.user.id, { active: false }), { ...LAST_ADMIN, instance });
      expectProblem(await deleteAs(t, admin.auth, admin.user.id), { ...LAST_ADMIN, instance });

      // A deactivated admin can be changed freely: it is not an active admin.
      const demoted = await patchAs(t, admin.auth, other.user.id, { role: 'editor' });
      expectJson(demoted, 200, staffJson(other, { role: 'editor', active: false }));
    }));

  it('allows the same operations while a second admin is active', () =>
    withTestApp({ env: ENV, isolatedDatabase: true }, async (t) => {
      const first = await createStaff(t, 'admin');
      const second = await createStaff(t, 'admin');

      expectJson(
        await patchAs(t, second.auth, first.user.id, { role: 'editor' }),
        200,
        staffJson(first, { role: 'editor' }),
      );
      expectJson(await patchAs(t, second.auth, first.user.id, { role: 'admin' }), 200, staffJson(first));
      expectJson(
        await patchAs(t, second.auth, first.user.id, { active: false }),
        200,
        staffJson(first, { active: false }),
      );
      expectJson(await patchAs(t, second.auth, first.user.id, { active: true }), 200, staffJson(first));
      expectNoContent(await deleteAs(t, second.auth, first.user.id));

      // Now the second is the only one left.
      expectProblem(await deleteAs(t, second.auth, second.user.id), {
        ...LAST_ADMIN,
        instance: `${BASE}/${second.user.id}`,
      });
    }));

  it('an admin may demote itself while another admin is active', () =>
    withTestApp({ env: ENV, isolatedDatabase: true }, async (t) => {
      const first = await createStaff(t, 'admin');
      const second = await createStaff(t, 'admin');
      expectJson(
        await patchAs(t, first.auth, first.user.id, { role: 'frontdesk' }),
        200,
        staffJson(first, { role: 'frontdesk' }),
      );
      expectProblem(await t.http().get(BASE).set(first.auth), { ...BAD_TOKEN, instance: BASE });
      expectProblem(await patchAs(t, second.auth, second.user.id, { role: 'editor' }), {
        ...LAST_ADMIN,
        instance: `${BASE}/${second.user.id}`,
      });
    }));

  it('two admins demoting each other at the same time leave exactly one admin', () =>
    withTestApp({ env: ENV, isolatedDatabase: true }, async (t) => {
      const first = await createStaff(t, 'admin');
      const second = await createStaff(t, 'admin');

      const [a, b] = await Promise.all([
        patchAs(t, first.auth, second.user.id, { role: 'editor' }),
        patchAs(t, second.auth, first.user.id, { role: 'editor' }),
      ]);
      // The loser is refused either by the last-admin rule (409) or, when the winner's change committed
      // before the loser's request was authenticated, because its own demotion ended its session (401).
      const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
      expect(winner.status).toBe(200);
      expect([409, 401]).toContain(loser.status);
      expect(loser.body.code).toBe(loser.status === 409 ? 'last_admin' : 'unauthorized');

      const admins = await t.app
        .get(DataSource)
        .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active`);
      expect(admins).toEqual([{ n: 1 }]);
    }));
});
