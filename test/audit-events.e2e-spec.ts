import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createApiKey, createStaff, createUser, type StaffMember, suffix } from './factories/index.js';
import { expectPage, expectProblem, ISO, pageMeta as meta, type ResponseLike, UUID } from './utils/expect-problem.js';
import { TOTAL_CAP } from '../src/common/pagination/capped-total.js';
import { useTestApp } from './utils/test-app.js';

const BASE = '/api/v1/admin/audit-events';
const USERS = '/api/v1/admin/users';
const KEYS = '/api/v1/admin/api-keys';
const LOGIN = '/api/v1/auth/login';
/** These tests are not about rate limits: keep the ceilings out of the way. */
const ENV = { RATE_LIMIT_GENERAL_LIMIT: '100000', RATE_LIMIT_LOGIN_LIMIT: '10000' };
const BAD_LOGIN = { code: 'unauthorized', detail: 'The email or password is not correct.', instance: LOGIN } as const;
const INSTANT = (field: string) => `${field} must be an ISO 8601 date-time with a time zone, e.g. 2026-12-24T17:00:00Z`;

interface AuditEventJson {
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  requestId: string | null;
  clientRequestId: string | null;
  traceId: string | null;
  metadata: Record<string, unknown>;
}

/** A request id of the caller's own: kept as clientRequestId, while requestId is always the server's. */
const requestId = (label: string) => `${label}-${suffix()}`;
/** The server's id of a request, from its response; never the caller's. */
const serverId = (res: ResponseLike): string => {
  const id = res.headers['x-request-id'];
  expect(id).toMatch(UUID);
  return id;
};

/**
 * A whole event as the API returns it; `id` and `occurredAt` are the server's, and so is `traceId` unless the
 * request sent a traceparent (test/tracing.e2e-spec.ts follows a trace id through).
 */
function event(
  fields: Omit<AuditEventJson, 'id' | 'occurredAt' | 'traceId'> & Partial<Pick<AuditEventJson, 'traceId'>>,
): Record<string, unknown> {
  return {
    id: expect.stringMatching(UUID),
    occurredAt: expect.stringMatching(ISO),
    traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    ...fields,
  };
}

describe('/api/v1/admin/audit-events', () => {
  const app = useTestApp({ env: ENV });
  let admin: StaffMember;

  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
  });

  const events = (query: string) => app().http().get(`${BASE}?${query}`).set(admin.auth);

  it('records the life of a user, each event with the request that caused it and no personal data', async () => {
    const email = `riley-${suffix()}@wellclinic.test`;
    const password = `silver-birch-${suffix()}-pond`;
    const nextPassword = `golden-reed-${suffix()}-lake`;
    const ids = [1, 2, 3, 4, 5].map((n) => requestId(`user-change-${n}`));

    const created = await app()
      .http()
      .post(USERS)
      .set(admin.auth)
      .set('X-Request-Id', ids[0])
      .send({ email, displayName: 'Riley Quinn', role: 'frontdesk', password });
    expect(created.status).toBe(201);
    const server = [serverId(created)];
    const id = created.body.id as string;

    const changes: object[] = [
      { displayName: 'Riley Q.' },
      { role: 'editor', password: nextPassword },
      { active: false },
      { active: true },
    ];
    for (const [i, body] of changes.entries()) {
      const res = await app()
        .http()
        .patch(`${USERS}/${id}`)
        .set(admin.auth)
        .set('X-Request-Id', ids[i + 1])
        .send(body);
      expect(res.status).toBe(200);
      server.push(serverId(res));
    }
    // Without an X-Request-Id of ours: no clientRequestId.
    const deleted = await app().http().delete(`${USERS}/${id}`).set(admin.auth);
    expect(deleted.status).toBe(204);
    const generated = serverId(deleted);
    expect(new Set([...server, generated]).size).toBe(6);

    const by = { actorType: 'user', actorId: admin.user.id, entityType: 'user', entityId: id };
    const req = (i: number) => ({ requestId: server[i], clientRequestId: ids[i] });
    const expected = [
      event({ ...by, action: 'user.created', ...req(0), metadata: { role: 'frontdesk' } }),
      event({ ...by, action: 'user.updated', ...req(1), metadata: { fields: ['displayName'] } }),
      event({ ...by, action: 'user.updated', ...req(2), metadata: { fields: ['password', 'role'] } }),
      event({ ...by, action: 'user.deactivated', ...req(3), metadata: { fields: ['active'] } }),
      event({ ...by, action: 'user.updated', ...req(4), metadata: { fields: ['active'] } }),
      event({ ...by, action: 'user.deleted', requestId: generated, clientRequestId: null, metadata: {} }),
    ];

    const oldestFirst = await events(`entityType=user&entityId=${id}&sort=occurredAt`);
    expectPage(oldestFirst, expected, meta(6));
    const newestFirst = await events(`entityId=${id}`);
    expectPage(newestFirst, [...expected].reverse(), meta(6));
    expect(newestFirst.body.data).toEqual([...oldestFirst.body.data].reverse());

    for (const personal of [email, 'Riley', password, nextPassword]) {
      expect(oldestFirst.text).not.toContain(personal);
    }
  });

  it("cannot be filed under another request's id: requestId is the server's, the caller's claim is kept apart", async () => {
    const first = await app()
      .http()
      .post(KEYS)
      .set(admin.auth)
      .send({ name: `Claimed ${suffix()}`, scopes: ['site'] });
    expect(first.status).toBe(201);
    const taken = serverId(first);
    // Another staff action that claims the first one's id, then one with an id unfit for a log line.
    const claiming = await app().http().delete(`${KEYS}/${first.body.id}`).set(admin.auth).set('X-Request-Id', taken);
    expect(claiming.status).toBe(204);
    expect(serverId(claiming)).not.toBe(taken);
    const second = await app()
      .http()
      .post(KEYS)
      .set(admin.auth)
      .set('X-Request-Id', 'two words')
      .send({ name: `Unfit ${suffix()}`, scopes: ['site'] });
    expect(second.status).toBe(201);

    const by = { actorType: 'user', actorId: admin.user.id, entityType: 'api_key' };
    const revocation = await events(`entityId=${first.body.id}&action=api_key.revoked`);
    expectPage(
      revocation,
      [
        event({
          ...by,
          entityId: first.body.id,
          action: 'api_key.revoked',
          requestId: serverId(claiming),
          clientRequestId: taken,
          metadata: {},
        }),
      ],
      meta(1),
    );
    expectPage(
      await events(`entityId=${second.body.id}`),
      [
        event({
          ...by,
          entityId: second.body.id,
          action: 'api_key.created',
          requestId: serverId(second),
          clientRequestId: null,
          metadata: { scopes: ['site'] },
        }),
      ],
      meta(1),
    );
  });

  it('records the creation and the revocation of an API key, without its name or secret', async () => {
    const name = `Partner ${suffix()}`;
    const [createId, revokeId, againId] = ['key-create', 'key-revoke', 'key-revoke-again'].map(requestId);
    const created = await app()
      .http()
      .post(KEYS)
      .set(admin.auth)
      .set('X-Request-Id', createId)
      .send({ name, scopes: ['testimonials:read', 'site'] });
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    const revoked: string[] = [];
    for (const rid of [revokeId, againId]) {
      const res = await app().http().delete(`${KEYS}/${id}`).set(admin.auth).set('X-Request-Id', rid);
      expect(res.status).toBe(204);
      revoked.push(serverId(res));
    }

    const by = { actorType: 'user', actorId: admin.user.id, entityType: 'api_key', entityId: id };
    const res = await events(`entityType=api_key&entityId=${id}&sort=occurredAt`);
    expectPage(
      res,
      [
        event({
          ...by,
          action: 'api_key.created',
          requestId: serverId(created),
          clientRequestId: createId,
          metadata: { scopes: ['site', 'testimonials:read'] },
        }),
        // Revoking a revoked key changes nothing, so it records nothing.
        event({ ...by, action: 'api_key.revoked', requestId: revoked[0], clientRequestId: revokeId, metadata: {} }),
      ],
      meta(2),
    );
    expect(res.text).not.toContain(name);
    expect(res.text).not.toContain(secret.slice(4));
  });

  describe('sign-in', () => {
    let member: StaffMember;
    const attempts: Record<string, { requestId: string; clientRequestId: string; body: Record<string, unknown> }> = {};
    let deactivation: { requestId: string; clientRequestId: string };

    beforeAll(async () => {
      member = await createStaff(app(), 'frontdesk');
      const login = async (label: string, email: string, password: string) => {
        const rid = requestId(label);
        const res = await app().http().post(LOGIN).set('X-Request-Id', rid).send({ email, password });
        attempts[label] = { requestId: serverId(res), clientRequestId: rid, body: res.body };
        return res;
      };

      expect((await login('success', member.email, member.password)).status).toBe(200);
      expectProblem(await login('wrong-password', member.email, `${member.password}-nope`), BAD_LOGIN);
      expectProblem(await login('unknown-email', `nobody-${suffix()}@wellclinic.test`, member.password), BAD_LOGIN);
      const deactivateId = requestId('deactivate');
      const deactivated = await app()
        .http()
        .patch(`${USERS}/${member.user.id}`)
        .set(admin.auth)
        .set('X-Request-Id', deactivateId)
        .send({ active: false });
      expect(deactivated.status).toBe(200);
      deactivation = { requestId: serverId(deactivated), clientRequestId: deactivateId };
      expectProblem(await login('inactive', member.email, member.password), BAD_LOGIN);
    });

    it('answers a wrong password, an unknown email and a deactivated account with the same 401 body', () => {
      const bodies = ['wrong-password', 'unknown-email', 'inactive'].map((label) => {
        const { requestId: _rid, ...rest } = attempts[label].body;
        return rest;
      });
      expect(bodies[1]).toEqual(bodies[0]);
      expect(bodies[2]).toEqual(bodies[0]);
    });

    it('records success and failures against the account, with the reason', async () => {
      const res = await events(`entityType=user&entityId=${member.user.id}&sort=occurredAt`);
      const on = { entityType: 'user', entityId: member.user.id };
      const anonymous = { actorType: 'anonymous', actorId: null };
      const ids = (label: string) => ({
        requestId: attempts[label].requestId,
        clientRequestId: attempts[label].clientRequestId,
      });
      expectPage(
        res,
        [
          event({
            ...on,
            actorType: 'user',
            actorId: member.user.id,
            action: 'auth.login_succeeded',
            ...ids('success'),
            metadata: {},
          }),
          event({
            ...on,
            ...anonymous,
            action: 'auth.login_failed',
            ...ids('wrong-password'),
            metadata: { reason: 'wrong_password' },
          }),
          event({
            ...on,
            actorType: 'user',
            actorId: admin.user.id,
            action: 'user.deactivated',
            ...deactivation,
            metadata: { fields: ['active'] },
          }),
          event({
            ...on,
            ...anonymous,
            action: 'auth.login_failed',
            ...ids('inactive'),
            metadata: { reason: 'inactive' },
          }),
        ],
        meta(4),
      );
      expect(res.text).not.toContain(member.email);
      expect(res.text).not.toContain(member.password);
    });

    it('records a failure for an unknown email without an entity or the email', async () => {
      const res = await events('action=auth.login_failed&actorType=anonymous&entityType=user&pageSize=100');
      expect(res.status).toBe(200);
      const mine = (res.body.data as AuditEventJson[]).filter(
        (e) => e.requestId === attempts['unknown-email'].requestId,
      );
      expect(mine).toEqual([
        event({
          actorType: 'anonymous',
          actorId: null,
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: null,
          requestId: attempts['unknown-email'].requestId,
          clientRequestId: attempts['unknown-email'].clientRequestId,
          metadata: { reason: 'unknown_email' },
        }),
      ]);
      expect(res.text).not.toMatch(/nobody-/);
    });
  });

  describe('filters', () => {
    let actor: StaffMember;
    let userId: string;
    let keyId: string;
    /** The three events `actor` caused, oldest first. */
    let e: AuditEventJson[];

    beforeAll(async () => {
      actor = await createStaff(app(), 'admin');
      userId = (await createUser(app(), actor, { displayName: 'Filter Target', role: 'editor' })).id;
      expect((await app().http().patch(`${USERS}/${userId}`).set(actor.auth).send({ role: 'frontdesk' })).status).toBe(
        200,
      );
      keyId = (await createApiKey(app(), actor, { name: 'Filter key', scopes: ['site'] })).id;

      const res = await events(`actorId=${actor.user.id}&sort=occurredAt`);
      expect(res.status).toBe(200);
      e = res.body.data;
      expect(e.map((x) => [x.action, x.entityId])).toEqual([
        ['user.created', userId],
        ['user.updated', userId],
        ['api_key.created', keyId],
      ]);
    });

    it('actorId, newest first by default', async () => {
      expectPage(await events(`actorId=${actor.user.id}`), [e[2], e[1], e[0]], meta(3));
    });

    it('sort=occurredAt and sort=-occurredAt', async () => {
      expectPage(await events(`actorId=${actor.user.id}&sort=occurredAt`), [e[0], e[1], e[2]], meta(3));
      expectPage(await events(`actorId=${actor.user.id}&sort=-occurredAt`), [e[2], e[1], e[0]], meta(3));
    });

    it('actorType', async () => {
      expectPage(await events(`actorType=user&actorId=${actor.user.id}`), [e[2], e[1], e[0]], meta(3));
      expectPage(await events(`actorType=anonymous&actorId=${actor.user.id}`), [], meta(0));
      expectPage(await events(`actorType=api_key&actorId=${actor.user.id}`), [], meta(0));
    });

    it('action', async () => {
      expectPage(await events(`action=user.updated&actorId=${actor.user.id}`), [e[1]], meta(1));
      expectPage(await events(`action=user.deleted&actorId=${actor.user.id}`), [], meta(0));
    });

    it('entityType and entityId', async () => {
      expectPage(await events(`entityType=api_key&actorId=${actor.user.id}`), [e[2]], meta(1));
      expectPage(await events(`entityType=user&entityId=${userId}`), [e[1], e[0]], meta(2));
      expectPage(await events(`entityId=${keyId}`), [e[2]], meta(1));
      expectPage(await events(`entityType=api_key&entityId=${userId}`), [], meta(0));
    });

    it('from: events at or after the instant, in any time zone', async () => {
      expectPage(await events(`actorId=${actor.user.id}&from=${e[1].occurredAt}`), [e[2], e[1]], meta(2));

      const plusTwo = new Date(Date.parse(e[1].occurredAt) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      expectPage(await events(`actorId=${actor.user.id}&from=${encodeURIComponent(plusTwo)}`), [e[2], e[1]], meta(2));
    });

    it('to: events at or before the instant', async () => {
      const justAfterSecond = new Date(Date.parse(e[1].occurredAt) + 1).toISOString();
      expectPage(await events(`actorId=${actor.user.id}&to=${justAfterSecond}`), [e[1], e[0]], meta(2));
    });

    it('to: includes the event whose occurredAt is exactly the bound', async () => {
      expectPage(await events(`actorId=${actor.user.id}&to=${e[1].occurredAt}`), [e[1], e[0]], meta(2));
      expectPage(
        await events(`actorId=${actor.user.id}&from=${e[1].occurredAt}&to=${e[1].occurredAt}`),
        [e[1]],
        meta(1),
      );
    });

    it('from and to together; a window without events is an empty page', async () => {
      const end = new Date(Date.parse(e[2].occurredAt) + 1).toISOString();
      expectPage(
        await events(`actorId=${actor.user.id}&from=${e[0].occurredAt}&to=${end}`),
        [e[2], e[1], e[0]],
        meta(3),
      );
      expectPage(
        await events(`actorId=${actor.user.id}&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z`),
        [],
        meta(0),
      );
    });

    it('400 for a window that ends before it starts', async () => {
      const res = await events('from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z');
      expectProblem(
        res,
        { code: 'validation_failed', detail: '1 field is invalid', instance: BASE },
        { errors: [{ field: 'to', message: 'to must not be earlier than from' }] },
      );
    });

    it('pages', async () => {
      expectPage(await events(`actorId=${actor.user.id}&pageSize=2`), [e[2], e[1]], meta(3, 1, 2));
      expectPage(await events(`actorId=${actor.user.id}&pageSize=2&page=2`), [e[0]], meta(3, 2, 2));
    });

    it('treats injection strings in free-text filters as data', async () => {
      const action = encodeURIComponent("user.created' OR '1'='1");
      expectPage(await events(`action=${action}&actorId=${actor.user.id}`), [], meta(0));
      expectPage(await events(`entityType=${encodeURIComponent("user' --")}`), [], meta(0));
    });
  });

  it.each([
    ['actorType=robot', 'actorType', 'actorType must be one of: user, api_key, system, anonymous'],
    ['actorId=x', 'actorId', 'actorId must be a UUID'],
    [`entityId=${encodeURIComponent("1' OR '1'='1")}`, 'entityId', 'entityId must be a UUID'],
    ['from=yesterday', 'from', INSTANT('from')],
    ['from=2026-02-30T00:00:00Z', 'from', 'from must be a real date and time'],
    ['from=2026-12-24T17:00:00', 'from', INSTANT('from')],
    // An unencoded + arrives as a space.
    ['from=2026-12-24T17:00:00+02:00', 'from', INSTANT('from')],
    ['to=2026-12-24', 'to', INSTANT('to')],
    ['to=1766595600', 'to', INSTANT('to')],
    ['action=', 'action', 'action must be longer than or equal to 1 characters'],
    [`action=${'a'.repeat(65)}`, 'action', 'action must be shorter than or equal to 64 characters'],
    [`entityType=${'u'.repeat(65)}`, 'entityType', 'entityType must be shorter than or equal to 64 characters'],
    ['sort=-createdAt', 'sort', 'sort must be one of: -occurredAt, occurredAt'],
    ['pageSize=101', 'pageSize', 'pageSize must not be greater than 100'],
    ['robot=true', 'robot', 'property robot should not exist'],
  ])('400 for ?%s', async (query, field, message) => {
    expectProblem(
      await events(query),
      { code: 'validation_failed', detail: '1 field is invalid', instance: BASE },
      { errors: [{ field, message }] },
    );
  });

  describe('append-only', () => {
    let id: string;

    beforeAll(async () => {
      id = (await createApiKey(app(), admin, { name: 'Append-only witness', scopes: ['site'] })).id;
    });

    const snapshot = () =>
      app().app.get(DataSource).query<unknown[]>('SELECT * FROM audit_events WHERE entity_id = $1', [id]);

    /** Runs one statement in a transaction that is always rolled back, so a missing guard cannot wipe the log. */
    async function attempt(sql: string, params: unknown[] = []): Promise<void> {
      const runner = app().app.get(DataSource).createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query(sql, params);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    }

    it.each([
      ['UPDATE', `UPDATE audit_events SET action = 'tampered', metadata = '{}' WHERE entity_id = $1`],
      ['UPDATE of every row', `UPDATE audit_events SET request_id = NULL`],
      ['DELETE', 'DELETE FROM audit_events WHERE entity_id = $1'],
      ['DELETE of every row', 'DELETE FROM audit_events'],
      ['TRUNCATE', 'TRUNCATE audit_events'],
    ])('the database rejects %s', async (_label, sql) => {
      const before = await snapshot();
      expect(before).toHaveLength(1);

      await expect(attempt(sql, sql.includes('$1') ? [id] : [])).rejects.toThrow(/append-only/);
      await expect(attempt(sql, sql.includes('$1') ? [id] : [])).rejects.toMatchObject({
        driverError: expect.objectContaining({ code: '42501' }),
      });

      expect(await snapshot()).toEqual(before);
    });

    it.each([['post'], ['put'], ['patch'], ['delete']] as const)(
      'no %s route exists, on the collection or an event',
      async (method) => {
        const before = await snapshot();
        const eventId = (before[0] as { id: string }).id;
        for (const path of [BASE, `${BASE}/${eventId}`, `${BASE}/${randomUUID()}`]) {
          const res = await app().http()[method](path).set(admin.auth).send({ action: 'tampered' });
          expectProblem(res, {
            code: 'not_found',
            detail: `No route matches ${method.toUpperCase()} ${path}.`,
            instance: path,
          });
        }
        expect(await snapshot()).toEqual(before);
      },
    );

    it('no route reads one event by id either', async () => {
      const path = `${BASE}/${randomUUID()}`;
      expectProblem(await app().http().get(path).set(admin.auth), {
        code: 'not_found',
        detail: `No route matches GET ${path}.`,
        instance: path,
      });
    });
  });

  describe('access', () => {
    it('401 without a token, or with a garbage one', async () => {
      for (const headers of [
        {},
        { Authorization: 'Bearer not-a-token' },
        { Authorization: `Bearer ${admin.token}x` },
      ]) {
        const res = await app().http().get(BASE).set(headers);
        expectProblem(res, { code: 'unauthorized', detail: 'A valid bearer token is required.', instance: BASE });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it('401 for an API key, whatever its scopes', async () => {
      const key = await createApiKey(app(), admin, {
        name: 'Reader',
        scopes: ['testimonials:read', 'site'],
      });
      const res = await app().http().get(BASE).set('X-API-Key', key.secret);
      expectProblem(res, { code: 'unauthorized', detail: 'A valid bearer token is required.', instance: BASE });
    });

    it.each([['editor'], ['frontdesk']] as const)('403 for a %s', async (role) => {
      const member = await createStaff(app(), role);
      const res = await app().http().get(`${BASE}?actorId=${member.user.id}`).set(member.auth);
      expectProblem(res, { code: 'forbidden', detail: 'This requires one of the roles: admin.', instance: BASE });
    });
  });
});

describe('/api/v1/admin/audit-events: totals counted up to 10,000', () => {
  // A database of its own: the counts below are of every event in it.
  const app = useTestApp({ env: ENV, isolatedDatabase: true });
  let admin: StaffMember;
  const db = () => app().app.get(DataSource);
  const events = (query: string) => app().http().get(`${BASE}?${query}`).set(admin.auth);

  /** Instants of the bulk events: `n` seconds before this one (never the clock's: the order is the point). */
  const BASE_INSTANT = Date.parse('2026-03-01T12:00:00.000Z');
  const at = (n: number) => new Date(BASE_INSTANT - n * 1000).toISOString();
  /** Appends bulk events n = from..to (newest first by n), as a system job would record them, in one statement. */
  const append = (entityType: string, from: number, to: number) =>
    db().query(
      `INSERT INTO audit_events (occurred_at, actor_type, action, entity_type, metadata)
       SELECT $1::timestamptz - g * interval '1 second', 'system', $2, $3, jsonb_build_object('n', g)
       FROM generate_series($4::int, $5::int) AS g`,
      [new Date(BASE_INSTANT).toISOString(), `${entityType}.added`, entityType, from, to],
    );
  /** What the API lists for a bulk event, given its id and n. */
  const bulk = (entityType: string, id: string, n: number) => ({
    id,
    occurredAt: at(n),
    actorType: 'system',
    actorId: null,
    action: `${entityType}.added`,
    entityType,
    entityId: null,
    requestId: null,
    clientRequestId: null,
    traceId: null,
    metadata: { n },
  });
  /** The ids and n of the bulk events of `entityType`, in the list's order: newest first, ties in written order. */
  const stored = async (entityType: string, order: 'ASC' | 'DESC', limit: number, offset = 0) =>
    (
      await db().query<{ id: string; n: number }[]>(
        `SELECT id, (metadata->>'n')::int AS n FROM audit_events WHERE entity_type = $1
         ORDER BY occurred_at ${order}, sequence ${order} LIMIT $2 OFFSET $3`,
        [entityType, limit, offset],
      )
    ).map((row) => bulk(entityType, row.id, row.n));
  const countAll = async () =>
    Number((await db().query<{ n: string }[]>('SELECT count(*) AS n FROM audit_events'))[0].n);
  const exact = (total: number, page = 1, pageSize = 20) => meta(total, page, pageSize);
  const lowerBound = (page = 1, pageSize = 20) => ({ ...meta(TOTAL_CAP, page, pageSize), totalIsLowerBound: true });

  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
  });

  it('is exact below the cap, with or without filters', async () => {
    await append('tally', 1, 30);
    const all = await countAll();
    expect(all).toBeGreaterThanOrEqual(30);
    expect(all).toBeLessThan(TOTAL_CAP);
    expect((await events('pageSize=1')).body.meta).toEqual(exact(all, 1, 1));

    expectPage(await events('entityType=tally&pageSize=3'), await stored('tally', 'DESC', 3), exact(30, 1, 3));
    expectPage(
      await events('action=tally.added&actorType=system&page=10&pageSize=3'),
      await stored('tally', 'DESC', 3, 27),
      exact(30, 10, 3),
    );
    expectPage(
      await events(`entityType=tally&from=${at(12)}&to=${at(10)}`),
      await stored('tally', 'DESC', 3, 9),
      exact(3),
    );
  });

  it('is exact at the cap itself, and a lower bound from one more match on', async () => {
    await append('bulk', 1, TOTAL_CAP);
    const atCap = await events('entityType=bulk');
    expectPage(atCap, await stored('bulk', 'DESC', 20), exact(TOTAL_CAP));
    expect(atCap.body.meta).not.toHaveProperty('totalIsLowerBound');

    // The oldest yet: the one more past the cap.
    await append('bulk', TOTAL_CAP + 1, TOTAL_CAP + 1);
    const newest = await events('entityType=bulk');
    expect(newest.status).toBe(200);
    expect(newest.body).toEqual({ data: await stored('bulk', 'DESC', 20), meta: lowerBound() });
    const oldest = await events('entityType=bulk&sort=occurredAt&pageSize=100');
    expect(oldest.body).toEqual({ data: await stored('bulk', 'ASC', 100), meta: lowerBound(1, 100) });
    expect(oldest.body.data[0]).toEqual(bulk('bulk', oldest.body.data[0].id, TOTAL_CAP + 1));

    // Pages go on past totalPages: the lower bound's last page, then the one event beyond it.
    const last = await events(`entityType=bulk&page=${TOTAL_CAP / 20}`);
    expect(last.body).toEqual({
      data: await stored('bulk', 'DESC', 20, TOTAL_CAP - 20),
      meta: lowerBound(TOTAL_CAP / 20),
    });
    const beyond = await events(`entityType=bulk&page=${TOTAL_CAP / 20 + 1}`);
    expect(beyond.body).toEqual({
      data: [bulk('bulk', oldest.body.data[0].id, TOTAL_CAP + 1)],
      meta: lowerBound(TOTAL_CAP / 20 + 1),
    });
  });

  it('caps every filter that matches more, and the unfiltered list; narrower filters stay exact', async () => {
    for (const query of [
      '',
      'action=bulk.added',
      'actorType=system',
      `to=${at(1)}`,
      'entityType=bulk&from=2000-01-01T00:00:00Z',
    ]) {
      const res = await events(query);
      expect(res.status).toBe(200);
      expect(res.body.meta).toEqual(lowerBound());
    }
    expect((await events(`entityType=bulk&from=${at(TOTAL_CAP)}`)).body.meta).toEqual(exact(TOTAL_CAP));
    expect((await events(`action=bulk.added&to=${at(2)}`)).body.meta).toEqual(exact(TOTAL_CAP));
    expect((await events('entityType=tally')).body.meta).toEqual(exact(30));
  });

  it('keeps the order: newest (or oldest) first, events at the same instant in the order they were written', async () => {
    const instant = at(0.5);
    // Five events at one instant, as one transaction writes them: n = 1 first, n = 5 last.
    await db().query(
      `INSERT INTO audit_events (occurred_at, actor_type, action, entity_type, metadata)
       SELECT $1, 'system', 'tie.added', 'tie', jsonb_build_object('n', g) FROM generate_series(1, 5) AS g ORDER BY g`,
      [instant],
    );
    // A second before them, the newest tally and bulk events share an instant too.
    const before = (
      await db().query<{ id: string }[]>(`SELECT id FROM audit_events WHERE id = ANY($1) ORDER BY sequence DESC`, [
        [(await stored('tally', 'DESC', 1))[0].id, (await stored('bulk', 'DESC', 1))[0].id],
      ])
    ).map((row) => row.id);
    const listed = async (query: string) =>
      ((await events(query)).body as { data: AuditEventJson[] }).data.map((e) =>
        e.entityType === 'tie' ? e.metadata.n : e.id,
      );
    const window = `from=${at(1)}&to=${at(0)}`;
    expect(await listed(window)).toEqual([5, 4, 3, 2, 1, ...before]);
    expect(await listed(`${window}&sort=occurredAt`)).toEqual([...[...before].reverse(), 1, 2, 3, 4, 5]);
  });
});
