import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock/clock.js';
import { MailDispatcher, StaffMail } from '../src/mail/index.js';
import { MAIL_LEASE_MS, type MailDispatchResult } from '../src/mail/mail-dispatcher.service.js';
import { MailMessage } from '../src/mail/mail-message.entity.js';
import { MaintenanceService } from '../src/maintenance/maintenance.service.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import {
  ADMIN_API_KEYS,
  ADMIN_CONTACT_REQUESTS,
  ADMIN_USERS,
  createApiKey,
  contactRequestBody,
  contactRequestId,
  createSchedule,
  publishServices,
  submitContactRequest,
} from './factories/index.js';
import { expectInvalid, expectProblem, PROBLEM_JSON } from './utils/expect-problem.js';
import { type ReceivedMail, SmtpSink } from './utils/smtp-sink.js';
import { WebhookEndpointDisabledListener } from '../src/notifications/index.js';
import { createStaff, type StaffMember } from './utils/staff.js';
import { createTestApp, logs, type TestApp, useTestApp } from './utils/test-app.js';

const NOTIFICATIONS = '/api/v1/auth/me/notifications';
const STAFF_APP = 'https://staff.clinic.test';
const FROM = 'noreply@clinic.test';
/** Tuesday 09:00 in New York: the text line is open, so a reply is due within the hour, by 10:00. */
const START = '2026-11-03T14:00:00.000Z';
const HOUR = 3_600_000;

/** Someone writing in with values found nowhere else, so any of them in an email is a leak. */
const WRITER = {
  name: 'Quillon Marchetti-Vale',
  phone: '(212) 555-0187',
  email: 'Quillon.Vale.8841@Example.org',
  message: 'Sleepless since the flood in Tarrowmere; my sister Ondine says I should talk to someone.',
};
/** Every form in which the writer's details might appear. */
const WRITER_VALUES = [
  WRITER.name,
  'Quillon',
  'Marchetti',
  WRITER.phone,
  '+12125550187',
  '2125550187',
  '555-0187',
  WRITER.email,
  WRITER.email.toLowerCase(),
  'Quillon.Vale.8841',
  'quillon.vale.8841',
  WRITER.message,
  'Tarrowmere',
  'Ondine',
];

function emailRequest(overrides: Record<string, unknown> = {}) {
  return contactRequestBody({ ...WRITER, preferredChannel: 'email', consentToText: undefined, ...overrides });
}

/** Everything of an email a reader could see, the `To` header (and envelope) aside. */
function visibleParts(mail: ReceivedMail): string[] {
  const headers = [...mail.parsed.headers.entries()]
    .filter(([name]) => name !== 'to')
    .map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
  const rawWithoutTo = mail.raw
    .split(/\r?\n(?![ \t])/)
    .filter((line) => !/^to:/i.test(line))
    .join('\n');
  return [mail.parsed.subject ?? '', mail.parsed.text ?? '', String(mail.parsed.html || ''), ...headers, rawWithoutTo];
}

function expectNoWriterData(mail: ReceivedMail): void {
  for (const part of visibleParts(mail)) {
    for (const value of WRITER_VALUES) expect(part.toLowerCase()).not.toContain(value.toLowerCase());
  }
}

const sentTo = (mails: ReceivedMail[]) => mails.flatMap((m) => m.envelopeTo).sort();
const runOnce = (t: TestApp) => t.app.get(MailDispatcher).runOnce();
const messages = (t: TestApp) => t.app.get(DataSource).getRepository(MailMessage);

describe('email through SMTP', () => {
  const sink = new SmtpSink();
  const clock = new ManualClock(new Date(START));
  let app: TestApp | undefined;
  const t = () => app!;
  let admin: StaffMember;
  let frontdesk: StaffMember;
  let optedOut: StaffMember;
  let inactive: StaffMember;

  beforeAll(async () => {
    await sink.start();
    app = await createTestApp({
      env: {
        SMTP_URL: sink.url,
        SMTP_FROM: `Well Clinic <${FROM}>`,
        STAFF_APP_URL: `${STAFF_APP}/`,
        RATE_LIMIT_SUBMISSION_LIMIT: '1000',
      },
      clock,
      // Recipients are every active admin and front desk member: only this suite's.
      isolatedDatabase: true,
    });
    admin = await createStaff(t(), 'admin');
    await publishServices(t(), admin);
    frontdesk = await createStaff(t(), 'frontdesk');
    optedOut = await createStaff(t(), 'frontdesk');
    // An editor gets no contact-request notices (checked by the recipients of each email below).
    await createStaff(t(), 'editor');
    inactive = await createStaff(t(), 'frontdesk');
    await t().app.get(UsersRepository).update(inactive.user.id, { active: false });
    await createSchedule(t(), admin, 'text-line');
    const off = await t().http().patch(NOTIFICATIONS).set(optedOut.auth).send({ newContactRequest: false });
    expect(off.status).toBe(200);
  });

  afterAll(async () => {
    await app?.close();
    await sink.stop();
  });

  beforeEach(() => {
    sink.received.length = 0;
    logs.lines.length = 0;
  });

  // Each test starts with an empty outbox and a running server, whatever the previous one left.
  afterEach(async () => {
    sink.onReceived = undefined;
    sink.refused.clear();
    await sink.start();
    await messages(t()).clear();
  });

  it('tells staff who want it about a new request without any personal data, and confirms to the writer by email', async () => {
    const receipt = await submitContactRequest(t(), emailRequest());
    const [staffNotice, confirmation] = await messages(t()).find({
      where: [{ kind: 'contact_request.created' }, { kind: 'contact_request.confirmation' }],
      order: { kind: 'DESC' },
    });
    expect(staffNotice).toMatchObject({
      audience: 'staff:newContactRequest',
      recipientCipher: null,
      status: 'pending',
    });
    // The address waits encrypted, bound to its row.
    expect(confirmation.recipientCipher).toEqual(expect.any(String));
    expect(confirmation.recipientCipher!.toLowerCase()).not.toContain('quillon');
    for (const row of [staffNotice, confirmation]) {
      expect(JSON.stringify(row.params).toLowerCase()).not.toMatch(/quillon|marchetti|0187|tarrowmere/);
    }

    expect(await runOnce(t())).toEqual({ claimed: 2, sent: 2, retried: 0, failed: 0 });

    // Staff: the admin and the front desk member who did not opt out; not the editor, not the deactivated account.
    const notices = sink.received.filter((m) => m.parsed.subject?.startsWith('New contact request'));
    expect(sentTo(notices)).toEqual([admin.email, frontdesk.email].sort());
    const link = `${STAFF_APP}/contact-requests/${staffNotice.entityId}`;
    for (const notice of notices) {
      expect(notice.parsed.subject).toBe(
        `New contact request ${receipt.reference} — email, reply by 10:00 (America/New_York)`,
      );
      expect(notice.parsed.from?.value).toEqual([{ address: FROM, name: 'Well Clinic' }]);
      expect(notice.parsed.headers.get('list')).toEqual({
        unsubscribe: { url: `${STAFF_APP}/settings/notifications` },
      });
      expect(notice.parsed.headers.get('auto-submitted')).toBe('auto-generated');
      expect(notice.parsed.text).toContain(`Reply by 10:00 (America/New_York).`);
      expect(notice.parsed.text).toContain(`Open it in the staff app: ${link}`);
      expect(notice.parsed.html).toContain(`<a href="${link}">Open ${receipt.reference} in the staff app</a>`);
      expectNoWriterData(notice);
    }

    // The writer: the reference, when to expect a reply, the crisis notice; their address only as the recipient.
    const [mail, ...others] = sink.to(WRITER.email.toLowerCase());
    expect(others).toEqual([]);
    expect(mail.parsed.subject).toBe(`We received your message (${receipt.reference})`);
    expect(mail.parsed.to).toMatchObject({ value: [{ address: WRITER.email.toLowerCase() }] });
    expect(mail.parsed.text).toContain(`Your reference: ${receipt.reference}`);
    expect(mail.parsed.text).toContain('We will email you back by Tuesday, November 3, 10:00 AM EST.');
    expect(mail.parsed.text).toContain('call or text 988');
    expect(mail.parsed.html).toContain('call or text 988');
    expect(mail.parsed.headers.has('list')).toBe(false);
    expectNoWriterData(mail);
    expect(sink.received).toHaveLength(3);

    // Once sent, the address is gone from the outbox.
    expect(await messages(t()).findOneByOrFail({ id: confirmation.id })).toMatchObject({
      status: 'sent',
      recipientCipher: null,
      sentAt: new Date(START),
    });
    expect(await messages(t()).findOneByOrFail({ id: staffNotice.id })).toMatchObject({
      status: 'sent',
      sentTo: [admin.user.id, frontdesk.user.id].sort(),
    });
    // Logs name neither the writer nor any recipient.
    for (const value of [...WRITER_VALUES, admin.email, frontdesk.email]) {
      expect(logs.text.toLowerCase()).not.toContain(value.toLowerCase());
    }
    expect(logs.text).toContain(`Mail ${staffNotice.id} (contact_request.created): sent to 2 recipients on attempt 1`);
  });

  it('confirms only to writers who chose email: not to one who gave an address but asked for a text', async () => {
    await submitContactRequest(t(), emailRequest({ preferredChannel: 'text', consentToText: true }));
    await submitContactRequest(t(), emailRequest({ website: 'http://spam.example' }));
    const rows = await messages(t()).find();
    // The text request: a staff notice only. The honeypot: nothing at all.
    expect(rows.map((r) => r.kind)).toEqual(['contact_request.created']);
    expect(await runOnce(t())).toMatchObject({ claimed: 1, sent: 1 });
    expect(sink.to(WRITER.email.toLowerCase())).toEqual([]);
    for (const mail of sink.received) expectNoWriterData(mail);
  });

  it('loses nothing in an SMTP outage: retried with backoff, each recipient gets it once, /health degraded meanwhile', async () => {
    expect((await t().http().get('/health')).body.details.mail).toEqual({ status: 'up' });
    await sink.stop();
    const receipt = await submitContactRequest(t(), emailRequest());

    expect(await runOnce(t())).toEqual({ claimed: 2, sent: 0, retried: 2, failed: 0 });
    const waiting = await messages(t()).find();
    for (const row of waiting) {
      expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/^E[A-Z]+/) });
      // The first retry comes within the first ceiling (30 s).
      expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(1000);
      expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBeLessThanOrEqual(30_000);
    }
    const health = await t().http().get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.details.mail).toEqual({
      status: 'degraded',
      message: expect.stringMatching(/^The last email could not be sent \(E[A-Z]+\); retrying$/),
    });

    // Not due yet: nothing is claimed.
    expect(await runOnce(t())).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0 });

    await sink.start();
    clock.advance(31_000);
    expect(await runOnce(t())).toEqual({ claimed: 2, sent: 2, retried: 0, failed: 0 });
    expect(sentTo(sink.received)).toEqual([admin.email, frontdesk.email, WRITER.email.toLowerCase()].sort());
    expect(sink.received.every((m) => m.parsed.subject?.includes(receipt.reference))).toBe(true);
    expect((await t().http().get('/health')).body.details.mail).toEqual({ status: 'up' });
    expect(await runOnce(t())).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0 });
    expect(sink.received).toHaveLength(3);
  });

  it('gives up after the retry window and erases the address', async () => {
    await sink.stop();
    await submitContactRequest(t(), emailRequest({ preferredChannel: 'email' }));
    expect(await runOnce(t())).toMatchObject({ claimed: 2, retried: 2 });
    clock.advance(25 * HOUR);
    expect(await runOnce(t())).toEqual({ claimed: 2, sent: 0, retried: 0, failed: 2 });
    for (const row of await messages(t()).find()) {
      expect(row).toMatchObject({ status: 'failed', recipientCipher: null, attempts: 2 });
    }
    await sink.start();
    expect(await runOnce(t())).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0 });
  });

  it('sends no one a copy twice when another run takes over a claimed message whose lease ran out meanwhile', async () => {
    const staffMail = t().app.get(StaffMail);
    const notice = (reference: string) =>
      staffMail.replyOverdueRows({
        id: randomUUID(),
        reference,
        channel: 'text',
        expectedReplyBy: new Date(clock.now().getTime() - HOUR),
        timeZone: 'America/New_York',
      });
    // Two notices, each to the three staff who want reply-overdue notices, claimed together by the first run.
    await t()
      .app.get(DataSource)
      .transaction((m) => staffMail.enqueue(m, [...notice('CR-AAAA11'), ...notice('CR-BBBB22')]));
    const recipients = [admin, frontdesk, optedOut].sort((a, b) => a.user.id.localeCompare(b.user.id));
    let takeover: Promise<MailDispatchResult> | undefined;
    let progress: Pick<MailMessage, 'sentTo' | 'lockedUntil'> | undefined;
    sink.onReceived = async () => {
      // The first run is slow: by its first email, the lease of the batch's claim has run out.
      if (sink.received.length === 1) clock.advance(MAIL_LEASE_MS + 1000);
      // By its second, another run claims what that lease held and the first run has not started on.
      if (sink.received.length === 2) {
        const reference = /CR-[A-Z0-9]+/.exec(sink.received[0].parsed.subject ?? '')?.[0];
        const row = (await messages(t()).find()).find((m) => m.params.reference === reference)!;
        progress = { sentTo: row.sentTo, lockedUntil: row.lockedUntil };
        takeover = runOnce(t());
        await takeover;
      }
    };
    const first = await runOnce(t());

    // The first run finished the notice it was sending and left the other to the run that took it over.
    expect(first).toEqual({ claimed: 2, sent: 1, retried: 0, failed: 0 });
    expect(await takeover).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0 });
    for (const reference of ['CR-AAAA11', 'CR-BBBB22']) {
      const mails = sink.received.filter((m) => m.parsed.subject?.includes(reference));
      expect(sentTo(mails)).toEqual(recipients.map((r) => r.email).sort());
    }
    expect(sink.received).toHaveLength(6);
    // Progress is recorded as it goes (a crash resends to no one already reached) under a lease renewed each time.
    expect(progress).toEqual({
      sentTo: [recipients[0].user.id],
      lockedUntil: new Date(clock.now().getTime() + MAIL_LEASE_MS),
    });
    expect((await messages(t()).find({ order: { attempts: 'ASC' } })).map((m) => [m.status, m.attempts])).toEqual([
      ['sent', 1],
      ['sent', 2],
    ]);
    expect(logs.text).toMatch(/attempt 1 no longer holds the message; sending no more/);
  });

  it("counts a mailbox the server refuses as that email's failure, not the server's: /health stays up", async () => {
    const mistyped = 'quillon.vale.8841@exmaple.org';
    sink.refused.add(mistyped);
    await submitContactRequest(t(), emailRequest({ preferredChannel: 'text', consentToText: true }));
    expect(await runOnce(t())).toMatchObject({ claimed: 1, sent: 1 });
    expect((await t().http().get('/health')).body.details.mail).toEqual({ status: 'up' });
    await messages(t()).clear();

    await submitContactRequest(t(), emailRequest({ email: mistyped }));
    // Only the confirmation goes out in this run, so it is the last send /health saw.
    await messages(t()).delete({ kind: 'contact_request.created' });
    expect(await runOnce(t())).toEqual({ claimed: 1, sent: 0, retried: 0, failed: 1 });
    expect(await messages(t()).find()).toEqual([
      expect.objectContaining({ status: 'failed', recipientCipher: null, lastError: 'EENVELOPE 550' }),
    ]);
    const health = await t().http().get('/health');
    expect({ status: health.status, overall: health.body.status, mail: health.body.details.mail }).toEqual({
      status: 200,
      overall: 'ok',
      mail: { status: 'up' },
    });
    expect(sink.to(mistyped)).toEqual([]);
  });

  it('forgets the emails not yet sent about a request staff erase: its address is gone and nothing goes out', async () => {
    const receipt = await submitContactRequest(t(), emailRequest());
    const id = await contactRequestId(t(), frontdesk, receipt.reference);
    expect((await messages(t()).findBy({ entityId: id })).map((m) => m.kind).sort()).toEqual([
      'contact_request.confirmation',
      'contact_request.created',
    ]);
    const erased = await t().http().delete(`${ADMIN_CONTACT_REQUESTS}/${id}`).set(frontdesk.auth);
    expect(erased.status).toBe(204);
    expect(await messages(t()).find()).toEqual([]);
    expect(await runOnce(t())).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0 });
    expect(sink.received).toEqual([]);
  });

  it('sends the reply-overdue and endpoint-disabled notices other features write, to the staff who want them', async () => {
    const staffMail = t().app.get(StaffMail);
    const requestId = '5b0d7a4e-2f43-4c4f-9a7e-0d7f7c3b9e21';
    const endpointId = '0c2c9d1e-6a7b-4f3e-8d2c-1b0a9e8f7d6c';
    await t()
      .app.get(DataSource)
      .transaction(async (m) => {
        await staffMail.enqueue(
          m,
          staffMail.replyOverdueRows({
            id: requestId,
            reference: 'CR-7K2Q9M',
            channel: 'text',
            expectedReplyBy: new Date(clock.now().getTime() - HOUR),
            timeZone: 'America/New_York',
          }),
        );
        // As the webhook dispatcher tells it, in the transaction that disables the endpoint.
        await t()
          .app.get(WebhookEndpointDisabledListener)
          .endpointDisabled(m, {
            endpointId,
            description: 'CRM sync',
            url: 'https://crm.example/hooks/secret-path',
            failingSince: new Date(clock.now().getTime() - 3 * 24 * HOUR),
            disabledAt: clock.now(),
          });
      });
    expect(await runOnce(t())).toMatchObject({ claimed: 2, sent: 2 });
    const overdue = sink.received.filter((m) => m.parsed.subject?.startsWith('Reply overdue'));
    // The opted-out front desk member opted out of new requests only.
    expect(sentTo(overdue)).toEqual([admin.email, frontdesk.email, optedOut.email].sort());
    expect(overdue[0].parsed.text).toContain(`${STAFF_APP}/contact-requests/${requestId}`);
    const disabled = sink.received.filter((m) => m.parsed.subject === 'Webhook endpoint disabled: CRM sync');
    expect(sentTo(disabled)).toEqual([admin.email]);
    expect(disabled[0].parsed.text).toContain(`${STAFF_APP}/webhook-endpoints/${endpointId}`);
    // Never the endpoint's URL: it may hold a token.
    expect(disabled[0].raw).not.toContain('crm.example');
    expect(disabled[0].parsed.headers.get('list')).toEqual({
      unsubscribe: { url: `${STAFF_APP}/settings/notifications` },
    });
  });

  it('tells the admins who want it which API keys a deleted account leaves working, and records them', async () => {
    const other = await createStaff(t(), 'admin');
    const quiet = await createStaff(t(), 'admin');
    expect((await t().http().patch(NOTIFICATIONS).set(quiet.auth).send({ apiKeysOfDeletedUser: false })).status).toBe(
      200,
    );
    const leaving = await createStaff(t(), 'admin');
    const key = (name: string, expiresAt?: Date) =>
      createApiKey(t(), leaving, { name, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) });
    const kept = await key('Partner directory widget');
    const later = await key('Spring campaign site', new Date(clock.now().getTime() + 30 * 24 * HOUR));
    const expiring = await key('Expired pilot', new Date(clock.now().getTime() + HOUR));
    const revoked = await key('Revoked CRM');
    const byOther = await createApiKey(t(), other, { name: 'Not theirs' });
    expect((await t().http().delete(`${ADMIN_API_KEYS}/${revoked.id}`).set(admin.auth)).status).toBe(204);
    const keptIds = [kept.id, later.id];

    clock.advance(2 * HOUR);
    try {
      const deleted = await t().http().delete(`${ADMIN_USERS}/${leaving.user.id}`).set(admin.auth);
      // Like every delete: no body. The keys are reported by the audit log and by email.
      expect({ status: deleted.status, text: deleted.text }).toEqual({ status: 204, text: '' });

      const [event] = await t()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .findBy({ action: 'user.deleted', entityId: leaving.user.id });
      expect(event.metadata).toEqual({ apiKeysKept: { count: 2, ids: keptIds } });
      const [notice] = await messages(t()).findBy({ kind: 'api_keys.creator_deleted' });
      expect(notice).toMatchObject({
        audience: 'staff:apiKeysOfDeletedUser',
        entityId: leaving.user.id,
        recipientCipher: null,
      });

      expect(await runOnce(t())).toMatchObject({ claimed: 1, sent: 1 });
      // Admins only, not the one who switched it off, and not the deleted account.
      expect(sentTo(sink.received)).toEqual([admin.email, other.email].sort());
      const [mail] = sink.received;
      expect(mail.parsed.subject).toBe('API keys kept after a staff account was deleted: 2');
      for (const part of [mail.parsed.text ?? '', String(mail.parsed.html)]) {
        expect(part).toContain(`Partner directory widget (id ${kept.id})`);
        expect(part).toContain(`Spring campaign site (id ${later.id})`);
        expect(part).toContain(leaving.user.id);
        expect(part).toContain(`${STAFF_APP}/api-keys`);
        for (const gone of [expiring, revoked, byOther]) expect(part).not.toContain(gone.id);
      }
      // No key material: neither a secret nor its shown prefix.
      for (const k of [kept, later, expiring, revoked, byOther]) {
        expect(mail.raw).not.toContain(k.secret.slice(k.prefix.length));
        expect(mail.raw).not.toContain(k.prefix);
        expect(JSON.stringify([event, notice])).not.toContain(k.prefix);
      }
      // The keys keep working.
      expect((await t().http().get(`${ADMIN_API_KEYS}/${kept.id}`).set(admin.auth)).body).toMatchObject({
        revokedAt: null,
        createdBy: { id: leaving.user.id, displayName: null, deleted: true },
      });

      // An account without working keys: nothing to tell, nothing recorded beyond the deletion.
      const keyless = await createStaff(t(), 'editor');
      expect((await t().http().delete(`${ADMIN_USERS}/${keyless.user.id}`).set(admin.auth)).status).toBe(204);
      const [plain] = await t()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .findBy({ action: 'user.deleted', entityId: keyless.user.id });
      expect(plain.metadata).toEqual({});
      expect(await messages(t()).countBy({ kind: 'api_keys.creator_deleted', entityId: keyless.user.id })).toBe(0);
    } finally {
      clock.advance(-2 * HOUR);
    }
  });

  // Last: it moves the clock past the maximum age of requests.
  it('forgets the emails not yet sent about requests the retention purge deletes', async () => {
    const receipt = await submitContactRequest(t(), emailRequest());
    const kept = await submitContactRequest(t(), emailRequest({ preferredChannel: 'text', consentToText: true }));
    const keptId = await contactRequestId(t(), frontdesk, kept.reference);
    expect(await messages(t()).count()).toBe(3);
    clock.advance((t().config.contactRequests.maxAgeDays + 1) * 24 * HOUR);
    // The second request is younger: moved back inside the maximum age, it is kept, and so is its notice.
    await t()
      .app.get(DataSource)
      .query('UPDATE contact_requests SET created_at = $2 WHERE id = $1', [keptId, clock.now()]);

    // It deletes this suite's other requests too: all are older.
    await t().app.get(MaintenanceService).purge();
    expect(await contactRequestId(t(), frontdesk, kept.reference)).toBe(keptId);
    expect(await messages(t()).find()).toEqual([
      expect.objectContaining({ kind: 'contact_request.created', entityId: keptId, recipientCipher: null }),
    ]);
    expect(await runOnce(t())).toMatchObject({ claimed: 1, sent: 1 });
    expect(sink.received.every((m) => m.parsed.subject?.includes(kept.reference))).toBe(true);
    expect(sink.received.some((m) => m.parsed.subject?.includes(receipt.reference))).toBe(false);
  });
});

describe('notification preferences (GET and PATCH /auth/me/notifications)', () => {
  const t = useTestApp();

  it('defaults by role: admins everything, front desk the contact requests, editors nothing', async () => {
    const expected = {
      admin: { newContactRequest: true, replyOverdue: true, webhookEndpointDisabled: true, apiKeysOfDeletedUser: true },
      frontdesk: {
        newContactRequest: true,
        replyOverdue: true,
        webhookEndpointDisabled: false,
        apiKeysOfDeletedUser: false,
      },
      editor: {
        newContactRequest: false,
        replyOverdue: false,
        webhookEndpointDisabled: false,
        apiKeysOfDeletedUser: false,
      },
    } as const;
    for (const role of ['admin', 'frontdesk', 'editor'] as const) {
      const staff = await createStaff(t(), role);
      const res = await t().http().get(NOTIFICATIONS).set(staff.auth);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: expected[role] });
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('switches notices off and on again; fields left out keep their setting; the change is audited', async () => {
    const staff = await createStaff(t(), 'frontdesk');
    const off = await t().http().patch(NOTIFICATIONS).set(staff.auth).send({ replyOverdue: false });
    expect({ status: off.status, body: off.body }).toEqual({
      status: 200,
      body: {
        newContactRequest: true,
        replyOverdue: false,
        webhookEndpointDisabled: false,
        apiKeysOfDeletedUser: false,
      },
    });
    expect((await t().http().get(NOTIFICATIONS).set(staff.auth)).body.replyOverdue).toBe(false);
    const unchanged = await t().http().patch(NOTIFICATIONS).set(staff.auth).send({});
    expect(unchanged.body).toEqual(off.body);
    const on = await t()
      .http()
      .patch(NOTIFICATIONS)
      .set(staff.auth)
      .send({ replyOverdue: true, newContactRequest: false });
    expect(on.body).toEqual({
      newContactRequest: false,
      replyOverdue: true,
      webhookEndpointDisabled: false,
      apiKeysOfDeletedUser: false,
    });
    const admin = await createStaff(t(), 'admin');
    const audit = await t()
      .http()
      .get('/api/v1/admin/audit-events')
      .set(admin.auth)
      .query({ action: 'user.notifications_updated', entityId: staff.user.id });
    expect((audit.body as { data: { metadata: unknown }[] }).data.map((e) => e.metadata)).toEqual([
      { replyOverdue: true, newContactRequest: false },
      { replyOverdue: false },
    ]);
  });

  it('refuses to switch on what the role cannot receive (400 naming the field)', async () => {
    const editor = await createStaff(t(), 'editor');
    const res = await t()
      .http()
      .patch(NOTIFICATIONS)
      .set(editor.auth)
      .send({ newContactRequest: true, replyOverdue: false });
    expectInvalid(res, NOTIFICATIONS, [
      { field: 'newContactRequest', message: 'newContactRequest cannot be switched on for the editor role' },
    ]);
    const frontdesk = await createStaff(t(), 'frontdesk');
    expectInvalid(
      await t().http().patch(NOTIFICATIONS).set(frontdesk.auth).send({ webhookEndpointDisabled: true }),
      NOTIFICATIONS,
      [
        {
          field: 'webhookEndpointDisabled',
          message: 'webhookEndpointDisabled cannot be switched on for the frontdesk role',
        },
      ],
    );
    expectInvalid(
      await t().http().patch(NOTIFICATIONS).set(frontdesk.auth).send({ apiKeysOfDeletedUser: true }),
      NOTIFICATIONS,
      [{ field: 'apiKeysOfDeletedUser', message: 'apiKeysOfDeletedUser cannot be switched on for the frontdesk role' }],
    );
    // Switching off is always allowed.
    expect(
      (await t().http().patch(NOTIFICATIONS).set(frontdesk.auth).send({ webhookEndpointDisabled: false })).status,
    ).toBe(200);
  });

  it.each([
    [{ newContactRequest: 'yes' }, 'newContactRequest'],
    [{ replyOverdue: null }, 'replyOverdue'],
    [{ webhookEndpointDisabled: 1 }, 'webhookEndpointDisabled'],
    [{ apiKeysOfDeletedUser: 'no' }, 'apiKeysOfDeletedUser'],
    [{ newContactRequest: "true'; DROP TABLE users; --" }, 'newContactRequest'],
    [{ marketing: true }, 'marketing'],
  ])('refuses bad input %j (400 naming %s)', async (body, field) => {
    const staff = await createStaff(t(), 'admin');
    const res = await t().http().patch(NOTIFICATIONS).set(staff.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe(PROBLEM_JSON);
    expect(res.body).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ field })] });
  });

  it('needs a signed-in staff member (401 without a valid token)', async () => {
    for (const res of [
      await t().http().get(NOTIFICATIONS),
      await t().http().patch(NOTIFICATIONS).send({ newContactRequest: false }),
      await t().http().get(NOTIFICATIONS).set('Authorization', 'Bearer not-a-token'),
    ]) {
      expectProblem(res, {
        code: 'unauthorized',
        detail: 'A valid bearer token is required.',
        instance: NOTIFICATIONS,
      });
    }
  });

  it('writes no email at all while email is off (no SMTP_URL)', async () => {
    expect(t().config.mail.smtpUrl).toBeUndefined();
    await publishServices(t());
    await submitContactRequest(t(), emailRequest({ email: 'off.mode.3391@example.org' }));
    expect(await messages(t()).count()).toBe(0);
    expect((await t().http().get('/health')).body.details.mail).toEqual({ status: 'off' });
  });
});
