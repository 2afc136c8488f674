import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { runSeeders } from '../src/database/seeding/seed-runner.js';
import { demoTestimonialsSeeder } from '../src/testimonials/demo-testimonials.seeder.js';
import {
  expectInvalid,
  expectJson,
  expectNoContent,
  expectProblem,
  ISO,
  JSON_TYPE,
  UUID,
} from './utils/expect-problem.js';
import {
  approveTestimonial,
  createApiKey,
  createStaff,
  createTestimonial,
  publishServices,
  type StaffMember,
  testimonialEntry,
  testimonialSubmission,
} from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

const PUBLIC = '/api/v1/testimonials';
const SUBMIT = `${PUBLIC}/submissions`;
const ADMIN = '/api/v1/admin/testimonials';
const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300';
const NOW = '2026-11-20T12:00:00.000Z';

type Json = Record<string, unknown>;

describe('testimonials', () => {
  const clock = new ManualClock(new Date(NOW));
  const app = useTestApp({ isolatedDatabase: true, clock, env: { RATE_LIMIT_SUBMISSION_LIMIT: '1000' } });
  let editor: StaffMember;
  let admin: StaffMember;
  let frontdesk: StaffMember;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    admin = await createStaff(app(), 'admin');
    frontdesk = await createStaff(app(), 'frontdesk');
    await publishServices(app(), editor);
  });

  const http = () => app().http();
  const db = () => app().app.get(DataSource);
  const rowOf = async (id: string) => (await db().query<Json[]>('SELECT * FROM testimonials WHERE id = $1', [id]))[0];
  const create = (overrides: Record<string, unknown> = {}) => createTestimonial(app(), editor, overrides);
  const act = (id: string, action: 'approve' | 'reject' | 'withdraw', headers: Record<string, string> = {}) =>
    http().post(`${ADMIN}/${id}/${action}`).set(editor.auth).set(headers);
  const approved = async (overrides: Record<string, unknown> = {}) => {
    const { id } = await create(overrides);
    clock.advance(1000);
    await approveTestimonial(app(), editor, id);
    return id;
  };
  const publicIds = async (query: Record<string, string> = {}) =>
    (
      (
        await http()
          .get(PUBLIC)
          .query({ pageSize: '100', ...query })
      ).body as { data: Json[] }
    ).data.map((t) => t.id);
  const auditOf = async (id: string) =>
    (
      await db()
        .getRepository(AuditEvent)
        .find({ where: { entityId: id }, order: { occurredAt: 'ASC', id: 'ASC' } })
    ).map((e) => ({ action: e.action, actorType: e.actorType, actorId: e.actorId, metadata: e.metadata }));

  describe('public submission', () => {
    it('stores a pending testimonial with only the last initial, consent recorded, and answers only id and status', async () => {
      const res = await http()
        .post(SUBMIT)
        .send(testimonialSubmission({ firstName: '  Ivette  Marie ', lastName: 'brennan' }));
      expectJson(res, 201, { id: expect.stringMatching(UUID), status: 'pending' });
      const id = (res.body as { id: string }).id;
      const row = await rowOf(id);
      expect(row).toMatchObject({
        quote: 'Our sessions helped us listen before we answer.',
        first_name: 'Ivette Marie',
        last_initial: 'B',
        service: 'couples-therapy',
        rating: 5,
        source: 'website',
        status: 'pending',
        spam: false,
        consent_text_version: '2026-01',
        consent_method: 'web-form',
        created_by: null,
      });
      expect((row.consent_given_at as Date).toISOString()).toBe(clock.now().toISOString());
      // The full last name is nowhere: not in the row, not in the audit log.
      expect(JSON.stringify(row).toLowerCase()).not.toContain('brennan');
      expect(await auditOf(id)).toEqual([
        {
          action: 'testimonial.submitted',
          actorType: 'anonymous',
          actorId: null,
          metadata: { spam: false, status: 'pending' },
        },
      ]);
      expect(await publicIds()).not.toContain(id);
    });

    it('keeps the service unknown when the visitor does not say, and takes a one-letter last name as is', async () => {
      const res = await http()
        .post(SUBMIT)
        .send(testimonialSubmission({ service: undefined, rating: undefined, lastName: 'ø' }));
      expect(res.status).toBe(201);
      const row = await rowOf((res.body as { id: string }).id);
      expect(row).toMatchObject({ service: null, rating: null, last_initial: 'Ø' });
    });

    it('stores a filled honeypot as rejected spam and answers exactly like a real submission', async () => {
      const real = await http()
        .post(SUBMIT)
        .send(testimonialSubmission({ website: '' }));
      const bot = await http()
        .post(SUBMIT)
        .send(testimonialSubmission({ website: 'https://cheap-pills.example' }));
      for (const res of [real, bot]) expectJson(res, 201, { id: expect.stringMatching(UUID), status: 'pending' });
      expect(Object.keys(bot.headers).sort()).toEqual(Object.keys(real.headers).sort());
      const id = (bot.body as { id: string }).id;
      expect(await rowOf(id)).toMatchObject({ status: 'rejected', spam: true });
      expect(await rowOf((real.body as { id: string }).id)).toMatchObject({ status: 'pending', spam: false });
      expect((await auditOf(id))[0]).toMatchObject({ metadata: { spam: true, status: 'rejected' } });
      expect(await publicIds()).not.toContain(id);
      const spamList = await http().get(ADMIN).query({ spam: 'true' }).set(editor.auth);
      expect((spamList.body as { data: Json[] }).data.map((t) => t.id)).toContain(id);
    });

    it('requires consent to be literally true', async () => {
      for (const consent of [false, 'true', 1, null]) {
        expectInvalid(await http().post(SUBMIT).send(testimonialSubmission({ consent })), SUBMIT, [
          { field: 'consent', message: "consent must be true: a testimonial needs its author's consent" },
        ]);
      }
      expectInvalid(
        await http()
          .post(SUBMIT)
          .send(testimonialSubmission({ consent: undefined })),
        SUBMIT,
        [{ field: 'consent', message: "consent must be true: a testimonial needs its author's consent" }],
      );
    });

    it('ignores credentials: staff submitting through the public form are still anonymous visitors', async () => {
      const res = await http().post(SUBMIT).set(admin.auth).send(testimonialSubmission());
      expect(res.status).toBe(201);
      expect((await auditOf((res.body as { id: string }).id))[0]).toMatchObject({ actorType: 'anonymous' });
    });
  });

  describe('public list', () => {
    it('shows approved testimonials only, featured first, then sortOrder, then newest approval', async () => {
      const oldPlain = await approved({ firstName: 'Ona', sortOrder: 5 });
      const newPlain = await approved({ firstName: 'Nia', sortOrder: 5 });
      const firstInOrder = await approved({ firstName: 'Fay', sortOrder: 1 });
      const featured = await approved({ firstName: 'Zoe', featured: true, sortOrder: 9 });
      const pending = (await create({ firstName: 'Pat' })).id;
      const rejected = (await create({ firstName: 'Rex' })).id;
      expect((await act(rejected, 'reject')).status).toBe(200);

      const ids = await publicIds();
      const mine = ids.filter((id) => [oldPlain, newPlain, firstInOrder, featured].includes(id as string));
      expect(mine).toEqual([featured, firstInOrder, newPlain, oldPlain]);
      expect(ids).not.toContain(pending);
      expect(ids).not.toContain(rejected);
    });

    it('answers the public shape with ETag, Cache-Control and 304, and nothing personal beyond the signature', async () => {
      const id = await approved({ firstName: 'Ivette', lastName: 'Brennan', quote: 'A calm place to start over.' });
      const res = await http().get(PUBLIC).query({ pageSize: '100' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.headers['cache-control']).toBe(PUBLIC_CACHE);
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
      const item = (res.body as { data: Json[] }).data.find((t) => t.id === id);
      expect(item).toEqual({
        id,
        quote: 'A calm place to start over.',
        displayName: 'Ivette B',
        service: 'individual-therapy',
        rating: 4,
        featured: false,
        approvedAt: clock.now().toISOString(),
      });
      const again = await http().get(PUBLIC).query({ pageSize: '100' }).set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
    });

    it('filters by service and featured, with the list envelope', async () => {
      const group = await approved({ service: 'group-therapy', featured: true });
      const family = await approved({ service: 'family-therapy' });
      const byService = await http().get(PUBLIC).query({ service: 'group-therapy' });
      expect((byService.body as { data: Json[] }).data.every((t) => t.service === 'group-therapy')).toBe(true);
      expect((byService.body as { data: Json[] }).data.map((t) => t.id)).toContain(group);
      expect(await publicIds({ featured: 'false' })).not.toContain(group);
      expect(await publicIds({ featured: 'false' })).toContain(family);
      expect(await publicIds({ featured: 'true' })).toEqual(expect.arrayContaining([group]));
      const page = await http().get(PUBLIC).query({ page: '2', pageSize: '1', service: 'family-therapy' });
      const total = (await publicIds({ service: 'family-therapy' })).length;
      expect(page.body).toEqual({
        data: total >= 2 ? [expect.objectContaining({ service: 'family-therapy' })] : [],
        meta: { page: 2, pageSize: 1, total, totalPages: total },
      });
    });

    it('shows a change at once: the server cache is cleared by every staff change', async () => {
      const id = (await create({ firstName: 'Cleo' })).id;
      const before = await http().get(PUBLIC).query({ pageSize: '100' });
      const cached = await http().get(PUBLIC).query({ pageSize: '100' });
      expect(cached.headers['x-cache']).toBe('HIT');
      expect(before.body).toEqual(cached.body);
      expect((await act(id, 'approve')).status).toBe(200);
      const after = await http().get(PUBLIC).query({ pageSize: '100' });
      expect(after.headers['x-cache']).toBe('MISS');
      expect((after.body as { data: Json[] }).data.map((t) => t.id)).toContain(id);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      // What a CDN purges by: the list, and each testimonial on the page.
      const shown = (after.body as { data: Json[] }).data.map((t) => `testimonial:${t.id as string}`);
      expect(after.headers['cache-tag']).toBe(['testimonials', ...shown].join(','));
      expect(after.headers['surrogate-key']).toBe(['testimonials', ...shown].join(' '));
      expect(cached.headers['cache-tag']).toMatch(/^testimonials(,testimonial:[0-9a-f-]{36})*$/);
    });
  });

  describe('staff', () => {
    it('enters a testimonial as pending, with Location, ETag, no-store and the full staff shape', async () => {
      const res = await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(testimonialEntry({ featured: true, sortOrder: 3 }));
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const id = (res.body as { id: string }).id;
      expect(res.headers.location).toBe(`${ADMIN}/${id}`);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        quote: 'The evening appointments made it possible for me to keep going.',
        firstName: 'Jim',
        lastInitial: 'M',
        displayName: 'Jim M',
        service: 'individual-therapy',
        rating: 4,
        source: 'in-person',
        status: 'pending',
        spam: false,
        featured: true,
        sortOrder: 3,
        consent: { givenAt: '2026-11-18T16:00:00.000Z', textVersion: '2026-01', method: 'signed-form' },
        approvedAt: null,
        approvedBy: null,
        rejectedAt: null,
        rejectedBy: null,
        withdrawnAt: null,
        withdrawnBy: null,
        version: 1,
        createdBy: editor.user.id,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect(JSON.stringify(await rowOf(id))).not.toContain('Marlowe');
      const got = await http().get(`${ADMIN}/${id}`).set(editor.auth);
      expectJson(got, 200, res.body);
      expect(got.headers.etag).toBe('"v1"');
    });

    it('refuses consent given in the future', async () => {
      const soon = new Date(clock.now().getTime() + 60_000).toISOString();
      const res = await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(testimonialEntry({ consent: { givenAt: soon, textVersion: '2026-01', method: 'email' } }));
      expectInvalid(res, ADMIN, [{ field: 'consent.givenAt', message: 'consent.givenAt must not be in the future' }]);
    });

    it('approves, records who and when, and publishes', async () => {
      const { id } = await create();
      clock.advance(5000);
      const res = await act(id, 'approve', { 'If-Match': '"v1"' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"v2"');
      expect(res.body).toMatchObject({
        status: 'approved',
        approvedAt: clock.now().toISOString(),
        approvedBy: editor.user.id,
        version: 2,
      });
      expect(await publicIds()).toContain(id);
    });

    it('edits with If-Match: 412 with the current ETag on a stale version, and only the fields sent change', async () => {
      const { id } = await create();
      const ok = await http()
        .patch(`${ADMIN}/${id}`)
        .set(editor.auth)
        .set('If-Match', '"v1"')
        .send({ quote: 'Edited for length.', lastName: 'Zimmer', rating: null });
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"v2"');
      expect(ok.body).toMatchObject({
        quote: 'Edited for length.',
        firstName: 'Jim',
        lastInitial: 'Z',
        displayName: 'Jim Z',
        rating: null,
        version: 2,
      });
      const stale = await http()
        .patch(`${ADMIN}/${id}`)
        .set(editor.auth)
        .set('If-Match', '"v1"')
        .send({ quote: 'Lost update.' });
      expectProblem(stale, {
        code: 'precondition_failed',
        detail: 'The testimonial has changed since you read it: reload it and retry.',
        instance: `${ADMIN}/${id}`,
      });
      expect(stale.headers.etag).toBe('"v2"');
      expect((await rowOf(id)).quote).toBe('Edited for length.');
      // Nothing to change: no new version.
      const same = await http().patch(`${ADMIN}/${id}`).set(editor.auth).send({ quote: 'Edited for length.' });
      expect(same.headers.etag).toBe('"v2"');
      for (const action of ['approve', 'reject', 'withdraw'] as const) {
        expect((await act(id, action, { 'If-Match': '"v1"' })).status).toBe(412);
      }
      expect((await http().delete(`${ADMIN}/${id}`).set(editor.auth).set('If-Match', 'W/"v2"')).status).toBe(412);
    });

    it('rejects an approved testimonial off the public site, and can approve it again', async () => {
      const id = await approved();
      const res = await act(id, 'reject');
      expect(res.body).toMatchObject({
        status: 'rejected',
        rejectedBy: editor.user.id,
        rejectedAt: expect.any(String),
      });
      expect(await publicIds()).not.toContain(id);
      expect((await act(id, 'approve')).status).toBe(200);
      expect(await publicIds()).toContain(id);
    });

    it('withdraws for good: the words and name are erased, it leaves the site, and it can never come back', async () => {
      const id = await approved({ quote: 'Please forget these words.', firstName: 'Wren' });
      clock.advance(1000);
      const res = await act(id, 'withdraw');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id,
        quote: null,
        firstName: null,
        lastInitial: null,
        displayName: '',
        rating: null,
        featured: false,
        status: 'withdrawn',
        withdrawnAt: clock.now().toISOString(),
        withdrawnBy: editor.user.id,
        consent: { givenAt: '2026-11-18T16:00:00.000Z', textVersion: '2026-01', method: 'signed-form' },
      });
      expect(await publicIds()).not.toContain(id);
      const row = JSON.stringify(await rowOf(id));
      expect(row).not.toContain('Please forget');
      expect(row).not.toContain('Wren');
      expect(JSON.stringify(await auditOf(id))).not.toContain('Please forget');

      for (const action of ['approve', 'reject', 'withdraw'] as const) {
        const refused = await act(id, action);
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({
          code: 'invalid_transition',
          currentStatus: 'withdrawn',
          allowedFrom: action === 'approve' ? ['pending', 'rejected'] : expect.any(Array),
        });
      }
      expectProblem(
        await http().patch(`${ADMIN}/${id}`).set(editor.auth).send({ quote: 'Back again?' }),
        { code: 'invalid_transition', detail: 'A withdrawn testimonial cannot be edited.', instance: `${ADMIN}/${id}` },
        { currentStatus: 'withdrawn' },
      );
    });

    it('refuses illegal moves with 409 naming the current status', async () => {
      const { id } = await create();
      const res = await act(id, 'reject');
      expect(res.status).toBe(200);
      expectProblem(
        await act(id, 'reject'),
        {
          code: 'invalid_transition',
          detail: 'A rejected testimonial cannot be rejected.',
          instance: `${ADMIN}/${id}/reject`,
        },
        { currentStatus: 'rejected', allowedFrom: ['pending', 'approved'] },
      );
      const pub = await approved();
      expectProblem(
        await act(pub, 'approve'),
        {
          code: 'invalid_transition',
          detail: 'An approved testimonial cannot be approved.',
          instance: `${ADMIN}/${pub}/approve`,
        },
        { currentStatus: 'approved', allowedFrom: ['pending', 'rejected'] },
      );
    });

    it('deletes, and 404s afterwards', async () => {
      const id = await approved();
      expectNoContent(await http().delete(`${ADMIN}/${id}`).set(editor.auth).set('If-Match', '"v2"'));
      expect(await publicIds()).not.toContain(id);
      const path = `${ADMIN}/${id}`;
      expectProblem(await http().get(path).set(editor.auth), {
        code: 'not_found',
        detail: 'No testimonial has this id.',
        instance: path,
      });
      expect((await http().delete(path).set(editor.auth)).status).toBe(404);
      expect((await act(id, 'approve')).status).toBe(404);
    });

    it('sets the order of several at once, all or nothing', async () => {
      const a = await approved({ sortOrder: 1 });
      const b = await approved({ sortOrder: 2 });
      const reorder = (items: { id: string; sortOrder: number }[]) =>
        http().put(`${ADMIN}/order`).set(editor.auth).send({ items });
      expectNoContent(
        await reorder([
          { id: a, sortOrder: 2 },
          { id: b, sortOrder: 1 },
        ]),
      );
      const ids = (await publicIds()).filter((id) => id === a || id === b);
      expect(ids).toEqual([b, a]);
      expect((await http().get(`${ADMIN}/${a}`).set(editor.auth)).body).toMatchObject({ sortOrder: 2, version: 3 });

      const unknown = '00000000-0000-4000-8000-000000000000';
      expectProblem(
        await reorder([
          { id: a, sortOrder: 0 },
          { id: unknown, sortOrder: 0 },
        ]),
        {
          code: 'not_found',
          detail: `No testimonial has the id ${unknown}.`,
          instance: `${ADMIN}/order`,
        },
      );
      expect((await http().get(`${ADMIN}/${a}`).set(editor.auth)).body).toMatchObject({ sortOrder: 2 });
    });

    it('lists every status with filters and sort, newest first by default', async () => {
      const pending = await create({ service: 'family-therapy' });
      clock.advance(1000);
      const other = await create({ service: 'family-therapy', featured: true });
      const res = await http().get(ADMIN).query({ status: 'pending', service: 'family-therapy' }).set(editor.auth);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as { data: Json[]; meta: Json };
      expect(body.data.every((t) => t.status === 'pending' && t.service === 'family-therapy')).toBe(true);
      const ids = body.data.map((t) => t.id);
      expect(ids.indexOf(other.id)).toBeLessThan(ids.indexOf(pending.id));
      expect(body.meta).toEqual({ page: 1, pageSize: 20, total: body.data.length, totalPages: 1 });
      const featured = await http()
        .get(ADMIN)
        .query({ featured: 'true', service: 'family-therapy', status: 'pending' })
        .set(editor.auth);
      expect((featured.body as { data: Json[] }).data.map((t) => t.id)).toEqual([other.id]);
      const oldest = await http().get(ADMIN).query({ sort: 'createdAt', pageSize: '100' }).set(editor.auth);
      const created = (oldest.body as { data: Json[] }).data.map((t) => t.createdAt as string);
      expect(created).toEqual([...created].sort());
    });

    it('records every change in the audit log with the actor, without the words', async () => {
      const { id } = await create({ quote: 'Private words in a quote.' });
      await http().patch(`${ADMIN}/${id}`).set(editor.auth).send({ rating: 5, featured: true });
      await act(id, 'approve');
      await http()
        .put(`${ADMIN}/order`)
        .set(editor.auth)
        .send({ items: [{ id, sortOrder: 42 }] });
      await act(id, 'reject');
      await act(id, 'withdraw');
      await http().delete(`${ADMIN}/${id}`).set(admin.auth);
      const events = await auditOf(id);
      expect(events.map((e) => [e.action, e.actorId])).toEqual([
        ['testimonial.created', editor.user.id],
        ['testimonial.updated', editor.user.id],
        ['testimonial.approved', editor.user.id],
        ['testimonial.reordered', editor.user.id],
        ['testimonial.rejected', editor.user.id],
        ['testimonial.withdrawn', editor.user.id],
        ['testimonial.deleted', admin.user.id],
      ]);
      expect(events[1].metadata).toEqual({ fields: ['rating', 'featured'], status: 'pending', version: 2 });
      expect(events[3].metadata).toEqual({ from: 0, to: 42, status: 'approved', version: 4 });
      expect(JSON.stringify(events)).not.toContain('Private words');
    });

    it('refuses the frontdesk role and anonymous callers', async () => {
      const { id } = await create();
      for (const [method, path] of [
        ['get', ADMIN],
        ['post', ADMIN],
        ['get', `${ADMIN}/${id}`],
        ['patch', `${ADMIN}/${id}`],
        ['delete', `${ADMIN}/${id}`],
        ['post', `${ADMIN}/${id}/approve`],
        ['post', `${ADMIN}/${id}/reject`],
        ['post', `${ADMIN}/${id}/withdraw`],
        ['put', `${ADMIN}/order`],
      ] as const) {
        const body = method === 'get' || method === 'delete' ? undefined : {};
        expectProblem(await http()[method](path).set(frontdesk.auth).send(body), {
          code: 'forbidden',
          detail: 'This requires one of the roles: admin, editor.',
          instance: path,
        });
        expect((await http()[method](path).send(body)).status).toBe(401);
      }
      expect((await rowOf(id)).status).toBe('pending');
    });
  });
});

describe('testimonial submissions under the public-submission rate limit', () => {
  const app = useTestApp({ env: { RATE_LIMIT_SUBMISSION_LIMIT: '2', RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '60' } });
  beforeAll(() => publishServices(app()));

  it('answers 429 with Retry-After and RateLimit headers once the budget is spent, honeypot or not', async () => {
    const send = (website?: string) => app().http().post(SUBMIT).send(testimonialSubmission({ website }));
    const first = await send();
    expect(first.status).toBe(201);
    expect(first.headers['ratelimit-limit']).toBe('2');
    expect((await send('bot.example')).status).toBe(201);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
  });
});

describe('demo testimonials', () => {
  const app = useTestApp({ isolatedDatabase: true });

  it('seed three approved (one about couples therapy, also in the change feed), one pending and one withdrawn', async () => {
    const ds = app().app.get(DataSource);
    expect(await runSeeders(ds, [demoTestimonialsSeeder], { embeddedDatabase: false })).toEqual(['demo-testimonials']);

    const list = (await app().http().get(PUBLIC)).body as { data: Json[]; meta: Json };
    expect(list.meta.total).toBe(3);
    expect(list.data.map((t) => t.service)).toContain('couples-therapy');
    expect(list.data[0].featured).toBe(true);
    for (const t of list.data) {
      expect(t.displayName).toMatch(/^\p{L}+ \p{Lu}$/u);
      expect((t.quote as string).length).toBeGreaterThan(40);
    }

    const rows = await ds.query<Json[]>('SELECT status, quote, first_name FROM testimonials ORDER BY created_at');
    expect(rows.map((r) => r.status).sort()).toEqual(['approved', 'approved', 'approved', 'pending', 'withdrawn']);
    expect(rows.find((r) => r.status === 'withdrawn')).toEqual({ status: 'withdrawn', quote: null, first_name: null });

    const { secret } = await createApiKey(app(), await createStaff(app(), 'admin'), { name: 'demo partner' });
    const changes = await app()
      .http()
      .get(`${ADMIN.replace('admin', 'integrations')}/changes`)
      .set('X-API-Key', secret);
    const feed = (changes.body as { data: { op: string; id: string }[] }).data;
    expect(feed.map((c) => c.op)).toEqual(['upsert', 'upsert', 'upsert']);
    expect(feed.map((c) => c.id).sort()).toEqual(list.data.map((t) => t.id as string).sort());
  });
});
