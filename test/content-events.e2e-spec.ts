import { DataSource } from 'typeorm';
import { ArticleGoLive } from '../src/articles/article-go-live.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { ReplyOverdue } from '../src/contact-requests/reply-overdue.js';
import { EVENT_NAMES } from '../src/notifications/events.js';
import {
  ADMIN_ARTICLES,
  ADMIN_CONTACT_REQUESTS,
  ADMIN_HOURS,
  ADMIN_TESTIMONIALS,
  approveTestimonial,
  contactRequestBody,
  contactRequestId,
  createArticle,
  createSchedule,
  createStaff,
  createTestimonial,
  PERSON,
  publishArticle,
  publishServices,
  scheduleBody,
  submitContactRequest,
  suffix,
} from './factories/index.js';
import type { StaffMember } from './utils/staff.js';
import { createScratchDatabase, describeConcurrently } from './setup/test-database.js';
import { type Emitted, emittedAbout, EventSchemas } from './utils/emitted-events.js';
import { createTestApp, type TestApp, useTestApp } from './utils/test-app.js';

const START = '2031-05-06T14:00:00.000Z';
const SECOND = 1000;
const HOUR = 3_600_000;
/** Events are written to the outbox whether or not endpoints exist (the dispatcher runs only when called). */
const HOOKS = {
  RATE_LIMIT_SUBMISSION_LIMIT: '1000',
  // Emails are written (and never sent: nothing listens there), so the overdue sweep's staff email can be seen.
  SMTP_URL: 'smtp://127.0.0.1:9',
  SMTP_FROM: 'Well Clinic <clinic@wellclinic.test>',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const articleTags = (id: string) => ['articles', `article:${id}`];

describe('content events: each change announced once, in its transaction, as documented', () => {
  const clock = new ManualClock(new Date(START));
  const app = useTestApp({ clock, env: HOOKS, isolatedDatabase: true });
  let editor: StaffMember;
  let frontdesk: StaffMember;
  let schemas: EventSchemas;
  /** Every payload the suite saw, to validate against the documented schemas at the end. */
  const seen: Emitted[] = [];

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    frontdesk = await createStaff(app(), 'frontdesk');
    await publishServices(app(), editor);
    schemas = await EventSchemas.of(app());
  });

  /** The events about `id` so far; each one's payload must match its documented schema. */
  async function events(id: string): Promise<Emitted[]> {
    const found = await emittedAbout(app(), id);
    seen.push(...found);
    for (const { payload } of found)
      expect({ payload, errors: schemas.errors(payload) }).toEqual({ payload, errors: [] });
    return found;
  }

  /** Each write happens a second after the last, so events order by time. */
  const tick = () => clock.advance(SECOND);
  const now = () => clock.now().toISOString();

  const http = () => app().http();
  const send = async (
    method: 'post' | 'patch' | 'put' | 'delete',
    path: string,
    staff: StaffMember,
    body?: object,
    status = 200,
  ): Promise<Record<string, unknown>> => {
    tick();
    const req = http()[method](path).set(staff.auth);
    const res = await (body ? req.send(body) : req);
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status, body: expect.anything() });
    return res.body as Record<string, unknown>;
  };

  describe('articles', () => {
    it('publishing now emits article.published once, with the tags the public responses carry', async () => {
      const article = await createArticle(app(), editor);
      expect(await events(article.id)).toEqual([]);
      tick();
      const published = await publishArticle(app(), editor, article.id);

      const [event] = await events(article.id);
      expect(await events(article.id)).toEqual([
        {
          event: 'article.published',
          payload: {
            event: 'article.published',
            id: expect.stringMatching(UUID),
            occurredAt: now(),
            articleId: article.id,
            slug: article.slug,
            version: 2,
            publishedAt: published.publishedAt,
            cacheTags: articleTags(article.id),
          },
        },
      ]);
      expect(event.payload.id).not.toBe(article.id);
      const page = await http().get(`/api/v1/articles/${article.slug}`).expect(200);
      expect(page.headers['cache-tag']).toBe(articleTags(article.id).join(','));
      // The sweep has nothing left to announce for it.
      expect(await app().app.get(ArticleGoLive).runOnce()).toEqual({ status: 'ran', done: 0 });
      expect(await events(article.id)).toHaveLength(1);
    });

    it('a live article: article.updated per change (the old slug named), none for a PATCH that changes nothing', async () => {
      const article = await createArticle(app(), editor);
      await publishArticle(app(), editor, article.id);
      const path = `${ADMIN_ARTICLES}/${article.id}`;
      await send('patch', path, editor, { title: 'A calmer title' });
      const firstAt = now();
      await send('patch', path, editor, { title: 'A calmer title' });
      const newSlug = `a-calmer-slug-${suffix()}`;
      await send('patch', path, editor, { slug: newSlug });

      const updates = (await events(article.id)).filter((e) => e.event === 'article.updated');
      expect(updates.map((e) => e.payload)).toEqual([
        expect.objectContaining({ occurredAt: firstAt, slug: article.slug, version: 3, previousSlug: null }),
        expect.objectContaining({ occurredAt: now(), slug: newSlug, version: 4, previousSlug: article.slug }),
      ]);
      expect(new Set(updates.map((e) => e.payload.id)).size).toBe(2);
    });

    it('restoring a revision of a live article emits article.updated', async () => {
      const article = await createArticle(app(), editor);
      await publishArticle(app(), editor, article.id);
      await send('patch', `${ADMIN_ARTICLES}/${article.id}`, editor, { title: 'Changed, then restored' });
      const revisions = await http().get(`${ADMIN_ARTICLES}/${article.id}/revisions`).set(editor.auth).expect(200);
      const first = (revisions.body as { data: { id: string; version: number }[] }).data.find((r) => r.version === 1)!;
      await send('post', `${ADMIN_ARTICLES}/${article.id}/revisions/${first.id}/restore`, editor);

      const updates = (await events(article.id)).filter((e) => e.event === 'article.updated');
      expect(updates.map((e) => [e.payload.version, e.payload.occurredAt])).toEqual([
        [3, expect.any(String)],
        [4, now()],
      ]);
    });

    it('drafts announce nothing: not their edits, nor their creation', async () => {
      const article = await createArticle(app(), editor);
      await send('patch', `${ADMIN_ARTICLES}/${article.id}`, editor, { title: 'Still a draft' });
      expect(await events(article.id)).toEqual([]);
    });

    it('unpublishing, archiving and deleting emit their events once each', async () => {
      const article = await createArticle(app(), editor);
      await publishArticle(app(), editor, article.id);
      await send('post', `${ADMIN_ARTICLES}/${article.id}/unpublish`, editor);
      const unpublishedAt = now();
      await send('post', `${ADMIN_ARTICLES}/${article.id}/archive`, editor);
      const archivedAt = now();
      await send('delete', `${ADMIN_ARTICLES}/${article.id}`, editor, undefined, 204);

      const base = { articleId: article.id, slug: article.slug, cacheTags: articleTags(article.id) };
      expect((await events(article.id)).map((e) => e.payload)).toEqual([
        expect.objectContaining({ event: 'article.published' }),
        {
          event: 'article.unpublished',
          id: expect.stringMatching(UUID),
          occurredAt: unpublishedAt,
          ...base,
          version: 3,
        },
        {
          event: 'article.archived',
          id: expect.stringMatching(UUID),
          occurredAt: archivedAt,
          ...base,
          version: 4,
          publishedAt: null,
        },
        {
          event: 'article.deleted',
          id: expect.stringMatching(UUID),
          occurredAt: now(),
          ...base,
          version: 4,
          status: 'archived',
        },
      ]);
    });

    it('a scheduled article: nothing at publishing or on edits, article.published once when its time comes', async () => {
      const article = await createArticle(app(), editor);
      const publishedAt = new Date(clock.now().getTime() + 2 * HOUR).toISOString();
      await publishArticle(app(), editor, article.id, { publishedAt });
      await send('patch', `${ADMIN_ARTICLES}/${article.id}`, editor, { title: 'Edited before it goes live' });
      const goLive = app().app.get(ArticleGoLive);
      expect(await goLive.runOnce()).toEqual({ status: 'ran', done: 0 });
      expect(await events(article.id)).toEqual([]);

      clock.set(new Date(Date.parse(publishedAt) - 1));
      expect(await goLive.runOnce()).toEqual({ status: 'ran', done: 0 });
      clock.set(publishedAt);
      expect(await goLive.runOnce()).toEqual({ status: 'ran', done: 1 });
      clock.advance(HOUR);
      expect(await goLive.runOnce()).toEqual({ status: 'ran', done: 0 });

      expect(await events(article.id)).toEqual([
        {
          event: 'article.published',
          payload: {
            event: 'article.published',
            id: expect.stringMatching(UUID),
            occurredAt: publishedAt,
            articleId: article.id,
            slug: article.slug,
            version: 3,
            publishedAt,
            cacheTags: articleTags(article.id),
          },
        },
      ]);
      // Live now: its edits are announced; the sweep's mark is no new version.
      const edited = await send('patch', `${ADMIN_ARTICLES}/${article.id}`, editor, { title: 'Edited once live' });
      expect(edited.version).toBe(4);
      expect((await events(article.id)).map((e) => e.event)).toEqual(['article.published', 'article.updated']);
    });

    it('a scheduled article unpublished before its time never goes live', async () => {
      const article = await createArticle(app(), editor);
      const publishedAt = new Date(clock.now().getTime() + HOUR).toISOString();
      await publishArticle(app(), editor, article.id, { publishedAt });
      await send('post', `${ADMIN_ARTICLES}/${article.id}/unpublish`, editor);
      clock.advance(2 * HOUR);
      await app().app.get(ArticleGoLive).runOnce();
      expect((await events(article.id)).map((e) => e.event)).toEqual(['article.unpublished']);
    });
  });

  describe('testimonials', () => {
    const tags = (id: string) => ['testimonials', `testimonial:${id}`];

    it('approval, public edits and reorders, and withdrawal: one event each, without the words or the name', async () => {
      const t = await createTestimonial(app(), editor);
      const path = `${ADMIN_TESTIMONIALS}/${t.id}`;
      // Pending: edits change nothing public.
      await send('patch', path, editor, { rating: 5 });
      tick();
      const approved = await approveTestimonial(app(), editor, t.id);
      const approvedAt = now();
      await send('patch', path, editor, { quote: 'Kinder words, still mine.' });
      const editedAt = now();
      await send('patch', path, editor, { quote: 'Kinder words, still mine.' });
      await send('put', `${ADMIN_TESTIMONIALS}/order`, editor, { items: [{ id: t.id, sortOrder: 7 }] }, 204);
      const reorderedAt = now();
      await send('post', `${path}/withdraw`, editor);

      const found = await events(t.id);
      expect(found.map((e) => e.payload)).toEqual([
        {
          event: 'testimonial.approved',
          id: expect.stringMatching(UUID),
          occurredAt: approvedAt,
          testimonialId: t.id,
          version: 3,
          approvedAt: approved.approvedAt,
          cacheTags: tags(t.id),
        },
        expect.objectContaining({ event: 'testimonial.updated', occurredAt: editedAt, version: 4 }),
        expect.objectContaining({ event: 'testimonial.updated', occurredAt: reorderedAt, version: 5 }),
        {
          event: 'testimonial.withdrawn',
          id: expect.stringMatching(UUID),
          occurredAt: now(),
          testimonialId: t.id,
          version: 6,
          withdrawnAt: now(),
          wasPublic: true,
          cacheTags: tags(t.id),
        },
      ]);
      const text = JSON.stringify(found);
      for (const personal of ['Kinder words', 'evening appointments', 'Jim', 'Marlowe'])
        expect(text).not.toContain(personal);
    });

    it('rejecting an approved one emits testimonial.unpublished once; approving it again, testimonial.approved', async () => {
      const t = await createTestimonial(app(), editor);
      const path = `${ADMIN_TESTIMONIALS}/${t.id}`;
      tick();
      await approveTestimonial(app(), editor, t.id);
      await send('post', `${path}/reject`, editor);
      const rejectedAt = now();
      // Rejected: edits are not public.
      await send('patch', path, editor, { rating: 3 });
      await send('post', `${path}/approve`, editor);

      expect((await events(t.id)).map((e) => e.payload)).toEqual([
        expect.objectContaining({ event: 'testimonial.approved', version: 2 }),
        {
          event: 'testimonial.unpublished',
          id: expect.stringMatching(UUID),
          occurredAt: rejectedAt,
          testimonialId: t.id,
          version: 3,
          reason: 'rejected',
          cacheTags: tags(t.id),
        },
        expect.objectContaining({ event: 'testimonial.approved', occurredAt: now(), version: 5 }),
      ]);
    });

    it('deleting a public one emits testimonial.unpublished once; deleting one never public, nothing', async () => {
      const shown = await createTestimonial(app(), editor);
      tick();
      await approveTestimonial(app(), editor, shown.id);
      await send('delete', `${ADMIN_TESTIMONIALS}/${shown.id}`, editor, undefined, 204);
      expect((await events(shown.id)).map((e) => e.payload)).toEqual([
        expect.objectContaining({ event: 'testimonial.approved' }),
        {
          event: 'testimonial.unpublished',
          id: expect.stringMatching(UUID),
          occurredAt: now(),
          testimonialId: shown.id,
          version: 2,
          reason: 'deleted',
          cacheTags: tags(shown.id),
        },
      ]);

      const pending = await createTestimonial(app(), editor);
      await send('delete', `${ADMIN_TESTIMONIALS}/${pending.id}`, editor, undefined, 204);
      const rejected = await createTestimonial(app(), editor);
      await send('post', `${ADMIN_TESTIMONIALS}/${rejected.id}/reject`, editor);
      await send('delete', `${ADMIN_TESTIMONIALS}/${rejected.id}`, editor, undefined, 204);
      expect(await events(pending.id)).toEqual([]);
      expect(await events(rejected.id)).toEqual([]);
    });

    it('rejection and edits of a rejected one announce nothing; withdrawing it says it was never public', async () => {
      const t = await createTestimonial(app(), editor);
      await send('post', `${ADMIN_TESTIMONIALS}/${t.id}/reject`, editor);
      await send('patch', `${ADMIN_TESTIMONIALS}/${t.id}`, editor, { rating: 2 });
      await send('post', `${ADMIN_TESTIMONIALS}/${t.id}/withdraw`, editor);
      expect((await events(t.id)).map((e) => [e.event, e.payload.wasPublic])).toEqual([
        ['testimonial.withdrawn', false],
      ]);
    });
  });

  describe('operating hours', () => {
    it('hours.changed for each change of a schedule or its exceptions, none for writes that change nothing', async () => {
      const key = `events-${suffix()}`;
      tick();
      const schedule = await createSchedule(app(), frontdesk, key);
      const createdAt = now();
      await send('put', `${ADMIN_HOURS}/${key}`, frontdesk, scheduleBody());
      await send('put', `${ADMIN_HOURS}/${key}`, frontdesk, scheduleBody({ name: 'Text line (new name)' }));
      const replacedAt = now();
      const exception = await send(
        'post',
        `${ADMIN_HOURS}/${key}/exceptions`,
        frontdesk,
        { startDate: '2031-07-04', closed: true, label: 'Independence Day' },
        201,
      );
      const exceptionAt = now();
      const exceptionPath = `${ADMIN_HOURS}/${key}/exceptions/${String(exception.id)}`;
      await send('patch', exceptionPath, frontdesk, { label: 'Independence Day' });
      await send('patch', exceptionPath, frontdesk, { label: 'Fourth of July' });
      const updatedAt = now();
      await send('delete', exceptionPath, frontdesk, undefined, 204);
      const deletedAt = now();
      await send('delete', `${ADMIN_HOURS}/${key}`, frontdesk, undefined, 204);

      const fields = { scheduleKey: key, scheduleId: schedule.id, cacheTags: ['hours', `hours:${key}`] };
      const change = (occurredAt: string, kind: string, exceptionId: unknown = null) => ({
        event: 'hours.changed',
        id: expect.stringMatching(UUID),
        occurredAt,
        ...fields,
        change: kind,
        exceptionId,
      });
      expect((await events(schedule.id)).map((e) => e.payload)).toEqual([
        change(createdAt, 'schedule_created'),
        change(replacedAt, 'schedule_replaced'),
        change(exceptionAt, 'exception_created', exception.id),
        change(updatedAt, 'exception_updated', exception.id),
        change(deletedAt, 'exception_deleted', exception.id),
        change(now(), 'schedule_deleted'),
      ]);
      // The tags are those of the public responses.
      await createSchedule(app(), frontdesk, key);
      const publicPage = await http().get(`/api/v1/hours/${key}`).expect(200);
      expect(publicPage.headers['cache-tag']).toBe(fields.cacheTags.join(','));
    });
  });

  describe('contact requests', () => {
    it('contact_request.created carries the reference and times, nothing personal', async () => {
      tick();
      const receipt = await submitContactRequest(app(), PERSON);
      const id = await contactRequestId(app(), frontdesk, receipt.reference);
      const found = await events(id);
      expect(found).toEqual([
        {
          event: 'contact_request.created',
          payload: {
            event: 'contact_request.created',
            id: expect.stringMatching(UUID),
            occurredAt: now(),
            contactRequestId: id,
            reference: receipt.reference,
            channel: 'text',
            createdAt: now(),
            expectedReplyBy: receipt.expectedReplyBy,
          },
        },
      ]);
      const text = JSON.stringify(found);
      // The phone number as sent and as stored (+14155552671): three digits alone turn up in random UUIDs.
      for (const personal of ['Robin', 'Achterberg', '555-2671', '5552671', 'Example.org', 'anxious'])
        expect(text).not.toContain(personal);
      // Handled: the next test's sweeps are about its own requests only.
      await send('patch', `${ADMIN_CONTACT_REQUESTS}/${id}`, frontdesk, { status: 'in_progress' });
    });

    it('contact_request.reply_overdue once for a request still new past its promised reply time', async () => {
      tick();
      const late = await submitContactRequest(app(), contactRequestBody());
      const handled = await submitContactRequest(app(), contactRequestBody());
      const lateId = await contactRequestId(app(), frontdesk, late.reference);
      const handledId = await contactRequestId(app(), frontdesk, handled.reference);
      await send('patch', `${ADMIN_CONTACT_REQUESTS}/${handledId}`, frontdesk, { status: 'in_progress' });
      const overdue = app().app.get(ReplyOverdue);

      clock.set(late.expectedReplyBy);
      expect(await overdue.runOnce()).toEqual({ status: 'ran', done: 0 });
      clock.advance(1);
      expect(await overdue.runOnce()).toEqual({ status: 'ran', done: 1 });
      clock.advance(HOUR);
      expect(await overdue.runOnce()).toEqual({ status: 'ran', done: 0 });

      expect((await events(lateId)).map((e) => e.payload)).toEqual([
        expect.objectContaining({ event: 'contact_request.created' }),
        {
          event: 'contact_request.reply_overdue',
          id: expect.stringMatching(UUID),
          occurredAt: late.expectedReplyBy,
          contactRequestId: lateId,
          reference: late.reference,
          channel: 'text',
          createdAt: expect.any(String),
          expectedReplyBy: late.expectedReplyBy,
        },
      ]);
      expect((await events(handledId)).map((e) => e.event)).toEqual(['contact_request.created']);
      // The staff's "reply overdue" email is written with the event, once.
      const mails = (id: string) =>
        app()
          .app.get(DataSource)
          .query<{ kind: string }[]>('SELECT kind FROM mail_outbox WHERE entity_id = $1 ORDER BY created_at', [id]);
      expect((await mails(lateId)).map((m) => m.kind)).toEqual([
        'contact_request.created',
        'contact_request.reply_overdue',
      ]);
      expect((await mails(handledId)).map((m) => m.kind)).toEqual(['contact_request.created']);
    });
  });

  describe('the documented payloads', () => {
    it('every event has a component schema in the OpenAPI document', () => {
      expect(EVENT_NAMES.filter((event) => !schemas.schemaOf(event))).toEqual([]);
    });

    it('every payload this suite saw matches its schema, and a stray field would not', () => {
      expect(new Set(seen.map((e) => e.event))).toEqual(new Set(EVENT_NAMES));
      for (const { payload } of seen) expect(schemas.errors(payload)).toEqual([]);
      const published = seen.find((e) => e.event === 'article.published')!.payload;
      expect(schemas.errors({ ...published, authorName: 'Maya Lindqvist' })).not.toEqual([]);
      expect(schemas.errors({ ...published, occurredAt: 'yesterday' })).not.toEqual([]);
    });
  });
});

/**
 * Two instances sharing one database run the sweeps at the same moment: each scheduled article goes live, and each
 * late request is announced, exactly once.
 */
describeConcurrently('sweeps on two instances at once', () => {
  const clock = new ManualClock(new Date(START));
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const env = { ...HOOKS, DATABASE_URL: scratch.url };
    a = await createTestApp({ env, clock });
    b = await createTestApp({ env: { ...env, DB_MIGRATE_ON_START: 'false' }, clock });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await scratch?.drop();
  });

  it('announce each due row once, whichever instance takes it', async () => {
    const editor = await createStaff(a, 'editor');
    const frontdesk = await createStaff(a, 'frontdesk');
    await publishServices(a, editor);
    const publishedAt = new Date(clock.now().getTime() + HOUR).toISOString();
    const articles = [];
    for (let i = 0; i < 6; i++) {
      const article = await createArticle(a, editor);
      await publishArticle(i % 2 ? a : b, editor, article.id, { publishedAt });
      articles.push(article);
    }
    const receipts = [];
    for (let i = 0; i < 4; i++) receipts.push(await submitContactRequest(i % 2 ? a : b, contactRequestBody()));
    const requestIds = await Promise.all(receipts.map((r) => contactRequestId(a, frontdesk, r.reference)));

    clock.advance(48 * HOUR);
    const runs = await Promise.all(
      [a, b, a, b].flatMap((t) => [t.app.get(ArticleGoLive).runOnce(), t.app.get(ReplyOverdue).runOnce()]),
    );
    const done = (outcomes: typeof runs) =>
      outcomes.reduce((sum, outcome) => sum + (outcome.status === 'ran' ? outcome.done : 0), 0);
    expect(done(runs.filter((_, i) => i % 2 === 0))).toBe(6);
    expect(done(runs.filter((_, i) => i % 2 === 1))).toBe(4);

    for (const article of articles) {
      expect((await emittedAbout(a, article.id)).map((e) => [e.event, e.payload.occurredAt])).toEqual([
        ['article.published', publishedAt],
      ]);
    }
    for (const id of requestIds) {
      expect((await emittedAbout(b, id)).map((e) => e.event)).toEqual([
        'contact_request.created',
        'contact_request.reply_overdue',
      ]);
    }
    // Later runs on either instance find nothing left.
    expect(await b.app.get(ArticleGoLive).runOnce()).toEqual({ status: 'ran', done: 0 });
    expect(await a.app.get(ReplyOverdue).runOnce()).toEqual({ status: 'ran', done: 0 });
  });
});
