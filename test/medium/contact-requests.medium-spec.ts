import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import type { AuditContext } from '../../src/common/audit/audit-log.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { DataCipher } from '../../src/common/crypto/data-cipher.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import { AdminContactRequestsService } from '../../src/contact-requests/admin-contact-requests.service.js';
import { type NewRequest, sealNewRequest } from '../../src/contact-requests/contact-request-sealing.js';
import {
  CONTACT_REQUEST_STATUSES,
  type ContactRequestStatus,
} from '../../src/contact-requests/contact-request.entity.js';
import { ContactRequestsRepository } from '../../src/contact-requests/contact-requests.repository.js';
import { ContactRequestsService } from '../../src/contact-requests/contact-requests.service.js';
import type {
  CreateContactRequestRequest,
  ListContactRequestsQuery,
} from '../../src/contact-requests/dto/contact-request.requests.js';
import { MaintenanceService } from '../../src/maintenance/maintenance.service.js';
import { PERSON } from '../factories/contact-requests.js';
import { publishServices } from '../factories/services.js';
import { itConcurrently } from '../setup/test-database.js';
import { createStaff } from '../utils/staff.js';
import { type TestApp, useTestApp } from '../utils/test-app.js';

/**
 * Contact requests below HTTP: the status rules, the versioned write path (If-Match, version, audit, rollback), the
 * retention purge against an injected clock, and what is stored and audited of the person's data.
 */

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const PAGE = { page: 1, pageSize: 100 } as ListContactRequestsQuery;
const ANONYMOUS: AuditContext = { actor: { type: 'anonymous', id: null }, requestId: null, clientRequestId: null };

/** The rule, written out: one forward path, spam from anywhere, spam final. */
const ALLOWED: Record<ContactRequestStatus, readonly ContactRequestStatus[]> = {
  new: ['in_progress', 'spam'],
  in_progress: ['contacted', 'spam'],
  contacted: ['closed', 'spam'],
  closed: ['spam'],
  spam: [],
};
/** How a request reaches each status from `new`. */
const PATH: Record<ContactRequestStatus, readonly ContactRequestStatus[]> = {
  new: [],
  in_progress: ['in_progress'],
  contacted: ['in_progress', 'contacted'],
  closed: ['in_progress', 'contacted', 'closed'],
  spam: ['spam'],
};

const DETAILS = { name: 'Test Person', phone: '+12025550100', email: 'test.person@example.org', message: 'Hello.' };

function staffContext(userId: string): AuditContext {
  return { actor: { type: 'user', id: userId }, requestId: randomUUID(), clientRequestId: null };
}

/** Boots nothing: the services and repository of an app booted by `useTestApp`. */
function parts(t: () => TestApp) {
  return {
    admin: () => t().app.get(AdminContactRequestsService),
    requests: () => t().app.get(ContactRequestsRepository),
    db: () => t().app.get(DataSource),
    /** Stores a request received at `at` (through the same sealing and insert as a submission). */
    receive: async (at: Date, fields: Partial<NewRequest> = {}): Promise<string> => {
      const request = sealNewRequest(t().app.get(DataCipher), DETAILS, {
        reference: `CR-${randomUUID().slice(0, 6).toUpperCase()}`,
        status: 'new',
        channel: 'text',
        preferredTime: null,
        serviceInterest: null,
        consentToText: true,
        expectedReplyBy: new Date(at.getTime() + HOUR),
        now: at,
        ...fields,
      });
      await t().app.get(ContactRequestsRepository).insert(request);
      return request.id;
    },
    auditOf: (id: string) =>
      t()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { entityId: id }, order: { occurredAt: 'ASC', id: 'ASC' } }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<AppException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppException)) throw new Error(`expected an AppException, got ${String(error)}`);
  return error;
}

describe('contact requests (medium)', () => {
  const clock = new ManualClock(new Date('2031-03-03T15:00:00.000Z'));
  const app = useTestApp({ isolatedDatabase: true, clock });
  const { admin, requests, db, receive, auditOf } = parts(app);
  let ctx: AuditContext;
  let staffId: string;

  beforeAll(async () => {
    staffId = (await createStaff(app(), 'frontdesk')).user.id;
    ctx = staffContext(staffId);
    // PERSON names a service the migration creates hidden: the public names published ones only.
    await publishServices(app());
  });

  /** A request in `status`, reached through the allowed moves; returns its id and version. */
  async function inStatus(status: ContactRequestStatus): Promise<{ id: string; version: number }> {
    const id = await receive(clock.now());
    for (const step of PATH[status]) await admin().update(id, { status: step }, undefined, ctx);
    const request = await requests().findById(id);
    expect(request).toMatchObject({ status, version: 1 + PATH[status].length });
    return { id, version: request!.version };
  }

  describe('status transitions', () => {
    const pairs = CONTACT_REQUEST_STATUSES.flatMap((from) => CONTACT_REQUEST_STATUSES.map((to) => [from, to] as const));
    const allowed = pairs.filter(([from, to]) => ALLOWED[from].includes(to));
    const refused = pairs.filter(([from, to]) => from !== to && !ALLOWED[from].includes(to));

    it('knows every pair of statuses', () => {
      expect(allowed).toHaveLength(7);
      expect(refused).toHaveLength(13);
    });

    it.each(allowed)('moves %s → %s: next version, history entry, audit event', async (from, to) => {
      const { id, version } = await inStatus(from);
      clock.advance(1000);
      const record = await admin().update(id, { status: to }, `"v${version}"`, ctx);
      expect(record.request).toMatchObject({ status: to, version: version + 1, statusChangedAt: clock.now() });
      expect(record.history.at(-1)).toMatchObject({
        fromStatus: from,
        toStatus: to,
        changedBy: staffId,
        changedAt: clock.now(),
      });
      expect(record.history).toHaveLength(2 + PATH[from].length);
      const events = await auditOf(id);
      expect(events.at(-1)).toMatchObject({
        action: 'contact_request.updated',
        entityType: 'contact_request',
        actorId: staffId,
        requestId: ctx.requestId,
        metadata: { from, to },
      });
    });

    it.each(refused)('refuses %s → %s (409) and changes nothing', async (from, to) => {
      const { id, version } = await inStatus(from);
      const events = (await auditOf(id)).length;
      const error = await rejection(admin().update(id, { status: to }, `"v${version}"`, ctx));
      expect(error).toMatchObject({
        code: 'invalid_transition',
        detail: `A request in status ${from} cannot move to ${to}.`,
        options: { extensions: { currentStatus: from, allowed: ALLOWED[from] } },
      });
      expect(await requests().findById(id)).toMatchObject({ status: from, version });
      expect(await requests().history(id)).toHaveLength(1 + PATH[from].length);
      expect(await auditOf(id)).toHaveLength(events);
    });

    it.each(CONTACT_REQUEST_STATUSES)(
      'treats %s → the same status as no change (same version, no event)',
      async (s) => {
        const { id, version } = await inStatus(s);
        const events = (await auditOf(id)).length;
        const record = await admin().update(id, { status: s }, `"v${version}"`, ctx);
        expect(record.request).toMatchObject({ status: s, version });
        expect(await auditOf(id)).toHaveLength(events);
      },
    );
  });

  describe('the versioned write path', () => {
    it('answers 404 for a missing request before looking at If-Match', async () => {
      const error = await rejection(admin().update(randomUUID(), { status: 'spam' }, '"v99"', ctx));
      expect(error).toMatchObject({ code: 'not_found', detail: 'No contact request has this id.' });
    });

    it('refuses a stale If-Match (412 with the current ETag) and accepts the current one and *', async () => {
      const id = await receive(clock.now());
      const stale = await rejection(admin().update(id, { status: 'in_progress' }, '"v2"', ctx));
      expect(stale).toMatchObject({ code: 'precondition_failed', options: { headers: { ETag: '"v1"' } } });
      expect((await admin().update(id, { status: 'in_progress' }, 'W/"v1", "v1"', ctx)).request.version).toBe(2);
      expect((await admin().update(id, { status: 'contacted' }, '*', ctx)).request.version).toBe(3);
    });

    it('bumps the version once for a status change and an assignment together, in one audit event', async () => {
      const id = await receive(clock.now());
      const record = await admin().update(
        id,
        { status: 'in_progress', assignedTo: staffId.toUpperCase() },
        '"v1"',
        ctx,
      );
      expect(record.request).toMatchObject({ status: 'in_progress', assignedTo: staffId, version: 2 });
      const updates = (await auditOf(id)).filter((e) => e.action === 'contact_request.updated');
      expect(updates.map((e) => e.metadata)).toEqual([{ from: 'new', to: 'in_progress', assignedTo: staffId }]);
    });

    it('rolls the status change, its history entry and its audit event back when the assignment is refused', async () => {
      const id = await receive(clock.now());
      const error = await rejection(
        admin().update(id, { status: 'in_progress', assignedTo: randomUUID() }, '"v1"', ctx),
      );
      expect(error).toMatchObject({
        code: 'validation_failed',
        options: { errors: [{ field: 'assignedTo', message: 'assignedTo must be an active staff member' }] },
      });
      expect(await requests().findById(id)).toMatchObject({ status: 'new', assignedTo: null, version: 1 });
      expect(await requests().history(id)).toHaveLength(1);
      expect((await auditOf(id)).map((e) => e.action)).toEqual([]);
    });

    it('refuses a deactivated staff member as assignee', async () => {
      const gone = await createStaff(app(), 'frontdesk');
      await db().query('UPDATE users SET active = false WHERE id = $1', [gone.user.id]);
      const id = await receive(clock.now());
      const error = await rejection(admin().update(id, { assignedTo: gone.user.id }, undefined, ctx));
      expect(error).toMatchObject({ code: 'validation_failed' });
      expect(await requests().findById(id)).toMatchObject({ assignedTo: null, version: 1 });
    });

    it('records reads, notes and erasure against the request, without bumping its version', async () => {
      const id = await receive(clock.now());
      await admin().get(id, ctx);
      const { note } = await admin().addNote(id, { body: 'Called back.' }, ctx);
      expect((await requests().findById(id))?.version).toBe(1);
      await admin().erase(id, ctx);
      expect(await requests().findById(id)).toBeNull();
      expect((await auditOf(id)).map((e) => [e.action, e.entityType, e.actorId, e.metadata])).toEqual([
        ['contact_request.read', 'contact_request', staffId, {}],
        ['contact_request.note_added', 'contact_request', staffId, { noteId: note.id }],
        ['contact_request.erased', 'contact_request', staffId, { status: 'new' }],
      ]);
      for (const missing of [
        () => admin().get(id, ctx),
        () => admin().addNote(id, { body: 'x' }, ctx),
        () => admin().erase(id, ctx),
      ]) {
        expect(await rejection(missing())).toMatchObject({ code: 'not_found' });
      }
    });

    itConcurrently(
      'lets exactly one of two concurrent changes with the same If-Match win; the other gets 412',
      async () => {
        const id = await receive(clock.now());
        // A third transaction holds the row, so both writers are under way (and wait) before either may go on.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let holding!: () => void;
        const held = new Promise<void>((resolve) => (holding = resolve));
        const holder = db().transaction(async (manager) => {
          await manager.query('SELECT 1 FROM contact_requests WHERE id = $1 FOR UPDATE', [id]);
          holding();
          await released;
        });
        await held;
        const both = Promise.allSettled([
          admin().update(id, { status: 'in_progress' }, '"v1"', ctx),
          admin().update(id, { status: 'spam' }, '"v1"', ctx),
        ]);
        let waiting = 0;
        for (let i = 0; i < 2000 && waiting < 2; i++) {
          const [row] = await db().query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          waiting = row.n;
          if (waiting < 2) await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect(waiting).toBe(2);
        release();
        await holder;
        const results = await both;
        const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.request.status] : []));
        const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]).toBeInstanceOf(AppException);
        expect(lost[0]).toMatchObject({ code: 'precondition_failed', options: { headers: { ETag: '"v2"' } } });
        const [winner] = won;
        expect(await requests().findById(id)).toMatchObject({ status: winner, version: 2 });
        // Both entries were made at the same instant: their order is the ids'.
        const history = (await requests().history(id)).map((h) => [h.fromStatus, h.toStatus]);
        expect(history).toHaveLength(2);
        expect(history).toEqual(
          expect.arrayContaining([
            [null, 'new'],
            ['new', winner],
          ]),
        );
        expect((await auditOf(id)).filter((e) => e.action === 'contact_request.updated')).toHaveLength(1);
      },
    );
  });

  describe('personal data', () => {
    /** Every personal value of PERSON, as sent and as stored (E.164, lower case), and the words of its message. */
    const person = PERSON as Record<'name' | 'phone' | 'email' | 'message', string>;
    const PERSONAL = [
      ...person.name.split(' '),
      person.phone,
      '4155552671',
      person.email.split('@')[0],
      person.email.toLowerCase().split('@')[0],
      ...person.message.split(' ').filter((word) => word.length > 5),
    ];
    const NOTE = 'Mentioned a sister called Evangelina';

    it('stores name, phone, email, message and notes encrypted, and keeps them out of the audit log and the logs', async () => {
      app().logs.lines.length = 0;
      const submitted = await app()
        .app.get(ContactRequestsService)
        .submit(PERSON as unknown as CreateContactRequestRequest, { key: undefined, ip: '203.0.113.9' }, ANONYMOUS);
      const [row] = await db().query<Record<string, unknown>[]>('SELECT * FROM contact_requests WHERE reference = $1', [
        submitted.receipt.reference,
      ]);
      const id = row.id as string;
      const raw = JSON.stringify(row);
      for (const value of PERSONAL) expect(raw).not.toContain(value);
      for (const column of ['name_cipher', 'phone_cipher', 'email_cipher', 'message_cipher']) {
        expect(row[column]).toMatch(/^v1\./);
      }

      // Everything staff do with it: list, search by phone and by email, read, move, assign, note, erase.
      await admin().list(PAGE, ctx);
      const byPhone = await admin().search({ ...PAGE, phone: '+1 (415) 555-2671' }, ctx);
      const byEmail = await admin().search({ ...PAGE, email: 'ROBIN.A@example.org' }, ctx);
      expect(byPhone.data.map((r) => r.request.id)).toEqual([id]);
      expect(byEmail.data.map((r) => r.request.id)).toEqual([id]);
      const full = await admin().get(id, ctx);
      expect(full.details).toEqual({
        name: 'Robin Achterberg',
        phone: '+14155552671',
        email: 'robin.a@example.org',
        message: PERSON.message,
      });
      await admin().update(id, { status: 'in_progress', assignedTo: staffId }, undefined, ctx);
      await admin().addNote(id, { body: NOTE }, ctx);
      expect(JSON.stringify(await db().query('SELECT * FROM contact_request_notes'))).not.toContain('Evangelina');
      expect((await admin().get(id, ctx)).notes.map((n) => n.body)).toEqual([NOTE]);
      await admin().erase(id, ctx);

      const events = await db().getRepository(AuditEvent).find();
      expect(events.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          'contact_request.received',
          'contact_request.listed',
          'contact_request.searched',
          'contact_request.read',
          'contact_request.updated',
          'contact_request.note_added',
          'contact_request.erased',
        ]),
      );
      const audited = JSON.stringify(events);
      for (const value of [...PERSONAL, 'Evangelina', 'example.org']) expect(audited).not.toContain(value);
      for (const value of [...PERSONAL, 'Evangelina']) expect(app().logs.text).not.toContain(value);
    });
  });
});

describe('contact request retention (medium)', () => {
  const purgeAt = new Date('2032-06-15T03:00:00.000Z');
  const clock = new ManualClock(new Date(purgeAt.getTime() - 401 * DAY));
  const app = useTestApp({
    isolatedDatabase: true,
    clock,
    env: { CONTACT_RETENTION_DAYS: '180', CONTACT_MAX_AGE_DAYS: '400' },
  });
  const { admin, db, receive } = parts(app);
  const ago = (days: number) => new Date(purgeAt.getTime() - days * DAY);

  it('deletes closed and spam requests past retention and every request past the maximum age, with their notes and history; counts the stale open ones; a second run deletes nothing more', async () => {
    const ctx = staffContext((await createStaff(app(), 'frontdesk')).user.id);
    /** A request received `receivedDaysAgo` before the purge, moved through `statuses` `movedDaysAgo` before it. */
    const request = async (receivedDaysAgo: number, statuses: ContactRequestStatus[] = [], movedDaysAgo?: number) => {
      clock.set(ago(receivedDaysAgo));
      const id = await receive(clock.now());
      if (movedDaysAgo !== undefined) clock.set(ago(movedDaysAgo));
      for (const status of statuses) await admin().update(id, { status }, undefined, ctx);
      await admin().addNote(id, { body: 'A note.' }, ctx);
      return id;
    };
    const closed = ['in_progress', 'contacted', 'closed'] as ContactRequestStatus[];

    // Past the maximum age (401 days): whatever the status.
    const oldNew = await request(401);
    const oldInProgress = await request(401, ['in_progress']);
    const oldSpamLately = await request(401, ['spam'], 7);
    const atMaxAge = await request(400); // exactly at the cutoff: kept (and waiting too long)
    // Closed or spam for longer than the retention period (180 days).
    const oldClosed = await request(401, closed, 400); // closed long ago: counted as closed, not as too old
    const closedPast = await request(200, closed, 181);
    clock.set(ago(181));
    const spamPast = await receive(clock.now(), { status: 'spam' });
    const closedAtCutoff = await request(200, closed, 180); // exactly at the cutoff: kept
    const closedWithin = await request(200, closed, 179);
    // Open: kept, and counted when received more than 30 days ago.
    const contactedOld = await request(200, ['in_progress', 'contacted'], 199);
    const waiting = await request(31);
    const recent = await request(29);

    const gone = [oldNew, oldInProgress, oldSpamLately, oldClosed, closedPast, spamPast];
    const kept = [atMaxAge, closedAtCutoff, closedWithin, contactedOld, waiting, recent];
    const count = async (table: string, ids: string[]) =>
      (
        await db().query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM ${table} WHERE ${table === 'contact_requests' ? 'id' : 'contact_request_id'} = ANY($1)`,
          [ids],
        )
      )[0].n;
    expect(await count('contact_request_notes', gone)).toBe(5);
    expect(await count('contact_request_status_changes', gone)).toBe(gone.length + 1 + 1 + 3 + 3);

    clock.set(purgeAt);
    const expected = {
      contactRequests: 6,
      closedOrSpam: 3,
      pastMaxAge: 3,
      openPastMaxAge: 2,
      staleOpen: 3,
      cutoff: ago(180).toISOString(),
      maxAgeCutoff: ago(400).toISOString(),
    };
    const first = await app().app.get(MaintenanceService).purge();
    expect(first['contact-requests'].counts).toEqual(expected);
    expect(first['contact-requests'].summary).toContain('6 contact requests deleted');
    for (const table of ['contact_requests', 'contact_request_notes', 'contact_request_status_changes']) {
      expect(await count(table, gone)).toBe(0);
    }
    expect(await count('contact_requests', kept)).toBe(kept.length);
    expect(await count('contact_request_notes', kept)).toBe(kept.length);

    const second = await app().app.get(MaintenanceService).purge();
    expect(second['contact-requests'].counts).toEqual({
      ...expected,
      contactRequests: 0,
      closedOrSpam: 0,
      pastMaxAge: 0,
      openPastMaxAge: 0,
    });
    expect(await count('contact_requests', kept)).toBe(kept.length);

    const events = await db()
      .getRepository(AuditEvent)
      .find({ where: { action: 'contact_request.purged' }, order: { occurredAt: 'ASC', id: 'ASC' } });
    expect(events.map((e) => [e.actorType, e.actorId, e.entityType, e.entityId, e.metadata])).toEqual(
      [first, second].map((run) => [
        'system',
        null,
        'contact_request',
        null,
        { ...run['contact-requests'].counts, retentionDays: 180, maxAgeDays: 400, staleOpenDays: 30 },
      ]),
    );
  });
});
