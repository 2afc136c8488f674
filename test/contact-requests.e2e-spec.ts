import { CronExpression, SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { DataCipher } from '../src/common/crypto/data-cipher.js';
import { reencryptContactData } from '../src/contact-requests/reencrypt.js';
import { MaintenanceService } from '../src/maintenance/maintenance.service.js';
import { demoContactRequestsSeeder } from '../src/contact-requests/demo-contact-requests.seeder.js';
import { AppConfig } from '../src/config/app-config.js';
import { runSeeders } from '../src/database/seeding/seed-runner.js';
import { type DeliveryStatus, OutboxDelivery } from '../src/notifications/outbox-delivery.entity.js';
import { WebhookDispatcher } from '../src/notifications/webhook-dispatcher.service.js';
import { verifyWebhookSignature } from '../src/notifications/webhook-signature.js';
import { expectInvalid, expectJson, expectNoContent, expectProblem, ISO, UUID } from './utils/expect-problem.js';
import {
  createSchedule,
  createStaff,
  PERSON,
  publishServices,
  type StaffMember,
  submitContactRequest,
} from './factories/index.js';
import { createScratchDatabase } from './setup/test-database.js';
import { TEST_DATA_ENCRYPTION_KEY, useTestApp, withTestApp } from './utils/test-app.js';
import { Receiver } from './utils/webhook-receiver.js';

const PUBLIC = '/api/v1/contact-requests';
const ADMIN = '/api/v1/admin/contact-requests';
const HOURS = '/api/v1/admin/hours';
const CRISIS =
  'If you are in crisis or thinking about harming yourself, do not wait for our reply: call or text 988 (Suicide & Crisis Lifeline, US), or call 911.';
const REFERENCE = /^CR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/;

/** New York is UTC-5 in late November 2026; 2026-11-23 is a Monday and 2026-11-26 (Thanksgiving) a holiday. */
const NY = (local: string) => new Date(`${local}-05:00`);

/** Every personal value a request carries, as sent and as normalized. */
const PERSONAL = [
  'Robin',
  'Achterberg',
  '555-2671',
  '5552671',
  '4155552671',
  'robin.a@',
  'Robin.A@',
  'anxious at night',
];

type Json = Record<string, unknown>;

describe('contact requests', () => {
  const clock = new ManualClock(NY('2026-11-23T12:00'));
  const app = useTestApp({
    isolatedDatabase: true,
    clock,
    env: {
      RATE_LIMIT_SUBMISSION_LIMIT: '10000',
      // Idempotency keys are scoped to the client's address: tests vary it with X-Forwarded-For.
      TRUST_PROXY: 'true',
      NOTIFY_WEBHOOK_URLS: 'http://127.0.0.1:9/hook',
      NOTIFY_WEBHOOK_SECRET: 'test-webhook-secret-123',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    },
  });
  let frontdesk: StaffMember;
  let admin: StaffMember;
  let editor: StaffMember;

  beforeAll(async () => {
    frontdesk = await createStaff(app(), 'frontdesk');
    admin = await createStaff(app(), 'admin');
    editor = await createStaff(app(), 'editor');
    await publishServices(app(), editor);
    await createSchedule(app(), frontdesk, 'text-line');
    const holiday = await app()
      .http()
      .post(`${HOURS}/text-line/exceptions`)
      .set(frontdesk.auth)
      .send({ startDate: '2026-11-26', closed: true, label: 'Thanksgiving' });
    expect(holiday.status).toBe(201);
  });

  const http = () => app().http();
  const db = () => app().app.get(DataSource);
  const submit = (body: Json = PERSON, headers: Record<string, string> = {}) =>
    http().post(PUBLIC).set(headers).send(body);
  const idOf = async (reference: string) =>
    (await db().query<{ id: string }[]>('SELECT id FROM contact_requests WHERE reference = $1', [reference]))[0]?.id;
  const received = async (body: Json = PERSON) => {
    const { reference } = await submitContactRequest(app(), body);
    return { reference, id: await idOf(reference) };
  };
  const auditActions = async (id: string) =>
    (
      await db()
        .getRepository(AuditEvent)
        .find({ where: { entityId: id }, order: { occurredAt: 'ASC', id: 'ASC' } })
    ).map((e) => [e.action, e.actorType, e.actorId]);

  describe('submission', () => {
    it('answers 201 with a reference, the reply time from the text line hours, and the crisis notice', async () => {
      const res = await submit();
      expectJson(res, 201, {
        reference: expect.stringMatching(REFERENCE),
        status: 'received',
        expectedReplyBy: NY('2026-11-23T13:00').toISOString(),
        expectedReplyText: "We'll text you back by 1:00 PM EST today.",
        crisisNotice: CRISIS,
      });
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain('Robin');
    });

    it.each([
      [
        'a weekday at 08:59 (before opening)',
        '2026-11-23T08:59',
        '2026-11-23T10:00',
        "We'll text you back by 10:00 AM EST today.",
      ],
      ['a weekday at 12:00', '2026-11-23T12:00', '2026-11-23T13:00', "We'll text you back by 1:00 PM EST today."],
      [
        'a weekday at 20:30 (clipped to closing)',
        '2026-11-23T20:30',
        '2026-11-23T21:00',
        "We'll text you back by 9:00 PM EST today.",
      ],
      [
        'a weekday at 21:05 (after closing)',
        '2026-11-23T21:05',
        '2026-11-24T10:00',
        "We'll text you back by 10:00 AM EST tomorrow.",
      ],
      ['a Saturday', '2026-11-28T12:00', '2026-11-30T10:00', "We'll text you back by Monday 10:00 AM EST."],
      ['a holiday', '2026-11-26T12:00', '2026-11-27T10:00', "We'll text you back by 10:00 AM EST tomorrow."],
    ])('promises a reply on %s', async (_case, now, by, text) => {
      clock.set(NY(now));
      const res = await submit();
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ expectedReplyBy: NY(by).toISOString(), expectedReplyText: text });
      clock.set(NY('2026-11-23T12:00'));
    });

    it('words the promise for the chosen channel', async () => {
      const call = await submit({ ...PERSON, preferredChannel: 'call', consentToText: false });
      expect(call.body).toMatchObject({ expectedReplyText: "We'll call you back by 1:00 PM EST today." });
      const email = await submit({
        name: 'Kim',
        email: 'kim@example.org',
        preferredChannel: 'email',
        consentToContact: true,
      });
      expect(email.body).toMatchObject({ expectedReplyText: "We'll email you back by 1:00 PM EST today." });
    });

    it('gives every request its own reference', async () => {
      const references = new Set<string>();
      for (let i = 0; i < 20; i++) references.add(((await submit()).body as { reference: string }).reference);
      expect(references.size).toBe(20);
    });

    it('has no public way to read a request back', async () => {
      const { reference, id } = await received();
      for (const path of [`${PUBLIC}/${id}`, `${PUBLIC}/${reference}`, PUBLIC]) {
        const res = await http().get(path);
        expect(res.status).toBe(404);
        expect(res.text).not.toContain('Robin');
      }
    });
  });

  describe('idempotency', () => {
    it('replays the first answer for the same key and body, with Idempotent-Replayed, and creates nothing new', async () => {
      const key = 'retry-key-0001';
      const first = await submit(PERSON, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      const again = await submit({ ...PERSON }, { 'Idempotency-Key': key });
      expectJson(again, 201, first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const rows = await db().query<Json[]>('SELECT count(*)::int AS n FROM contact_requests WHERE reference = $1', [
        (first.body as { reference: string }).reference,
      ]);
      expect(rows[0].n).toBe(1);
    });

    it('refuses the same key with a different body (422)', async () => {
      const key = 'retry-key-0002';
      expect((await submit(PERSON, { 'Idempotency-Key': key })).status).toBe(201);
      expectProblem(await submit({ ...PERSON, message: 'Something else' }, { 'Idempotency-Key': key }), {
        code: 'unprocessable_entity',
        detail: 'This Idempotency-Key was already used with a different request body.',
        instance: PUBLIC,
      });
    });

    it('forgets a key after 24 hours', async () => {
      const key = 'retry-key-0003';
      const first = await submit(PERSON, { 'Idempotency-Key': key });
      clock.advance(24 * 60 * 60 * 1000);
      const later = await submit(PERSON, { 'Idempotency-Key': key });
      expect(later.status).toBe(201);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect((later.body as Json).reference).not.toBe((first.body as Json).reference);
      clock.set(NY('2026-11-23T12:00'));
    });

    it("scopes a key to its client: the same key from another address is a new key, never the other's answer", async () => {
      const key = 'shared-key-0005';
      const fromA = (body: Json) => submit(body, { 'Idempotency-Key': key, 'X-Forwarded-For': '203.0.113.10' });
      const fromB = (body: Json) => submit(body, { 'Idempotency-Key': key, 'X-Forwarded-For': '198.51.100.20' });
      const first = await fromA(PERSON);
      expect(first.status).toBe(201);

      // Same key and body from B: created anew, not a replay of A's receipt.
      const other = await fromB(PERSON);
      expectJson(other, 201, { ...first.body, reference: expect.stringMatching(REFERENCE) });
      expect(other.headers['idempotent-replayed']).toBeUndefined();
      expect(other.body.reference).not.toBe(first.body.reference);
      // Same key, another body from B: its own key again (a replay of B's first), not A's 422.
      const otherBody = await fromB({ ...PERSON, message: 'Something else entirely' });
      expectProblem(otherBody, {
        code: 'unprocessable_entity',
        detail: 'This Idempotency-Key was already used with a different request body.',
        instance: PUBLIC,
      });
      const thirdClient = await submit(
        { ...PERSON, message: 'A third body' },
        { 'Idempotency-Key': key, 'X-Forwarded-For': '192.0.2.30' },
      );
      expect(thirdClient.status).toBe(201);
      expect(thirdClient.headers['idempotent-replayed']).toBeUndefined();

      // A's retry still gets A's answer.
      const retry = await fromA(PERSON);
      expectJson(retry, 201, first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      // Stored as a keyed hash of (client, key): neither the key nor the address is kept.
      const dump = JSON.stringify(await db().query('SELECT * FROM idempotency_keys'));
      for (const kept of [key, '203.0.113.10', '198.51.100.20']) expect(dump).not.toContain(kept);
    });

    it('creates one request when several requests with one key race', async () => {
      const key = 'race-key-0004';
      const results = await Promise.all(Array.from({ length: 6 }, () => submit(PERSON, { 'Idempotency-Key': key })));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      const references = new Set(results.map((r) => (r.body as { reference: string }).reference));
      expect(references.size).toBe(1);
      expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(5);
      const [reference] = [...references];
      const id = await idOf(reference);
      expect(id).toMatch(UUID);
      const outbox = await db().query<Json[]>('SELECT count(*)::int AS n FROM outbox_events WHERE entity_id = $1', [
        id,
      ]);
      expect(outbox[0].n).toBe(1);
    });
  });

  describe('spam', () => {
    it('answers a filled honeypot like any request, stores it as spam, and notifies no one', async () => {
      const res = await submit({ ...PERSON, website: 'http://spam.example' });
      expectJson(res, 201, {
        reference: expect.stringMatching(REFERENCE),
        status: 'received',
        expectedReplyBy: expect.stringMatching(ISO),
        expectedReplyText: expect.any(String),
        crisisNotice: CRISIS,
      });
      const id = await idOf((res.body as { reference: string }).reference);
      const [row] = await db().query<Json[]>('SELECT status FROM contact_requests WHERE id = $1', [id]);
      expect(row.status).toBe('spam');
      const outbox = await db().query<Json[]>('SELECT count(*)::int AS n FROM outbox_events WHERE entity_id = $1', [
        id,
      ]);
      expect(outbox[0].n).toBe(0);
    });
  });

  describe('storage and privacy', () => {
    it('stores no personal value in the clear: not in the row, the notes, the history, the outbox or the audit log', async () => {
      const { id } = await received();
      const note = await http()
        .post(`${ADMIN}/${id}/notes`)
        .set(frontdesk.auth)
        .send({ body: 'Robin asked for an evening call back on 555-2671.' });
      expect(note.status).toBe(201);
      for (const table of [
        'contact_requests',
        'contact_request_notes',
        'contact_request_status_changes',
        'outbox_events',
        'outbox_deliveries',
        'audit_events',
        'idempotency_keys',
      ]) {
        const dump = JSON.stringify(await db().query(`SELECT * FROM ${table}`));
        for (const value of PERSONAL)
          expect({ table, leaked: dump.includes(value) ? value : null }).toEqual({ table, leaked: null });
      }
      const [row] = await db().query<Json[]>(
        'SELECT name_cipher, phone_cipher, phone_index FROM contact_requests WHERE id = $1',
        [id],
      );
      expect(row.name_cipher).toMatch(/^v1\.[\w-]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(row.phone_index).toMatch(/^[0-9a-f]{64}$/);
    });

    it('writes the outbox row in the same transaction, with ids only', async () => {
      const res = await submit();
      const reference = (res.body as { reference: string }).reference;
      const id = await idOf(reference);
      const rows = await db().query<Json[]>('SELECT event, payload FROM outbox_events WHERE entity_id = $1', [id]);
      expect(rows).toEqual([
        {
          event: 'contact_request.created',
          payload: {
            event: 'contact_request.created',
            id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            occurredAt: clock.now().toISOString(),
            contactRequestId: id,
            reference,
            channel: 'text',
            createdAt: clock.now().toISOString(),
            expectedReplyBy: (res.body as { expectedReplyBy: string }).expectedReplyBy,
          },
        },
      ]);
    });

    it('logs nothing personal during a whole submission and staff workflow', async () => {
      app().logs.lines.length = 0;
      const { id } = await received();
      await http().get(`${ADMIN}/${id}`).set(frontdesk.auth);
      await http().post(`${ADMIN}/search`).send({ phone: '415-555-2671' }).set(frontdesk.auth);
      await http().post(`${ADMIN}/${id}/notes`).set(frontdesk.auth).send({ body: 'Robin prefers texts after 6 pm.' });
      await submit({ ...PERSON, phone: 'not a phone Achterberg' });
      await submit({ ...PERSON, website: 'spam' });
      expect(app().logs.lines.length).toBeGreaterThan(0);
      for (const value of PERSONAL)
        expect({ value, found: app().logs.text.includes(value) }).toEqual({ value, found: false });
    });
  });

  describe('staff', () => {
    it('lists newest first with the phone and email masked, and records who listed what', async () => {
      // Later than every request of the other tests.
      clock.set(NY('2026-12-01T12:00'));
      const { id } = await received({ ...PERSON, name: 'Newest Person' });
      const res = await http().get(ADMIN).set(frontdesk.auth);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as { data: Json[]; meta: Json };
      expect(body.data[0]).toEqual({
        id,
        reference: expect.stringMatching(REFERENCE),
        status: 'new',
        channel: 'text',
        preferredTime: 'evening',
        serviceInterest: 'individual-therapy',
        location: null,
        preferredPractitioner: null,
        name: 'Newest Person',
        phoneMasked: '+1 ••••••••71',
        emailMasked: 'r•••@example.org',
        expectedReplyBy: expect.stringMatching(ISO),
        assignedTo: null,
        createdAt: clock.now().toISOString(),
        updatedAt: expect.stringMatching(ISO),
      });
      const created = body.data.map((r) => r.createdAt as string);
      expect(created).toEqual([...created].sort().reverse());
      const [event] = await db()
        .getRepository(AuditEvent)
        .find({
          where: { action: 'contact_request.listed', actorId: frontdesk.user.id },
          order: { occurredAt: 'DESC' },
          take: 1,
        });
      expect(event.metadata).toMatchObject({ ids: body.data.map((r) => r.id) });
      clock.set(NY('2026-11-23T12:00'));
    });

    it('finds earlier requests from the same person through the blind index, whatever the phone format or email case', async () => {
      const person = { ...PERSON, name: 'Blind Index', phone: '+1 202 555 0199', email: 'Same.Person@Example.org' };
      const a = await received(person);
      const b = await received({ ...person, phone: '(202) 555-0199', email: 'same.person@example.org' });
      const other = await received({ ...PERSON, phone: '202-555-0198' });
      const byPhone = await http().post(`${ADMIN}/search`).send({ phone: '202.555.0199' }).set(frontdesk.auth);
      expect((byPhone.body as { data: Json[] }).data.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
      const byEmail = await http()
        .post(`${ADMIN}/search`)
        .send({ email: 'SAME.person@example.ORG' })
        .set(frontdesk.auth);
      expect((byEmail.body as { data: Json[] }).data.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
      expect((byPhone.body as { data: Json[] }).data.map((r) => r.id)).not.toContain(other.id);
    });

    it('searches by phone and email in the body: whole page, no-store, audited without the terms, never logged', async () => {
      // Earlier than the requests of the other tests, whose time filters must not see these.
      clock.set(NY('2026-11-05T12:00'));
      const person = { ...PERSON, name: 'Search Target', phone: '+1 646 555 0142', email: 'Search.Target@Example.net' };
      const older = await received(person);
      clock.advance(60_000);
      const newer = await received({ ...person, preferredChannel: 'call' });
      const unrelated = await received({ ...PERSON, phone: '+1 646 555 0143', email: 'someone.else@example.net' });
      clock.set(NY('2026-11-23T12:00'));
      app().logs.lines.length = 0;

      const terms = { phone: '(646) 555-0142', email: 'SEARCH.target@example.NET' };
      const res = await http()
        .post(`${ADMIN}/search`)
        .set(admin.auth)
        .send({ ...terms, pageSize: 1 });
      const summary = (id: string, createdAt: string) => ({
        id,
        reference: expect.stringMatching(REFERENCE),
        status: 'new',
        channel: expect.any(String),
        preferredTime: 'evening',
        serviceInterest: 'individual-therapy',
        location: null,
        preferredPractitioner: null,
        name: 'Search Target',
        phoneMasked: '+1 ••••••••42',
        emailMasked: 's•••@example.net',
        expectedReplyBy: expect.stringMatching(ISO),
        assignedTo: null,
        createdAt,
        updatedAt: expect.stringMatching(ISO),
      });
      expectJson(res, 200, {
        data: [summary(newer.id, NY('2026-11-05T12:01').toISOString())],
        meta: { page: 1, pageSize: 1, total: 2, totalPages: 2 },
      });
      const second = await http()
        .post(`${ADMIN}/search`)
        .set(frontdesk.auth)
        .send({ ...terms, page: 2, pageSize: 1 });
      expectJson(second, 200, {
        data: [summary(older.id, NY('2026-11-05T12:00').toISOString())],
        meta: { page: 2, pageSize: 1, total: 2, totalPages: 2 },
      });
      // The list's filters apply too.
      const onlyCalls = await http()
        .post(`${ADMIN}/search`)
        .set(frontdesk.auth)
        .send({ email: terms.email, channel: 'call' });
      expect((onlyCalls.body as { data: Json[] }).data.map((r) => r.id)).toEqual([newer.id]);
      expect((onlyCalls.body as { data: Json[] }).data.map((r) => r.id)).not.toContain(unrelated.id);

      const searched = await db()
        .getRepository(AuditEvent)
        .find({ where: { action: 'contact_request.searched' }, order: { occurredAt: 'ASC' } });
      const mine = searched.filter((e) => e.requestId === res.headers['x-request-id']);
      expect(mine.map((e) => [e.actorType, e.actorId, e.entityType, e.entityId, e.metadata])).toEqual([
        ['user', admin.user.id, 'contact_request', null, { terms: ['email', 'phone'], ids: [newer.id], total: 2 }],
      ]);
      expect(searched.at(-1)?.metadata).toEqual({ terms: ['email'], ids: [newer.id], total: 1 });
      const kept = JSON.stringify([searched, app().logs.text]);
      const forms = ['+16465550142', '6465550142', '(646) 555-0142', 'earch.target', 'EARCH.target', 'example.NET'];
      for (const value of [...forms, 'Search Target', 'example.net']) {
        expect({ value, kept: kept.includes(value) }).toEqual({ value, kept: false });
      }
    });

    it('no longer takes phone or email in the list URL (400 naming the parameter)', async () => {
      for (const query of [{ phone: '4155552671' }, { email: 'robin.a@example.org' }]) {
        const [field] = Object.keys(query);
        expectProblem(
          await http().get(ADMIN).query(query).set(frontdesk.auth),
          { code: 'validation_failed', detail: '1 field is invalid', instance: ADMIN },
          { errors: [{ field, message: `property ${field} should not exist` }] },
        );
      }
    });

    it('filters by status, channel and time', async () => {
      clock.set(NY('2026-12-02T12:00'));
      const from = clock.now().toISOString();
      clock.advance(60_000);
      const call = await received({ ...PERSON, preferredChannel: 'call' });
      clock.set(NY('2026-11-23T12:00'));
      const res = await http().get(ADMIN).query({ channel: 'call', from, status: 'new' }).set(frontdesk.auth);
      expect((res.body as { data: Json[] }).data.map((r) => r.id)).toEqual([call.id]);
      const before = await http().get(ADMIN).query({ channel: 'call', to: from }).set(frontdesk.auth);
      expect((before.body as { data: Json[] }).data.map((r) => r.id)).not.toContain(call.id);
    });

    it('shows one request in full, decrypted, and records the read in the audit log', async () => {
      const { id, reference } = await received();
      const res = await http().get(`${ADMIN}/${id}`).set(frontdesk.auth);
      expectJson(res, 200, {
        id,
        reference,
        status: 'new',
        channel: 'text',
        preferredTime: 'evening',
        serviceInterest: 'individual-therapy',
        location: null,
        preferredPractitioner: null,
        name: 'Robin Achterberg',
        phone: '+14155552671',
        email: 'robin.a@example.org',
        message: PERSON.message,
        consentToText: true,
        expectedReplyBy: new Date(clock.now().getTime() + 60 * 60 * 1000).toISOString(),
        assignedTo: null,
        version: 1,
        statusChangedAt: clock.now().toISOString(),
        createdAt: clock.now().toISOString(),
        updatedAt: clock.now().toISOString(),
        notes: [],
        history: [{ fromStatus: null, toStatus: 'new', changedBy: null, changedAt: clock.now().toISOString() }],
      });
      expect(res.headers.etag).toBe('"v1"');
      await http().get(`${ADMIN}/${id}`).set(admin.auth);
      expect(await auditActions(id)).toEqual([
        ['contact_request.received', 'anonymous', null],
        ['contact_request.read', 'user', frontdesk.user.id],
        ['contact_request.read', 'user', admin.user.id],
      ]);
      const trail = await http().get(`${ADMIN}/${id}/audit`).set(frontdesk.auth);
      expect((trail.body as { data: Json[] }).data.map((e) => e.action)).toEqual([
        'contact_request.received',
        'contact_request.read',
        'contact_request.read',
      ]);
    });

    it('moves the status along new → in_progress → contacted → closed, with history, and refuses other moves (409)', async () => {
      const { id } = await received();
      const move = (status: string, headers: Record<string, string> = {}) =>
        http().patch(`${ADMIN}/${id}`).set(frontdesk.auth).set(headers).send({ status });
      expectProblem(
        await move('contacted'),
        {
          code: 'invalid_transition',
          detail: 'A request in status new cannot move to contacted.',
          instance: `${ADMIN}/${id}`,
        },
        { currentStatus: 'new', allowed: ['in_progress', 'spam'] },
      );
      const stale = await move('in_progress', { 'If-Match': '"v0"' });
      expect(stale.status).toBe(412);
      for (const [status, version] of [
        ['in_progress', 2],
        ['contacted', 3],
        ['closed', 4],
      ] as const) {
        clock.advance(1000);
        const res = await move(status, { 'If-Match': `"v${version - 1}"` });
        expect(res.status).toBe(200);
        expect(res.headers.etag).toBe(`"v${version}"`);
        expect(res.body).toMatchObject({ status, version, statusChangedAt: clock.now().toISOString() });
      }
      const closed = (await http().get(`${ADMIN}/${id}`).set(frontdesk.auth)).body as { history: Json[] };
      expect(closed.history.map((h) => [h.fromStatus, h.toStatus, h.changedBy])).toEqual([
        [null, 'new', null],
        ['new', 'in_progress', frontdesk.user.id],
        ['in_progress', 'contacted', frontdesk.user.id],
        ['contacted', 'closed', frontdesk.user.id],
      ]);
      expect((await move('spam')).body).toMatchObject({ status: 'spam' });
      expectProblem(
        await move('new'),
        {
          code: 'invalid_transition',
          detail: 'A request in status spam cannot move to new.',
          instance: `${ADMIN}/${id}`,
        },
        { currentStatus: 'spam', allowed: [] },
      );
    });

    it('assigns to an active staff member and unassigns', async () => {
      const { id } = await received();
      const res = await http().patch(`${ADMIN}/${id}`).set(frontdesk.auth).send({ assignedTo: frontdesk.user.id });
      expect(res.body).toMatchObject({ assignedTo: frontdesk.user.id, version: 2 });
      const cleared = await http().patch(`${ADMIN}/${id}`).set(frontdesk.auth).send({ assignedTo: null });
      expect(cleared.body).toMatchObject({ assignedTo: null, version: 3 });
      expectInvalid(
        await http()
          .patch(`${ADMIN}/${id}`)
          .set(frontdesk.auth)
          .send({ assignedTo: '00000000-0000-4000-8000-000000000000' }),
        `${ADMIN}/${id}`,
        [{ field: 'assignedTo', message: 'assignedTo must be an active staff member' }],
      );
    });

    it('adds encrypted notes that staff read back in order', async () => {
      const { id } = await received();
      const first = await http().post(`${ADMIN}/${id}/notes`).set(frontdesk.auth).send({ body: 'Left a voicemail.' });
      expectJson(first, 201, {
        id: expect.stringMatching(UUID),
        body: 'Left a voicemail.',
        authorId: frontdesk.user.id,
        createdAt: clock.now().toISOString(),
      });
      clock.advance(1000);
      await http().post(`${ADMIN}/${id}/notes`).set(admin.auth).send({ body: 'Second try:\nreached them.' });
      const full = (await http().get(`${ADMIN}/${id}`).set(frontdesk.auth)).body as { notes: Json[] };
      expect(full.notes.map((n) => [n.body, n.authorId])).toEqual([
        ['Left a voicemail.', frontdesk.user.id],
        ['Second try:\nreached them.', admin.user.id],
      ]);
      expect(JSON.stringify(await db().query('SELECT * FROM contact_request_notes'))).not.toContain('voicemail');
    });

    it('erases a request with its notes and history; the audit log keeps only that it happened', async () => {
      const { id } = await received();
      await http().post(`${ADMIN}/${id}/notes`).set(frontdesk.auth).send({ body: 'To be erased.' });
      expectNoContent(await http().delete(`${ADMIN}/${id}`).set(frontdesk.auth));
      for (const table of ['contact_requests', 'contact_request_notes', 'contact_request_status_changes']) {
        const column = table === 'contact_requests' ? 'id' : 'contact_request_id';
        expect(await db().query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [id])).toEqual([]);
      }
      expectProblem(await http().get(`${ADMIN}/${id}`).set(frontdesk.auth), {
        code: 'not_found',
        detail: 'No contact request has this id.',
        instance: `${ADMIN}/${id}`,
      });
      const erased = await db()
        .getRepository(AuditEvent)
        .findOneByOrFail({ entityId: id, action: 'contact_request.erased' });
      expect(erased).toMatchObject({ actorId: frontdesk.user.id, metadata: { status: 'new' } });
      const trail = await http().get(`${ADMIN}/${id}/audit`).set(frontdesk.auth);
      expect((trail.body as { data: Json[] }).data.map((e) => e.action)).toContain('contact_request.erased');
    });

    it('refuses editors (403) and anonymous callers (401) on every staff route', async () => {
      const { id } = await received();
      for (const [method, path] of [
        ['get', ADMIN],
        ['post', `${ADMIN}/search`],
        ['get', `${ADMIN}/${id}`],
        ['patch', `${ADMIN}/${id}`],
        ['post', `${ADMIN}/${id}/notes`],
        ['delete', `${ADMIN}/${id}`],
        ['get', `${ADMIN}/${id}/audit`],
      ] as const) {
        const body = method === 'patch' || method === 'post' ? {} : undefined;
        expectProblem(await http()[method](path).set(editor.auth).send(body), {
          code: 'forbidden',
          detail: 'This requires one of the roles: admin, frontdesk.',
          instance: path,
        });
        expect((await http()[method](path).send(body)).status).toBe(401);
      }
      expect(await auditActions(id)).toEqual([['contact_request.received', 'anonymous', null]]);
    });
  });

  describe('retention', () => {
    it('purges closed and spam requests older than the retention period, and audits counts only', async () => {
      const closeNow = async () => {
        const { id } = await received();
        for (const status of ['in_progress', 'contacted', 'closed']) {
          await http().patch(`${ADMIN}/${id}`).set(frontdesk.auth).send({ status });
        }
        return id;
      };
      const oldClosed = await closeNow();
      const oldSpam = (await received({ ...PERSON, website: 'x' })).id;
      const oldOpen = (await received()).id;
      clock.advance(180 * 24 * 60 * 60 * 1000 + 1000);
      const recentClosed = await closeNow();

      // Webhook deliveries: finished ones older than the period go, pending and recent ones stay.
      const cutoff = new Date(clock.now().getTime() - 180 * 24 * 60 * 60 * 1000);
      const delivery = async (status: DeliveryStatus, createdAt: Date) =>
        (
          await db().getRepository(OutboxDelivery).save({
            event: 'contact_request.created',
            entityId: null,
            payload: {},
            url: 'https://hooks.example.org/x',
            status,
            nextAttemptAt: createdAt,
            giveUpAt: createdAt,
            createdAt,
          })
        ).id;
      const before = new Date(cutoff.getTime() - 1000);
      const after = new Date(cutoff.getTime() + 1000);
      const oldDeliveries = [await delivery('delivered', before), await delivery('failed', before)];
      const keptDeliveries = [
        await delivery('pending', before),
        await delivery('delivered', after),
        await delivery('failed', after),
      ];

      const [{ n: dueDeliveries }] = await db().query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM outbox_deliveries WHERE status IN ('delivered', 'failed') AND created_at < $1`,
        [cutoff],
      );
      const due = await db().query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM contact_requests WHERE status IN ('closed', 'spam') AND status_changed_at < $1`,
        [new Date(clock.now().getTime() - 180 * 24 * 60 * 60 * 1000)],
      );
      const results = await app().app.get(MaintenanceService).purge();
      const result = results['contact-requests'].counts;
      expect(due[0].n).toBeGreaterThanOrEqual(2);
      expect(result.contactRequests).toBe(due[0].n);
      const left = (await db().query<{ id: string }[]>('SELECT id FROM contact_requests')).map((r) => r.id);
      expect(left).not.toContain(oldClosed);
      expect(left).not.toContain(oldSpam);
      expect(left).toContain(oldOpen);
      expect(left).toContain(recentClosed);
      const deliveriesLeft = (await db().getRepository(OutboxDelivery).find()).map((d) => d.id);
      expect(dueDeliveries).toBeGreaterThanOrEqual(2);
      expect(results['notification-deliveries'].counts).toEqual({
        notificationDeliveries: dueDeliveries,
        cutoff: cutoff.toISOString(),
      });
      for (const id of oldDeliveries) expect(deliveriesLeft).not.toContain(id);
      for (const id of keptDeliveries) expect(deliveriesLeft).toContain(id);
      const [event] = await db()
        .getRepository(AuditEvent)
        .find({ where: { action: 'contact_request.purged' }, order: { occurredAt: 'DESC' }, take: 1 });
      expect(event).toMatchObject({ actorType: 'system', entityId: null });
      expect(result).toMatchObject({ closedOrSpam: due[0].n, pastMaxAge: 0, openPastMaxAge: 0 });
      expect(event.metadata).toEqual({
        ...result,
        cutoff: cutoff.toISOString(),
        retentionDays: 180,
        maxAgeDays: 730,
        staleOpenDays: 30,
      });
      clock.set(NY('2026-11-23T12:00'));
    });

    it('deletes every request past CONTACT_MAX_AGE_DAYS whatever its status, and counts the open ones still waiting', async () => {
      const DAY = 24 * 60 * 60 * 1000;
      const start = new Date('2024-03-04T15:00:00.000Z');
      const isolated = new ManualClock(start);
      await withTestApp(
        {
          isolatedDatabase: true,
          clock: isolated,
          env: { CONTACT_RETENTION_DAYS: '180', CONTACT_MAX_AGE_DAYS: '400', RATE_LIMIT_SUBMISSION_LIMIT: '10000' },
        },
        async (t) => {
          const staff = await createStaff(t, 'frontdesk');
          await publishServices(t);
          const receive = async () => {
            await submitContactRequest(t, PERSON);
            const list = await t.http().get(ADMIN).query({ pageSize: 1 }).set(staff.auth);
            isolated.advance(60_000); // the next one is newer, so first in the list
            return (list.body as { data: Json[] }).data[0].id as string;
          };
          const move = async (id: string, ...statuses: string[]) => {
            for (const status of statuses) {
              expect((await t.http().patch(`${ADMIN}/${id}`).set(staff.auth).send({ status })).status).toBe(200);
            }
          };
          // Received 401 days before the purge: an untouched one, one in progress, one closed long ago, one
          // closed only last week.
          const oldNew = await receive();
          const oldInProgress = await receive();
          await move(oldInProgress, 'in_progress');
          const oldClosed = await receive();
          await move(oldClosed, 'in_progress', 'contacted', 'closed');
          const oldClosedLately = await receive();
          const purgeAt = new Date(start.getTime() + 401 * DAY);
          isolated.set(new Date(purgeAt.getTime() - 7 * DAY));
          await move(oldClosedLately, 'spam');
          // Kept: open for 31 days (reported), open for 29 days, and a request closed 10 days ago.
          isolated.set(new Date(purgeAt.getTime() - 31 * DAY));
          const waiting = await receive();
          isolated.set(new Date(purgeAt.getTime() - 29 * DAY));
          const recent = await receive();
          const recentClosed = await receive();
          isolated.set(new Date(purgeAt.getTime() - 10 * DAY));
          await move(recentClosed, 'spam');
          isolated.set(purgeAt);

          const results = await t.app.get(MaintenanceService).purge();
          const result = results['contact-requests'].counts;
          expect(result).toEqual({
            contactRequests: 4,
            closedOrSpam: 1,
            pastMaxAge: 3,
            openPastMaxAge: 2,
            staleOpen: 1,
            cutoff: new Date(purgeAt.getTime() - 180 * DAY).toISOString(),
            maxAgeCutoff: new Date(purgeAt.getTime() - 400 * DAY).toISOString(),
          });
          const left = await t.app.get(DataSource).query<{ id: string }[]>('SELECT id FROM contact_requests');
          expect(left.map((r) => r.id).sort()).toEqual([waiting, recent, recentClosed].sort());
          for (const gone of [oldNew, oldInProgress, oldClosed, oldClosedLately]) {
            expect((await t.http().get(`${ADMIN}/${gone}`).set(staff.auth)).status).toBe(404);
          }
          const [event] = await t.app
            .get(DataSource)
            .getRepository(AuditEvent)
            .find({ where: { action: 'contact_request.purged' } });
          expect(event.metadata).toEqual({ ...result, retentionDays: 180, maxAgeDays: 400, staleOpenDays: 30 });
          // A second run finds nothing more to delete; the waiting request is still reported.
          const again = await t.app.get(MaintenanceService).purge();
          expect(again['contact-requests'].counts).toMatchObject({ contactRequests: 0, staleOpen: 1 });
          expect(again['notification-deliveries'].counts).toMatchObject({ notificationDeliveries: 0 });
          expect(again['idempotency-keys'].counts).toEqual({ idempotencyKeys: 0 });
        },
      );
    });
  });
});

describe('contact request key rotation', () => {
  const OLD_KEY = TEST_DATA_ENCRYPTION_KEY;
  const NEW_KEY = Buffer.alloc(32, 9).toString('base64');

  it('keeps old values readable under DATA_ENCRYPTION_KEYS and moves them to the new key with reencrypt', async () => {
    const scratch = await createScratchDatabase({ migrated: true });
    const env = (keys: Record<string, string>) => ({ env: { DATABASE_URL: scratch.url, ...keys } });
    try {
      const reference = await withTestApp(env({ DATA_ENCRYPTION_KEY: OLD_KEY }), async (t) => {
        const staff = await createStaff(t, 'frontdesk');
        await publishServices(t);
        const res = await t.http().post(PUBLIC).send(PERSON);
        const id = ((await t.http().get(ADMIN).set(staff.auth)).body as { data: Json[] }).data[0].id as string;
        await t.http().post(`${ADMIN}/${id}/notes`).set(staff.auth).send({ body: 'Old-key note.' });
        return (res.body as { reference: string }).reference;
      });
      await withTestApp(env({ DATA_ENCRYPTION_KEY: NEW_KEY, DATA_ENCRYPTION_KEYS: OLD_KEY }), async (t) => {
        const staff = await createStaff(t, 'frontdesk');
        const cipher = t.app.get(DataCipher);
        const found = await t.http().post(`${ADMIN}/search`).send({ phone: '4155552671' }).set(staff.auth);
        const [summary] = (found.body as { data: Json[] }).data;
        expect(summary).toMatchObject({ reference, name: 'Robin Achterberg' });
        const ds = t.app.get(DataSource);
        const stale = async () =>
          (
            await ds.query<{ name_cipher: string; phone_cipher: string }[]>(
              'SELECT name_cipher, phone_cipher FROM contact_requests',
            )
          )
            .flatMap((r) => [r.name_cipher, r.phone_cipher])
            .filter((value) => !cipher.isCurrent(value)).length;
        expect(await stale()).toBe(2);

        expect(await reencryptContactData(ds, cipher)).toEqual({ contactRequests: 1, notes: 1 });
        expect(await stale()).toBe(0);
        expect(await reencryptContactData(ds, cipher)).toEqual({ contactRequests: 0, notes: 0 });
      });
      await withTestApp(env({ DATA_ENCRYPTION_KEY: NEW_KEY }), async (t) => {
        const staff = await createStaff(t, 'frontdesk');
        const found = await t.http().post(`${ADMIN}/search`).send({ phone: '+1 415 555 2671' }).set(staff.auth);
        const id = (found.body as { data: Json[] }).data[0].id as string;
        const full = await t.http().get(`${ADMIN}/${id}`).set(staff.auth);
        expect(full.body).toMatchObject({
          reference,
          name: 'Robin Achterberg',
          phone: '+14155552671',
          notes: [{ body: 'Old-key note.' }],
        });
      });
    } finally {
      await scratch.drop();
    }
  });
});

describe('contact request notifications', () => {
  const receiver = new Receiver();
  const clock = new ManualClock(NY('2026-11-23T12:00'));
  let hook = '';
  const SECRET = 'contact-webhook-secret-0123';

  beforeAll(async () => {
    await receiver.start();
    hook = `${receiver.origin}/clinic-hook`;
  });
  afterAll(() => receiver.stop());

  it('announces a new request to the webhook, signed, with ids only; retries after a failure; never a spam one', async () => {
    await withTestApp(
      {
        isolatedDatabase: true,
        clock,
        env: { NOTIFY_WEBHOOK_URLS: hook, NOTIFY_WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
      },
      async (t) => {
        await publishServices(t);
        const dispatcher = t.app.get(WebhookDispatcher);
        receiver.answer(503);
        const res = await t.http().post(PUBLIC).send(PERSON);
        await t
          .http()
          .post(PUBLIC)
          .send({ ...PERSON, website: 'bot' });
        const reference = (res.body as { reference: string }).reference;

        expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 0 });
        clock.advance(60 * 60 * 1000);
        expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
        expect(receiver.requests).toHaveLength(2);

        const delivered = receiver.requests[1];
        const [{ id }] = await t.app
          .get(DataSource)
          .query<{ id: string }[]>('SELECT id FROM contact_requests WHERE reference = $1', [reference]);
        expect(JSON.parse(delivered.body)).toEqual({
          event: 'contact_request.created',
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          occurredAt: NY('2026-11-23T12:00').toISOString(),
          contactRequestId: id,
          reference,
          channel: 'text',
          createdAt: NY('2026-11-23T12:00').toISOString(),
          expectedReplyBy: (res.body as { expectedReplyBy: string }).expectedReplyBy,
        });
        expect(
          verifyWebhookSignature(
            SECRET,
            {
              signature: delivered.headers['x-signature'] as string,
              timestamp: delivered.headers['x-signature-timestamp'] as string,
              body: delivered.body,
            },
            { nowSeconds: Math.floor(clock.now().getTime() / 1000) },
          ),
        ).toBe(true);
        const sent = JSON.stringify(receiver.requests);
        for (const value of PERSONAL) expect({ value, sent: sent.includes(value) }).toEqual({ value, sent: false });
      },
    );
  });
});

describe('demo contact requests and the retention schedule', () => {
  const app = useTestApp({ isolatedDatabase: true });

  it('seeds a handful of requests in different states, encrypted like real ones', async () => {
    const ds = app().app.get(DataSource);
    const config = app().app.get(AppConfig);
    expect(await runSeeders(ds, [demoContactRequestsSeeder], { embeddedDatabase: false, config })).toEqual([
      'demo-contact-requests',
    ]);
    const staff = await createStaff(app(), 'frontdesk');
    const list = (await app().http().get(ADMIN).set(staff.auth)).body as { data: Json[] };
    expect(list.data.map((r) => r.status).sort()).toEqual(['closed', 'contacted', 'in_progress', 'new']);
    expect(list.data.map((r) => r.name)).toContain('Jordan Ellis');
    const dump = JSON.stringify(await ds.query('SELECT * FROM contact_requests'));
    expect(dump).not.toContain('Jordan');
    expect(dump).not.toContain('5550142');
    const closed = list.data.find((r) => r.status === 'closed') as Json;
    const full = (
      await app()
        .http()
        .get(`${ADMIN}/${closed.id as string}`)
        .set(staff.auth)
    ).body as { history: Json[] };
    expect(full.history.map((h) => h.toStatus)).toEqual(['new', 'in_progress', 'contacted', 'closed']);
  });

  it('declines without a configuration (it needs the encryption key), so a later seeding runs it', async () => {
    const ds = app().app.get(DataSource);
    expect(await demoContactRequestsSeeder.run(ds.manager, { embeddedDatabase: false })).toBe(false);
  });

  it('registers the daily retention run, every feature purge in it, with the scheduler', () => {
    const job = app().app.get(SchedulerRegistry).getCronJob('retention');
    expect(job.cronTime.source).toBe(CronExpression.EVERY_DAY_AT_3AM);
  });
});

describe('contact requests under the public-submission rate limit', () => {
  const app = useTestApp({
    isolatedDatabase: true,
    env: { RATE_LIMIT_SUBMISSION_LIMIT: '2', RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '60' },
  });
  beforeAll(() => publishServices(app()));

  it('answers 429 with Retry-After once the budget is spent, and stores nothing more', async () => {
    const count = async () =>
      (await app().app.get(DataSource).query<{ n: number }[]>('SELECT count(*)::int AS n FROM contact_requests'))[0].n;
    const before = await count();
    expect((await app().http().post(PUBLIC).send(PERSON)).status).toBe(201);
    expect(
      (
        await app()
          .http()
          .post(PUBLIC)
          .send({ ...PERSON, website: 'bot' })
      ).status,
    ).toBe(201);
    const refused = await app().http().post(PUBLIC).send(PERSON);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.text).not.toContain('Robin');
    expect(await count()).toBe(before + 2);
  });
});
