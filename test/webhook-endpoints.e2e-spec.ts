import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { WebhookEndpointDisabledListener } from '../src/notifications/endpoint-disabled.js';
import { OutboxDelivery } from '../src/notifications/outbox-delivery.entity.js';
import { OutboxRepository } from '../src/notifications/outbox.repository.js';
import { Outbox } from '../src/notifications/outbox.service.js';
import {
  EXPIRY_CHECK_INTERVAL_MS,
  NOT_SENT,
  SECRET_UNREADABLE,
  WebhookDispatcher,
} from '../src/notifications/webhook-dispatcher.service.js';
import { WebhookEndpoint } from '../src/notifications/webhook-endpoint.entity.js';
import { WEBHOOK_EVENTS } from '../src/notifications/webhook-events.js';
import { WebhookTargets } from '../src/notifications/webhook-targets.js';
import { createStaff, publishServices, type StaffMember, submitContactRequest } from './factories/index.js';
import {
  expectInvalid,
  expectJson,
  expectPage,
  expectProblem,
  pageMeta as meta,
  UUID,
} from './utils/expect-problem.js';
import { NO_BODY, unknownField } from './utils/field-errors.js';
import { createTestApp, logs, type TestApp } from './utils/test-app.js';
import { type Received, Receiver } from './utils/webhook-receiver.js';

const BASE = '/api/v1/admin/webhook-endpoints';
const START = '2026-11-03T09:00:00.000Z';
const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EVENT = 'contact_request.created';
const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{43}=$/;

type Json = Record<string, unknown>;

/** What a receiver using the `standardwebhooks` package does, with its clock at `at` (it checks the timestamp). */
function verify(secret: string, req: Received, at: Date): unknown {
  const now = jest.spyOn(Date, 'now').mockReturnValue(at.getTime());
  try {
    return new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
  } finally {
    now.mockRestore();
  }
}

function verifies(secret: string, req: Received, at: Date): boolean {
  try {
    verify(secret, req, at);
    return true;
  } catch {
    return false;
  }
}

/** An event as a feature announces it, in a transaction of its own. */
async function announce(t: TestApp, event = EVENT): Promise<Json> {
  const id = randomUUID();
  const payload = { event, id, createdAt: '2026-01-02T03:04:05.678Z' };
  await t.app.get(DataSource).transaction((m) => t.app.get(Outbox).enqueue(m, { event, entityId: id, payload }));
  return payload;
}

const runOnce = (t: TestApp) => t.app.get(WebhookDispatcher).runOnce();
const endpointRow = (t: TestApp, id: string) =>
  t.app.get(DataSource).getRepository(WebhookEndpoint).findOneByOrFail({ id });
const deliveryRow = (t: TestApp, id: string) =>
  t.app.get(DataSource).getRepository(OutboxDelivery).findOneByOrFail({ id });

// ---------------------------------------------------------------------------------------------------------

describe('webhook endpoints managed through the API', () => {
  const receiver = new Receiver();
  const clock = new ManualClock(new Date(START));
  let app: TestApp | undefined;
  const t = () => app!;
  let admin: StaffMember;
  let editor: StaffMember;
  let frontdesk: StaffMember;

  beforeAll(async () => {
    await receiver.start();
    app = await createTestApp({ clock, isolatedDatabase: true, env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
    [admin, editor, frontdesk] = await Promise.all(
      (['admin', 'editor', 'frontdesk'] as const).map((role) => createStaff(t(), role)),
    );
    await publishServices(t(), editor);
  });
  afterAll(async () => {
    await app?.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    clock.set(START);
    receiver.reset();
    logs.lines.length = 0;
    // Every test starts without endpoints (their deliveries go with them).
    await t().app.get(DataSource).query('DELETE FROM webhook_endpoints');
    await t().app.get(DataSource).query('DELETE FROM outbox_events');
  });

  const http = () => t().http();
  const create = async (body: Json = {}): Promise<Json & { id: string; secret: string }> => {
    const res = await http()
      .post(BASE)
      .set(admin.auth)
      .send({ url: `${receiver.origin}/hooks/a`, events: [EVENT], ...body });
    expect(res.status).toBe(201);
    return res.body as Json & { id: string; secret: string };
  };
  const deliveriesOf = async (id: string): Promise<Json[]> =>
    ((await http().get(`${BASE}/${id}/deliveries`).set(admin.auth)).body as { data: Json[] }).data;

  describe('create, read, update, delete', () => {
    it('creates an endpoint and shows its secret once; the secret is stored encrypted and audited without it', async () => {
      const url = `${receiver.origin}/hooks/crm?token=abc`;
      const res = await http()
        .post(BASE)
        .set(admin.auth)
        .send({ url, description: 'CRM', events: ['testimonial.approved', EVENT, 'article.published'] });
      const body = res.body as Json & { id: string; secret: string };
      expectJson(res, 201, {
        id: expect.stringMatching(UUID),
        url,
        description: 'CRM',
        events: ['article.published', EVENT, 'testimonial.approved'],
        active: true,
        source: 'api',
        failingSince: null,
        disabledAt: null,
        previousSecretExpiresAt: null,
        createdAt: START,
        updatedAt: START,
        secret: expect.stringMatching(SECRET_PATTERN),
      });
      expect(res.headers.location).toBe(`${BASE}/${body.id}`);

      const stored = await endpointRow(t(), body.id);
      expect(stored.secret).toMatch(/^v1\./);
      expect(JSON.stringify(stored)).not.toContain(body.secret.slice(6));

      const { secret: _secret, ...shown } = body;
      expectJson(await http().get(`${BASE}/${body.id}`).set(admin.auth), 200, shown);
      expectPage(await http().get(BASE).set(admin.auth), [shown], meta(1));

      const [event] = await t()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .findBy({ entityId: body.id, action: 'webhook_endpoint.created' });
      expect(event.metadata).toEqual({ events: body.events, active: true });
      const everything = JSON.stringify(await t().app.get(DataSource).query('SELECT * FROM audit_events'));
      expect(everything).not.toContain(body.secret.slice(6));
      expect(logs.text).not.toContain(body.secret.slice(6));
    });

    it('lists newest first and pages', async () => {
      const first = await create({ description: 'first' });
      clock.advance(SECOND);
      const second = await create({ description: 'second', events: ['*'] });
      const res = await http().get(`${BASE}?pageSize=1&page=2`).set(admin.auth);
      expect(res.body).toEqual({ data: [expect.objectContaining({ id: first.id })], meta: meta(2, 2, 1) });
      const page = await http().get(BASE).set(admin.auth);
      expect((page.body as { data: Json[] }).data.map((e) => [e.id, e.events])).toEqual([
        [second.id, ['*']],
        [first.id, [EVENT]],
      ]);
    });

    it('changes only the fields given, and `*` stands alone in a filter', async () => {
      const endpoint = await create();
      clock.advance(SECOND);
      const res = await http()
        .patch(`${BASE}/${endpoint.id}`)
        .set(admin.auth)
        .send({ events: ['hours.changed', '*'], description: null, active: false });
      const { secret: _secret, ...before } = endpoint;
      expectJson(res, 200, {
        ...before,
        events: ['*'],
        description: null,
        active: false,
        updatedAt: clock.now().toISOString(),
      });
      expectJson(await http().get(`${BASE}/${endpoint.id}`).set(admin.auth), 200, res.body);
    });

    it('deletes an endpoint with its deliveries', async () => {
      const endpoint = await create();
      await announce(t());
      await runOnce(t());
      const res = await http().delete(`${BASE}/${endpoint.id}`).set(admin.auth);
      expect(res.status).toBe(204);
      expect(await t().app.get(DataSource).getRepository(OutboxDelivery).countBy({ endpointId: endpoint.id })).toBe(0);
      const gone = `${BASE}/${endpoint.id}`;
      const detail = 'No webhook endpoint with this id.';
      expectProblem(await http().get(gone).set(admin.auth), { code: 'not_found', detail, instance: gone });
      expectProblem(await http().delete(gone).set(admin.auth), { code: 'not_found', detail, instance: gone });
    });

    it('404 for an unknown endpoint on every route that names one', async () => {
      const id = randomUUID();
      const detail = 'No webhook endpoint with this id.';
      const calls: [string, string][] = [
        ['get', `${BASE}/${id}`],
        ['patch', `${BASE}/${id}`],
        ['delete', `${BASE}/${id}`],
        ['post', `${BASE}/${id}/rotate-secret`],
        ['post', `${BASE}/${id}/ping`],
        ['get', `${BASE}/${id}/deliveries`],
        ['post', `${BASE}/${id}/deliveries/${randomUUID()}/redeliver`],
      ];
      for (const [method, path] of calls) {
        const req = http()[method as 'get'](path).set(admin.auth);
        const res = await (method === 'patch' ? req.send({ description: 'x' }) : req);
        expectProblem(res, { code: 'not_found', detail, instance: path });
      }
    });

    const valid = () => ({ url: `${receiver.origin}/hooks/a`, events: [EVENT] });
    it.each([
      ['no url', { url: undefined }, [{ field: 'url', message: 'url must be a string' }]],
      ['an empty url', { url: ' ' }, [{ field: 'url', message: 'url must be longer than or equal to 1 characters' }]],
      ['not a URL', { url: 'crm.example.com/hook' }, [{ field: 'url', message: 'url must be an absolute https URL' }]],
      ['ftp', { url: 'ftp://crm.example.com/hook' }, [{ field: 'url', message: 'url must be an http or https URL' }]],
      [
        'a url too long',
        { url: `https://crm.example.com/${'a'.repeat(2048)}` },
        [{ field: 'url', message: 'url must be shorter than or equal to 2048 characters' }],
      ],
      ['no events', { events: [] }, [{ field: 'events', message: 'events must contain at least 1 elements' }]],
      [
        'an unknown event',
        { events: [EVENT, 'article.exploded'] },
        [{ field: 'events', message: `events must be a list of: ${[...WEBHOOK_EVENTS, '*'].join(', ')}` }],
      ],
      ['events as a string', { events: EVENT }, [{ field: 'events', message: 'events must be an array' }]],
      [
        'an event twice',
        { events: [EVENT, EVENT] },
        [{ field: 'events', message: 'events must not list a value twice' }],
      ],
      [
        'a description too long',
        { description: 'd'.repeat(501) },
        [{ field: 'description', message: 'description must be shorter than or equal to 500 characters' }],
      ],
      ['active as a string', { active: 'yes' }, [{ field: 'active', message: 'active must be a boolean value' }]],
      ['an unknown field', { secret: 'whsec_mine' }, [unknownField('secret')]],
    ])('400 naming the field for %s', async (_label, change, errors) => {
      const res = await http()
        .post(BASE)
        .set(admin.auth)
        .send({ ...valid(), ...change });
      expectInvalid(res, BASE, errors);
      expect(await t().app.get(DataSource).getRepository(WebhookEndpoint).count()).toBe(0);
    });

    it('400 for bad updates, a bad page and a body on an action', async () => {
      const endpoint = await create();
      const path = `${BASE}/${endpoint.id}`;
      expectInvalid(await http().patch(path).set(admin.auth).send({ url: 'ftp://x.example' }), path, [
        { field: 'url', message: 'url must be an http or https URL' },
      ]);
      expectInvalid(
        await http()
          .patch(path)
          .set(admin.auth)
          .send({ events: ['nope'] }),
        path,
        [{ field: 'events', message: `events must be a list of: ${[...WEBHOOK_EVENTS, '*'].join(', ')}` }],
      );
      expectInvalid(await http().get(`${BASE}?pageSize=0`).set(admin.auth), BASE, [
        { field: 'pageSize', message: 'pageSize must not be less than 1' },
      ]);
      const deliveries = `${path}/deliveries`;
      expectInvalid(await http().get(`${deliveries}?status=lost`).set(admin.auth), deliveries, [
        { field: 'status', message: 'status must be one of: pending, delivered, failed' },
      ]);
      const rotate = `${path}/rotate-secret`;
      expectInvalid(await http().post(rotate).set(admin.auth).send({ secret: 'x' }), rotate, NO_BODY);
      expectInvalid(await http().get(`${BASE}/nope`).set(admin.auth), `${BASE}/nope`, [
        { field: 'id', message: 'id must be a UUID' },
      ]);
    });
  });

  describe('authorization', () => {
    const routes = (id: string, deliveryId: string): [string, string][] => [
      ['get', BASE],
      ['post', BASE],
      ['get', `${BASE}/${id}`],
      ['patch', `${BASE}/${id}`],
      ['delete', `${BASE}/${id}`],
      ['post', `${BASE}/${id}/rotate-secret`],
      ['post', `${BASE}/${id}/ping`],
      ['get', `${BASE}/${id}/deliveries`],
      ['post', `${BASE}/${id}/deliveries/${deliveryId}/redeliver`],
    ];

    it('401 without a valid token, 403 for editors and front desk, on every route', async () => {
      const endpoint = await create();
      for (const [method, path] of routes(endpoint.id, randomUUID())) {
        const call = () => http()[method as 'get'](path);
        expectProblem(await call(), {
          code: 'unauthorized',
          detail: 'A valid bearer token is required.',
          instance: path,
        });
        expectProblem(await call().set('Authorization', 'Bearer nope'), {
          code: 'unauthorized',
          detail: 'A valid bearer token is required.',
          instance: path,
        });
        for (const staff of [editor, frontdesk]) {
          expectProblem(await call().set(staff.auth), {
            code: 'forbidden',
            detail: 'This requires one of the roles: admin.',
            instance: path,
          });
        }
      }
      // Nothing happened.
      expect(receiver.requests).toHaveLength(0);
      const stored = await endpointRow(t(), endpoint.id);
      expect(stored).toMatchObject({ active: true, previousSecret: null });
    });
  });

  describe('deliveries', () => {
    it('delivers the events an endpoint subscribes to, signed per Standard Webhooks, to active endpoints only', async () => {
      const subscribed = await create({ url: `${receiver.origin}/hooks/subscribed` });
      const all = await create({ url: `${receiver.origin}/hooks/all`, events: ['*'] });
      await create({ url: `${receiver.origin}/hooks/other`, events: ['article.published'] });
      await create({ url: `${receiver.origin}/hooks/paused`, active: false });

      const payload = await announce(t());
      expect(await runOnce(t())).toEqual({ fannedOut: 1, claimed: 2, delivered: 2, retried: 0, failed: 0 });
      expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/hooks/all', '/hooks/subscribed']);

      for (const [endpoint, req] of [
        [subscribed, receiver.requests.find((r) => r.path === '/hooks/subscribed')!],
        [all, receiver.requests.find((r) => r.path === '/hooks/all')!],
      ] as const) {
        const [delivery] = await deliveriesOf(endpoint.id);
        expect(req.headers).toMatchObject({
          'content-type': 'application/json',
          'user-agent': 'WellClinic-Webhooks/1.0',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(Date.parse(START) / 1000),
          'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
        });
        // The old headers only go to endpoints made from NOTIFY_WEBHOOK_URLS.
        expect(req.headers).not.toHaveProperty('x-signature');
        expect(req.headers).not.toHaveProperty('x-delivery-id');
        expect(verify(endpoint.secret, req, clock.now())).toEqual(payload);
        // Another endpoint's secret, a changed body, a replay ten minutes later: refused.
        const other = endpoint === all ? subscribed : all;
        expect(verifies(other.secret, req, clock.now())).toBe(false);
        expect(verifies(endpoint.secret, { ...req, body: req.body.replace('created', 'deleted') }, clock.now())).toBe(
          false,
        );
        expect(verifies(endpoint.secret, req, new Date(clock.now().getTime() + 10 * 60 * SECOND))).toBe(false);
        expect(delivery).toEqual({
          id: expect.stringMatching(UUID),
          endpointId: endpoint.id,
          event: EVENT,
          entityId: payload.id,
          url: `${receiver.origin}${req.path}`,
          status: 'delivered',
          attempts: 1,
          lastStatus: 200,
          lastError: null,
          lastAttemptAt: START,
          lastDurationMs: expect.any(Number),
          nextAttemptAt: null,
          deliveredAt: START,
          giveUpAt: new Date(Date.parse(START) + DAY).toISOString(),
          createdAt: START,
          payload,
        });
        expect(delivery.lastDurationMs as number).toBeGreaterThanOrEqual(0);
      }
    });

    it('keeps a contact submission one statement that never reads the endpoints, however many there are', async () => {
      const endpoints = await Promise.all([create(), create({ events: ['*'] }), create({ events: ['hours.changed'] })]);
      const logQuery = jest.spyOn(t().app.get(DataSource).logger, 'logQuery');
      let statements: string[];
      try {
        await submitContactRequest(t());
        statements = logQuery.mock.calls.map(([sql]) => sql);
      } finally {
        logQuery.mockRestore();
      }
      expect(statements.filter((sql) => sql.includes('webhook_endpoints'))).toEqual([]);
      const writes = statements.filter((sql) => sql.includes('outbox'));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(/^WITH r0 AS \(INSERT INTO "idempotency_keys"|INSERT INTO "contact_requests"/);
      expect(writes[0]).toContain('INSERT INTO "outbox_events"');
      expect(await runOnce(t())).toMatchObject({ fannedOut: 1, claimed: 2, delivered: 2 });
      expect((await deliveriesOf(endpoints[2].id)).length).toBe(0);
    });

    it('lists an endpoint’s deliveries newest first, filtered by status and event', async () => {
      // Endpoints of earlier tests get the events too, concurrently: the failure is this endpoint's own.
      const endpoint = await create({ url: `${receiver.origin}/hooks/listed`, events: ['*'] });
      receiver.answerFor('/hooks/listed', 500);
      await announce(t());
      await runOnce(t());
      // Newer, but sooner than the shortest retry delay (1 s, with jitter): the failed delivery stays pending.
      clock.advance(100);
      await announce(t(), 'article.published');
      await runOnce(t());
      const list = (query: string) => http().get(`${BASE}/${endpoint.id}/deliveries${query}`).set(admin.auth);
      const all = (await list('')).body as { data: Json[]; meta: Json };
      expect(all.data.map((d) => [d.event, d.status, d.lastStatus, d.lastError])).toEqual([
        ['article.published', 'delivered', 200, null],
        [EVENT, 'pending', 500, 'HTTP 500'],
      ]);
      expect(all.meta).toEqual(meta(2));
      expectPage(await list('?status=pending'), [all.data[1]], meta(1));
      expectPage(await list('?event=article.published'), [all.data[0]], meta(1));
      expectPage(await list('?pageSize=1&page=2'), [all.data[1]], meta(2, 2, 1));
      // The old listing still shows every delivery.
      const old = await http().get('/api/v1/admin/notifications').set(admin.auth);
      expect((old.body as { data: Json[] }).data.map((d) => d.id)).toEqual(all.data.map((d) => d.id));
    });

    it('redelivers the same message: the same webhook-id and body, a new timestamp and signature', async () => {
      const endpoint = await create();
      const payload = await announce(t());
      await runOnce(t());
      const [delivery] = await deliveriesOf(endpoint.id);

      clock.advance(HOUR);
      const path = `${BASE}/${endpoint.id}/deliveries/${delivery.id as string}/redeliver`;
      const res = await http().post(path).set(admin.auth);
      expectJson(res, 202, {
        ...delivery,
        status: 'pending',
        nextAttemptAt: clock.now().toISOString(),
        deliveredAt: null,
        giveUpAt: new Date(clock.now().getTime() + DAY).toISOString(),
      });
      // Still pending: a second redelivery is refused.
      expectProblem(await http().post(path).set(admin.auth), {
        code: 'conflict',
        detail: 'The delivery is still pending: it is already being sent.',
        instance: path,
      });

      expect(await runOnce(t())).toMatchObject({ claimed: 1, delivered: 1 });
      const [first, again] = receiver.requests;
      expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(again.headers['webhook-id']).toBe(delivery.id);
      expect(again.body).toBe(first.body);
      expect(again.headers['webhook-timestamp']).toBe(String(clock.now().getTime() / 1000));
      expect(again.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
      expect(verify(endpoint.secret, again, clock.now())).toEqual(payload);
      expect(await deliveryRow(t(), delivery.id as string)).toMatchObject({ status: 'delivered', attempts: 2 });

      const unknown = `${BASE}/${endpoint.id}/deliveries/${randomUUID()}/redeliver`;
      expectProblem(await http().post(unknown).set(admin.auth), {
        code: 'not_found',
        detail: 'This endpoint has no delivery with this id.',
        instance: unknown,
      });
      // Another endpoint's delivery is not this endpoint's.
      const other = await create();
      const foreign = `${BASE}/${other.id}/deliveries/${delivery.id as string}/redeliver`;
      expectProblem(await http().post(foreign).set(admin.auth), {
        code: 'not_found',
        detail: 'This endpoint has no delivery with this id.',
        instance: foreign,
      });
    });

    it('pings one endpoint only, whatever its filter; an inactive endpoint cannot be pinged', async () => {
      const endpoint = await create({ events: ['hours.changed'] });
      const other = await create({ events: ['*'] });
      const res = await http().post(`${BASE}/${endpoint.id}/ping`).set(admin.auth);
      const delivery = res.body as Json;
      expectJson(res, 202, {
        id: expect.stringMatching(UUID),
        endpointId: endpoint.id,
        event: 'ping',
        entityId: null,
        url: `${receiver.origin}/hooks/a`,
        status: 'pending',
        attempts: 0,
        lastStatus: null,
        lastError: null,
        lastAttemptAt: null,
        lastDurationMs: null,
        nextAttemptAt: START,
        deliveredAt: null,
        giveUpAt: new Date(Date.parse(START) + DAY).toISOString(),
        createdAt: START,
        payload: { event: 'ping', endpointId: endpoint.id, createdAt: START },
      });
      expect(await runOnce(t())).toMatchObject({ claimed: 1, delivered: 1 });
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0].headers['webhook-id']).toBe(delivery.id);
      expect(verify(endpoint.secret, receiver.requests[0], clock.now())).toEqual({
        event: 'ping',
        endpointId: endpoint.id,
        createdAt: START,
      });
      expect(await deliveriesOf(other.id)).toEqual([]);

      await http().patch(`${BASE}/${other.id}`).set(admin.auth).send({ active: false });
      const path = `${BASE}/${other.id}/ping`;
      expectProblem(await http().post(path).set(admin.auth), {
        code: 'conflict',
        detail: 'The endpoint is inactive: set active to true first.',
        instance: path,
      });
    });
  });

  describe('an endpoint whose secret cannot be decrypted', () => {
    it('sends nothing unsigned: each attempt fails as SECRET_UNREADABLE, and other endpoints are served', async () => {
      const broken = await create();
      const working = await create({ url: `${receiver.origin}/hooks/b` });
      // What a data key missing from the configuration leaves: a ciphertext no configured key opens.
      const other = await endpointRow(t(), working.id);
      await t().app.get(DataSource).getRepository(WebhookEndpoint).update(broken.id, { secret: other.secret });
      await announce(t());
      await announce(t());
      expect(await runOnce(t())).toMatchObject({ claimed: 4, delivered: 2, retried: 2 });
      expect(receiver.requests.map((r) => r.path)).toEqual(['/hooks/b', '/hooks/b']);
      expect((await deliveriesOf(broken.id)).map((d) => [d.status, d.attempts, d.lastError])).toEqual([
        ['pending', 1, SECRET_UNREADABLE],
        ['pending', 1, SECRET_UNREADABLE],
      ]);
    });
  });

  describe('secret rotation', () => {
    it('signs with the old and the new secret for 24 hours, then with the new one only', async () => {
      const endpoint = await create();
      const rotatedAt = clock.now();
      const path = `${BASE}/${endpoint.id}/rotate-secret`;
      const res = await http().post(path).set(admin.auth);
      const rotated = res.body as Json & { secret: string };
      const { secret: _old, ...shown } = endpoint;
      expectJson(res, 200, {
        ...shown,
        previousSecretExpiresAt: new Date(rotatedAt.getTime() + DAY).toISOString(),
        secret: expect.stringMatching(SECRET_PATTERN),
      });
      expect(rotated.secret).not.toBe(endpoint.secret);

      // During the overlap: two signatures; a receiver with either secret verifies.
      clock.advance(DAY - SECOND);
      await announce(t());
      await runOnce(t());
      const during = receiver.requests[0];
      expect((during.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
      expect(verifies(endpoint.secret, during, clock.now())).toBe(true);
      expect(verifies(rotated.secret, during, clock.now())).toBe(true);

      // After it: only the new secret signs.
      clock.advance(SECOND);
      await announce(t());
      await runOnce(t());
      const after = receiver.requests[1];
      expect((after.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
      expect(verifies(rotated.secret, after, clock.now())).toBe(true);
      expect(verifies(endpoint.secret, after, clock.now())).toBe(false);

      const [event] = await t()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .findBy({ entityId: endpoint.id, action: 'webhook_endpoint.secret_rotated' });
      expect(event.metadata).toEqual({ previousSecretExpiresAt: new Date(rotatedAt.getTime() + DAY).toISOString() });
      for (const secret of [endpoint.secret, rotated.secret]) expect(logs.text).not.toContain(secret.slice(6));
    });
  });

  describe('an endpoint failing for 3 days', () => {
    it('is disabled, audited and announced to the listener; re-enabling it clears the failures', async () => {
      const listener = t().app.get(WebhookEndpointDisabledListener);
      const told = jest.spyOn(listener, 'endpointDisabled');
      try {
        const endpoint = await create({ events: ['*'] });
        const failingFrom = clock.now();
        receiver.fallback = 503;
        await announce(t());
        await runOnce(t());
        expect(await endpointRow(t(), endpoint.id)).toMatchObject({ active: true, failingSince: failingFrom });

        // A success in between would start the count again; none comes. A millisecond short of 3 days: still on.
        clock.set(new Date(failingFrom.getTime() + 3 * DAY - 1));
        await announce(t());
        await runOnce(t());
        expect(await endpointRow(t(), endpoint.id)).toMatchObject({ active: true, failingSince: failingFrom });
        expect(told).not.toHaveBeenCalled();

        clock.advance(1);
        await announce(t());
        await runOnce(t());
        const disabledAt = clock.now();
        const shown = (await http().get(`${BASE}/${endpoint.id}`).set(admin.auth)).body as Json;
        expect(shown).toMatchObject({
          active: false,
          failingSince: failingFrom.toISOString(),
          disabledAt: disabledAt.toISOString(),
        });
        expect(told).toHaveBeenCalledTimes(1);
        expect(told).toHaveBeenCalledWith(expect.anything(), {
          endpointId: endpoint.id,
          description: null,
          url: `${receiver.origin}/hooks/a`,
          failingSince: failingFrom,
          disabledAt,
        });
        const events = await t()
          .app.get(DataSource)
          .getRepository(AuditEvent)
          .findBy({ entityId: endpoint.id, action: 'webhook_endpoint.disabled' });
        expect(events.map((e) => [e.actorType, e.metadata])).toEqual([
          ['system', { reason: 'failing', failingSince: failingFrom.toISOString() }],
        ]);
        expect(logs.json().map((l) => l.msg)).toContain(
          `Webhook endpoint ${endpoint.id} (${receiver.origin}) disabled: every attempt failed since ${failingFrom.toISOString()}`,
        );

        // Disabled: new events make no deliveries for it, and its pending ones wait.
        const sent = receiver.requests.length;
        await announce(t());
        clock.advance(2 * HOUR);
        expect(await runOnce(t())).toMatchObject({ fannedOut: 1, claimed: 0 });
        expect(receiver.requests).toHaveLength(sent);

        receiver.fallback = 200;
        const res = await http().patch(`${BASE}/${endpoint.id}`).set(admin.auth).send({ active: true });
        expect(res.body).toMatchObject({ active: true, failingSince: null, disabledAt: null });
        expect((await runOnce(t())).delivered).toBeGreaterThan(0);
        expect(told).toHaveBeenCalledTimes(1);
      } finally {
        told.mockRestore();
        receiver.fallback = 200;
      }
    });
  });

  describe('an inactive endpoint', () => {
    it('has its pending deliveries failed when their retry window ends: out of the backlog, never sent stale', async () => {
      const outbox = t().app.get(OutboxRepository);
      const endpoint = await create({ events: ['*'] });
      receiver.fallback = 503;
      try {
        await announce(t());
        expect(await runOnce(t())).toMatchObject({ fannedOut: 1, claimed: 1, retried: 1 });
        // A second one is fanned out but never attempted before the endpoint is switched off.
        clock.advance(HOUR);
        await announce(t(), 'article.published');
        expect(await outbox.fanOut(10)).toEqual({ events: 1, deliveries: 1 });
        expect(await outbox.backlog(clock.now())).toEqual({ pending: 2, failed: 0, oldestPendingSeconds: 3600 });

        await http().patch(`${BASE}/${endpoint.id}`).set(admin.auth).send({ active: false }).expect(200);
        // Waiting on an admin is not the dispatcher's backlog.
        expect(await outbox.backlog(clock.now())).toEqual({ pending: 0, failed: 0, oldestPendingSeconds: 0 });

        const firstGivesUpAt = new Date(Date.parse(START) + DAY);
        clock.set(firstGivesUpAt);
        expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 0, delivered: 0, retried: 0, failed: 0 });
        const listed = async () =>
          (await deliveriesOf(endpoint.id)).map((d) => [d.event, d.status, d.attempts, d.lastError]);
        expect(await listed()).toEqual([
          ['article.published', 'pending', 0, null],
          [EVENT, 'pending', 1, 'HTTP 503'],
        ]);

        // Past its giveUpAt: failed at the next look for expired ones, keeping the last attempt's error.
        clock.set(new Date(firstGivesUpAt.getTime() + EXPIRY_CHECK_INTERVAL_MS / 2));
        await runOnce(t());
        expect((await listed())[1]).toEqual([EVENT, 'pending', 1, 'HTTP 503']);
        clock.set(new Date(firstGivesUpAt.getTime() + EXPIRY_CHECK_INTERVAL_MS));
        logs.lines.length = 0;
        await runOnce(t());
        expect(await listed()).toEqual([
          ['article.published', 'pending', 0, null],
          [EVENT, 'failed', 1, 'HTTP 503'],
        ]);
        clock.advance(HOUR);
        await runOnce(t());
        expect(await listed()).toEqual([
          ['article.published', 'failed', 0, NOT_SENT],
          [EVENT, 'failed', 1, 'HTTP 503'],
        ]);
        const notifications = logs.json().filter((l) => l.context === 'Notifications');
        expect(notifications.map((l) => [l.level, l.msg])).toEqual([
          ['warn', 'Webhook deliveries: 1 past their retry window without success failed'],
          ['warn', 'Webhook deliveries: 1 past their retry window without success failed'],
        ]);
        expect(await outbox.backlog(clock.now())).toEqual({ pending: 0, failed: 2, oldestPendingSeconds: 0 });

        // Re-enabled: nothing stale goes out.
        receiver.fallback = 200;
        await http().patch(`${BASE}/${endpoint.id}`).set(admin.auth).send({ active: true }).expect(200);
        expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 0, delivered: 0, retried: 0, failed: 0 });
        expect(receiver.requests).toHaveLength(1);
      } finally {
        receiver.fallback = 200;
      }
    });

    it("never sends an active endpoint's delivery past its retry window, between two looks for expired ones", async () => {
      const endpoint = await create();
      await announce(t());
      await t().app.get(OutboxRepository).fanOut(10);
      const deliveries = t().app.get(DataSource).getRepository(OutboxDelivery);
      const [delivery] = await deliveries.findBy({ endpointId: endpoint.id });
      await runOnce(t()); // delivered: the run looked for expired ones at START
      await announce(t());
      await t().app.get(OutboxRepository).fanOut(10);
      const [late] = (await deliveries.findBy({ endpointId: endpoint.id })).filter((d) => d.id !== delivery.id);
      await deliveries.update(late.id, { giveUpAt: new Date(Date.parse(START) + SECOND) });
      receiver.reset();
      clock.set(new Date(Date.parse(START) + EXPIRY_CHECK_INTERVAL_MS / 2));
      expect(await runOnce(t())).toMatchObject({ claimed: 0 });
      expect(receiver.requests).toHaveLength(0);
      expect(await deliveryRow(t(), late.id)).toMatchObject({ status: 'pending', attempts: 0 });
    });

    it('leaves a delivery whose attempt still holds its lease to that attempt', async () => {
      const endpoint = await create({ events: ['*'] });
      await announce(t());
      await t().app.get(OutboxRepository).fanOut(10);
      const deliveries = t().app.get(DataSource).getRepository(OutboxDelivery);
      const [delivery] = await deliveries.findBy({ endpointId: endpoint.id });
      const giveUpAt = delivery.giveUpAt.getTime();
      // What a claim leaves while its attempt is in flight.
      await deliveries.update(delivery.id, { attempts: 1, lockedUntil: new Date(giveUpAt + HOUR) });
      await http().patch(`${BASE}/${endpoint.id}`).set(admin.auth).send({ active: false }).expect(200);

      clock.set(new Date(giveUpAt + 1));
      await runOnce(t());
      expect(await deliveryRow(t(), delivery.id)).toMatchObject({ status: 'pending' });
      clock.set(new Date(giveUpAt + HOUR));
      await runOnce(t());
      expect(await deliveryRow(t(), delivery.id)).toMatchObject({
        status: 'failed',
        lastError: NOT_SENT,
        lockedUntil: null,
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('webhook targets (server-side request forgery)', () => {
  const receiver = new Receiver();
  const clock = new ManualClock(new Date(START));
  let app: TestApp | undefined;
  const t = () => app!;
  let admin: StaffMember;
  const PUBLIC_ADDRESS = { address: '93.184.215.14', family: 4 };

  beforeAll(async () => {
    await receiver.start();
    app = await createTestApp({ clock, isolatedDatabase: true, env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' } });
    admin = await createStaff(t(), 'admin');
  });
  afterAll(async () => {
    await app?.close();
    await receiver.stop();
  });
  afterEach(() => jest.restoreAllMocks());

  const createWith = (url: string) =>
    t()
      .http()
      .post(BASE)
      .set(admin.auth)
      .send({ url, events: ['*'] });

  it.each([
    ['plain http', 'http://crm.example.com/hook', 'url must be an https URL'],
    ['loopback', 'https://127.0.0.1/hook', 'loopback'],
    ['IPv6 loopback', 'https://[::1]/hook', 'loopback'],
    ['an IPv4 loopback in another notation', 'https://0x7f.1/hook', 'loopback'],
    ['RFC 1918', 'https://10.1.2.3/hook', 'private'],
    ['RFC 1918 (192.168)', 'https://192.168.0.10/hook', 'private'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data', 'linkLocal'],
    ['EC2 IPv6 metadata', 'https://[fd00:ec2::254]/latest', 'uniqueLocal'],
    ['carrier-grade NAT', 'https://100.64.0.1/hook', 'carrierGradeNat'],
    ['unspecified', 'https://0.0.0.0/hook', 'unspecified'],
    ['multicast', 'https://224.0.0.1/hook', 'multicast'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['IPv4-compatible IPv6 loopback', 'https://[::7f00:1]/hook', 'notGlobalUnicast'],
    ['IPv4-compatible IPv6, dotted', 'https://[::127.0.0.1]/hook', 'notGlobalUnicast'],
    ['IPv6 outside global unicast', 'https://[4000::1]/hook', 'notGlobalUnicast'],
    ['a name resolving to loopback', 'https://localhost/hook', 'loopback'],
  ])('refuses %s at creation: 400 naming url', async (_label, url, reason) => {
    const res = await createWith(url);
    const message = reason.startsWith('url ')
      ? reason
      : `url must not point to a loopback, private, link-local or other internal address (${reason})`;
    expectInvalid(res, BASE, [{ field: 'url', message }]);
  });

  it('refuses a name that resolves to an internal address when connecting, even if it resolved to a public one before (DNS rebinding)', async () => {
    const targets = t().app.get(WebhookTargets);
    // The first answer (at creation) is public, every later one (at connection) loopback.
    const resolve = jest
      .spyOn(targets, 'resolve')
      .mockResolvedValueOnce([PUBLIC_ADDRESS])
      .mockResolvedValue([{ address: '127.0.0.1', family: 4 }]);
    const port = new URL(receiver.origin).port;
    const created = await createWith(`https://rebinding.example:${port}/hook`);
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };

    await announce(t());
    expect(await runOnce(t())).toMatchObject({ claimed: 1, delivered: 0, retried: 1 });
    expect(receiver.requests).toHaveLength(0);
    const [delivery] = await t().app.get(DataSource).getRepository(OutboxDelivery).findBy({ endpointId: id });
    expect(delivery).toMatchObject({ status: 'pending', lastStatus: null, lastError: 'REFUSED_ADDRESS' });
    expect(resolve).toHaveBeenCalledTimes(2);
    expect(resolve).toHaveBeenNthCalledWith(2, 'rebinding.example');
  });

  it('refuses localhost when connecting (the real resolver), whatever it said when the endpoint was saved', async () => {
    jest.spyOn(t().app.get(WebhookTargets), 'resolve').mockResolvedValueOnce([PUBLIC_ADDRESS]);
    const port = new URL(receiver.origin).port;
    const created = await createWith(`https://localhost:${port}/hook`);
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    await t().app.get(DataSource).query('DELETE FROM outbox_events');
    await t().http().post(`${BASE}/${id}/ping`).set(admin.auth).expect(202);
    await runOnce(t());
    expect(receiver.requests).toHaveLength(0);
    const [delivery] = await t().app.get(DataSource).getRepository(OutboxDelivery).findBy({ endpointId: id });
    expect(delivery).toMatchObject({ status: 'pending', lastError: 'REFUSED_ADDRESS' });
  });

  it('refuses a name resolving to both a public and an internal address', async () => {
    jest
      .spyOn(t().app.get(WebhookTargets), 'resolve')
      .mockResolvedValue([PUBLIC_ADDRESS, { address: '10.0.0.5', family: 4 }]);
    expectInvalid(await createWith('https://split.example/hook'), BASE, [
      {
        field: 'url',
        message: 'url must not point to a loopback, private, link-local or other internal address (private)',
      },
    ]);
  });

  it('accepts a public address', async () => {
    const res = await createWith('https://93.184.215.14/hook');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ url: 'https://93.184.215.14/hook', active: true });
  });
});
