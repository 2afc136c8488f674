import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock/clock.js';
import {
  expectInvalid,
  expectJson,
  expectNoContent,
  expectProblem,
  ISO,
  JSON_TYPE,
  UUID,
} from './utils/expect-problem.js';
import { fieldError as err, unknownField } from './utils/field-errors.js';
import {
  ADMIN_SERVICES,
  contactRequestBody,
  CONTACT_REQUESTS,
  createService,
  createTestimonial,
  createStaff,
  serviceBody,
  SERVICES,
  type StaffMember,
  testimonialEntry,
  testimonialSubmission,
  TESTIMONIAL_SUBMISSIONS,
  ADMIN_TESTIMONIALS,
} from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

const NOW = '2026-11-20T12:00:00.000Z';
const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300';

/** How the migration ServicesDirectory left the five former services: hidden, bare. */
const former = (slug: string, name: string, audiences: string[]) => ({
  slug,
  name,
  description: '',
  descriptionHtml: '',
  audiences,
  formats: [],
  sessionLengthMinutes: null,
  fee: null,
  insuranceAccepted: [],
});

describe('services', () => {
  const clock = new ManualClock(new Date(NOW));
  const app = useTestApp({ isolatedDatabase: true, clock, env: { RATE_LIMIT_SUBMISSION_LIMIT: '1000' } });
  let editor: StaffMember;
  let frontdesk: StaffMember;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    frontdesk = await createStaff(app(), 'frontdesk');
  });

  const http = () => app().http();
  const db = () => app().app.get(DataSource);
  const adminList = async (query: Record<string, string> = {}) =>
    (await http().get(ADMIN_SERVICES).set(editor.auth).query(query)).body as { data: Record<string, unknown>[] };

  describe('the five former services', () => {
    it('exist after the migration, hidden and bare, so every stored slug still names one', async () => {
      const { data } = await adminList({ pageSize: '100' });
      const pick = (s: Record<string, unknown>) =>
        Object.fromEntries(Object.keys(former('', '', [])).map((key) => [key, s[key]]));
      expect(data.map(pick)).toEqual([
        former('individual-therapy', 'Individual therapy', ['individuals']),
        former('couples-therapy', 'Couples therapy', ['couples']),
        former('family-therapy', 'Family therapy', ['families']),
        former('group-therapy', 'Group therapy', ['groups']),
        former('other', 'Other', []),
      ]);
      expect(data.every((s) => s.published === false)).toBe(true);
      const res = await http().get(SERVICES);
      expect(res.body).toEqual({ data: [], meta: { page: 1, pageSize: 20, total: 0, totalPages: 0 } });
    });
  });

  describe('admin CRUD', () => {
    it('creates a service: 201, Location, ETag, the description rendered and sanitized', async () => {
      const res = await http()
        .post(ADMIN_SERVICES)
        .set(editor.auth)
        .send(
          serviceBody({
            slug: 'sand-play',
            description: 'Play <script>alert(1)</script> and [a link](javascript:alert(1)) and **bold**.',
            insuranceAccepted: ['  Cigna  '],
          }),
        );
      expect(res.status).toBe(201);
      const id = (res.body as { id: string }).id;
      expect(res.headers.location).toBe(`/api/v1/admin/services/${id}`);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        slug: 'sand-play',
        name: 'Art therapy',
        description: 'Play <script>alert(1)</script> and [a link](javascript:alert(1)) and **bold**.',
        descriptionHtml:
          '<p>Play &lt;script&gt;alert(1)&lt;/script&gt; and [a link](javascript:alert(1)) and <strong>bold</strong>.</p>\n',
        audiences: ['children', 'teens'],
        formats: ['in_person'],
        sessionLengthMinutes: 50,
        fee: { min: 120, max: 150, currency: 'USD', slidingScale: { min: 70, note: 'By income.' } },
        insuranceAccepted: ['Cigna'],
        published: true,
        sortOrder: 5,
        version: 1,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
    });

    it('refuses a slug already taken (409)', async () => {
      const res = await http()
        .post(ADMIN_SERVICES)
        .set(editor.auth)
        .send(serviceBody({ slug: 'couples-therapy' }));
      expectProblem(
        res,
        { code: 'conflict', detail: 'Another service has this slug.', instance: ADMIN_SERVICES },
        { field: 'slug' },
      );
    });

    it('edits under If-Match: 412 on a stale version, then the change and the next version', async () => {
      const { id } = await createService(app(), editor, { slug: 'walk-and-talk' });
      const url = `${ADMIN_SERVICES}/${id}`;
      const stale = await http().patch(url).set(editor.auth).set('If-Match', '"v7"').send({ name: 'Walk & talk' });
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('precondition_failed');
      const res = await http()
        .patch(url)
        .set(editor.auth)
        .set('If-Match', '"v1"')
        .send({ name: 'Walk & talk', fee: null, sessionLengthMinutes: null });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"v2"');
      expect(res.body).toMatchObject({ name: 'Walk & talk', fee: null, sessionLengthMinutes: null, version: 2 });
      const same = await http().patch(url).set(editor.auth).send({ name: 'Walk & talk' });
      expect(same.body).toMatchObject({ version: 2 });
    });

    it('deletes a service no one names, and refuses (409) one a testimonial names', async () => {
      const unused = await createService(app(), editor, { slug: 'unused' });
      expectNoContent(await http().delete(`${ADMIN_SERVICES}/${unused.id}`).set(editor.auth));
      expect((await http().get(`${ADMIN_SERVICES}/${unused.id}`).set(editor.auth)).status).toBe(404);

      const used = await createService(app(), editor, { slug: 'named-by-a-testimonial' });
      const entry = await http()
        .post(ADMIN_TESTIMONIALS)
        .set(editor.auth)
        .send(testimonialEntry({ service: 'named-by-a-testimonial' }));
      expect(entry.status).toBe(201);
      const url = `${ADMIN_SERVICES}/${used.id}`;
      expectProblem(
        await http().delete(url).set(editor.auth),
        {
          code: 'conflict',
          detail: 'The service is still named by testimonials: unpublish it instead, or change them first.',
          instance: url,
        },
        { usedBy: 'testimonials' },
      );
    });
  });

  describe('public', () => {
    beforeAll(async () => {
      await createService(app(), editor, { slug: 'telehealth-checkin', formats: ['telehealth'], sortOrder: 1 });
      await createService(app(), editor, { slug: 'hidden-one', published: false });
    });

    it('lists published services in the clinic’s order, cacheable, filtered by audience and format', async () => {
      const res = await http().get(SERVICES);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.headers['cache-control']).toBe(PUBLIC_CACHE);
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
      const slugs = (res.body as { data: { slug: string }[] }).data.map((s) => s.slug);
      expect(slugs[0]).toBe('telehealth-checkin');
      expect(slugs).not.toContain('hidden-one');
      expect(slugs).not.toContain('other');
      const item = (res.body as { data: Record<string, unknown>[] }).data[0];
      expect(Object.keys(item).sort()).toEqual(
        [
          'slug',
          'name',
          'description',
          'descriptionHtml',
          'audiences',
          'formats',
          'sessionLengthMinutes',
          'fee',
          'insuranceAccepted',
        ].sort(),
      );
      const tele = await http().get(SERVICES).query({ format: 'telehealth' });
      expect((tele.body as { data: { slug: string }[] }).data.map((s) => s.slug)).toEqual(['telehealth-checkin']);
      const couples = await http().get(SERVICES).query({ audience: 'couples' });
      expect((couples.body as { data: unknown[] }).data).toEqual([]);
      const again = await http().get(SERVICES).set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
    });

    it('shows one published service by slug; hidden and unknown ones are 404', async () => {
      const res = await http().get(`${SERVICES}/telehealth-checkin`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe(PUBLIC_CACHE);
      expect(res.body).toMatchObject({ slug: 'telehealth-checkin', formats: ['telehealth'] });
      expect(res.body).not.toHaveProperty('id');
      expect(res.body).not.toHaveProperty('published');
      for (const slug of ['hidden-one', 'no-such-service', 'other']) {
        expectProblem(await http().get(`${SERVICES}/${slug}`), {
          code: 'not_found',
          detail: 'No published service has this slug.',
          instance: `${SERVICES}/${slug}`,
        });
      }
    });

    it('refuses bad input', async () => {
      expectInvalid(await http().get(`${SERVICES}/Not_A_Slug`), `${SERVICES}/Not_A_Slug`, [
        err('slug', 'slug must be lowercase words joined by single hyphens (at most 64)'),
      ]);
      expectInvalid(await http().get(SERVICES).query({ format: 'video' }), SERVICES, [
        err('format', 'format must be one of: in_person, telehealth'),
      ]);
      expectInvalid(await http().get(SERVICES).query({ published: 'false' }), SERVICES, [unknownField('published')]);
    });

    it('forgets the cached list when staff change a service', async () => {
      const before = await http().get(SERVICES);
      await createService(app(), editor, { slug: 'fresh-one' });
      const after = await http().get(SERVICES);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect((after.body as { data: { slug: string }[] }).data.map((s) => s.slug)).toContain('fresh-one');
    });
  });

  describe('testimonials and contact requests name services by slug', () => {
    it('accept a service created by staff, and keep the field names and values', async () => {
      await createService(app(), editor, { slug: 'music-therapy' });
      const t = await http()
        .post(TESTIMONIAL_SUBMISSIONS)
        .send(testimonialSubmission({ service: 'music-therapy' }));
      expect(t.status).toBe(201);
      const stored = await db().query<{ service: string }[]>('SELECT service FROM testimonials WHERE id = $1', [
        (t.body as { id: string }).id,
      ]);
      expect(stored).toEqual([{ service: 'music-therapy' }]);
      const c = await http()
        .post(CONTACT_REQUESTS)
        .send(contactRequestBody({ serviceInterest: 'music-therapy' }));
      expect(c.status).toBe(201);
    });

    it('refuse an unknown slug with 400 naming the field, storing nothing', async () => {
      const count = async () =>
        (await db().query<{ n: number }[]>('SELECT count(*)::int AS n FROM contact_requests'))[0].n;
      const before = await count();
      expectInvalid(
        await http()
          .post(CONTACT_REQUESTS)
          .send(contactRequestBody({ serviceInterest: 'no-such-service' })),
        CONTACT_REQUESTS,
        [err('serviceInterest', 'serviceInterest must be the slug of an existing service')],
      );
      expect(await count()).toBe(before);
      expectInvalid(
        await http()
          .post(TESTIMONIAL_SUBMISSIONS)
          .send(testimonialSubmission({ service: 'no-such-service' })),
        TESTIMONIAL_SUBMISSIONS,
        [err('service', 'service must be the slug of an existing service')],
      );
    });

    it('take the former enum’s services on the public forms while they are hidden (their slugs were public)', async () => {
      // `other` stays hidden after the ServicesDirectory migration (no fixture publishes it).
      expect((await http().get('/api/v1/services/other')).status).toBe(404);
      const contact = await http()
        .post(CONTACT_REQUESTS)
        .send(contactRequestBody({ serviceInterest: 'other' }));
      expect(contact.status).toBe(201);
      const testimonial = await http()
        .post(TESTIMONIAL_SUBMISSIONS)
        .send(testimonialSubmission({ service: 'other' }));
      expect(testimonial.status).toBe(201);
      const stored = await db().query<{ c: number; t: number }[]>(
        "SELECT (SELECT count(*)::int FROM contact_requests WHERE service_interest = 'other') AS c, " +
          "(SELECT count(*)::int FROM testimonials WHERE service = 'other') AS t",
      );
      expect(stored[0]).toEqual({ c: 1, t: 1 });
    });

    it('refuse a hidden service on the public forms exactly as an unknown one; staff may still name it', async () => {
      const draft = await createService(app(), editor, { slug: 'quiet-draft', published: false });
      const counts = async () =>
        (
          await db().query<{ c: number; t: number }[]>(
            'SELECT (SELECT count(*)::int FROM contact_requests) AS c, (SELECT count(*)::int FROM testimonials) AS t',
          )
        )[0];
      const before = await counts();
      const answer = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) => ({
        status: res.status,
        contentType: res.headers['content-type'],
        body: { ...res.body, requestId: undefined },
      });
      const contact = (slug: string) =>
        http()
          .post(CONTACT_REQUESTS)
          .send(contactRequestBody({ serviceInterest: slug }));
      const hiddenContact = await contact('quiet-draft');
      expectInvalid(hiddenContact, CONTACT_REQUESTS, [
        err('serviceInterest', 'serviceInterest must be the slug of an existing service'),
      ]);
      expect(answer(hiddenContact)).toEqual(answer(await contact('no-such-service')));
      const testimonial = (slug: string) =>
        http()
          .post(TESTIMONIAL_SUBMISSIONS)
          .send(testimonialSubmission({ service: slug }));
      const hiddenTestimonial = await testimonial('quiet-draft');
      expectInvalid(hiddenTestimonial, TESTIMONIAL_SUBMISSIONS, [
        err('service', 'service must be the slug of an existing service'),
      ]);
      expect(answer(hiddenTestimonial)).toEqual(answer(await testimonial('no-such-service')));
      expect(await counts()).toEqual(before);

      // Staff enter testimonials about services not on the website yet, and move them there.
      const entered = await createTestimonial(app(), editor, { service: 'quiet-draft' });
      expect(entered.service).toBe('quiet-draft');
      const other = await createTestimonial(app(), editor);
      const moved = await http()
        .patch(`${ADMIN_TESTIMONIALS}/${other.id}`)
        .set(editor.auth)
        .send({ service: 'quiet-draft' });
      expect(moved.status).toBe(200);
      expect(moved.body.service).toBe('quiet-draft');

      // Once published, the public forms take it.
      const published = await http().patch(`${ADMIN_SERVICES}/${draft.id}`).set(editor.auth).send({ published: true });
      expect(published.status).toBe(200);
      expect((await testimonial('quiet-draft')).status).toBe(201);
      expect((await contact('quiet-draft')).status).toBe(201);
    });
  });

  describe('bad input and authorization (admin)', () => {
    it('answers 401 without credentials and 403 to front desk, on every admin route', async () => {
      const { id } = await createService(app(), editor, { slug: 'auth-check' });
      const routes = [
        () => http().get(ADMIN_SERVICES),
        () =>
          http()
            .post(ADMIN_SERVICES)
            .send(serviceBody({ slug: 'x-y' })),
        () => http().get(`${ADMIN_SERVICES}/${id}`),
        () => http().patch(`${ADMIN_SERVICES}/${id}`).send({ name: 'x' }),
        () => http().delete(`${ADMIN_SERVICES}/${id}`),
      ];
      for (const route of routes) {
        expect((await route()).body.code).toBe('unauthorized');
        expect((await route().set(frontdesk.auth)).body.code).toBe('forbidden');
      }
    });

    it.each<[string, Record<string, unknown>, ReturnType<typeof err>[]]>([
      ['no name', serviceBody({ name: undefined }), [err('name', 'name must be a string')]],
      [
        'a bad slug',
        serviceBody({ slug: 'Art Therapy' }),
        [err('slug', 'slug must be lowercase words joined by single hyphens')],
      ],
      [
        'an unknown audience',
        serviceBody({ audiences: ['pets'] }),
        [
          err(
            'audiences',
            'audiences must be a list of: individuals, couples, families, groups, children, teens, adults, seniors',
          ),
        ],
      ],
      [
        'an unknown format',
        serviceBody({ formats: ['phone'] }),
        [err('formats', 'formats must be a list of: in_person, telehealth')],
      ],
      [
        'a fractional session',
        serviceBody({ sessionLengthMinutes: 50.5 }),
        [err('sessionLengthMinutes', 'sessionLengthMinutes must be an integer')],
      ],
      [
        'an unknown currency',
        serviceBody({ fee: { min: 1, max: 2, currency: 'XXY' } }),
        [err('fee.currency', 'currency must be an ISO 4217 currency code, e.g. USD')],
      ],
      [
        'a fee upside down',
        serviceBody({ fee: { min: 200, max: 100, currency: 'USD' } }),
        [err('fee.max', 'fee.max must not be below fee.min')],
      ],
      [
        'a sliding scale above the fee',
        serviceBody({ fee: { min: 100, max: 120, currency: 'USD', slidingScale: { min: 110 } } }),
        [err('fee.slidingScale.min', 'fee.slidingScale.min must not be above fee.min')],
      ],
      [
        'an insurer twice',
        serviceBody({ insuranceAccepted: ['Aetna', 'Aetna'] }),
        [err('insuranceAccepted', 'insuranceAccepted must not list a value twice')],
      ],
      [
        'an empty insurer',
        serviceBody({ insuranceAccepted: [' '] }),
        [err('insuranceAccepted', 'insuranceAccepted must not contain empty values')],
      ],
      ['an unknown field', serviceBody({ photo: 'https://x.example/a.jpg' }), [unknownField('photo')]],
      [
        'an injection string as slug',
        serviceBody({ slug: "x'; DROP TABLE services; --" }),
        [err('slug', 'slug must be lowercase words joined by single hyphens')],
      ],
    ])('refuses %s (400)', async (_name, body, errors) => {
      expectInvalid(await http().post(ADMIN_SERVICES).set(editor.auth).send(body), ADMIN_SERVICES, errors);
    });

    it('refuses a slug in an update, a bad id and a bad sort', async () => {
      const { id } = await createService(app(), editor, { slug: 'fixed-slug' });
      const url = `${ADMIN_SERVICES}/${id}`;
      expectInvalid(await http().patch(url).set(editor.auth).send({ slug: 'renamed' }), url, [unknownField('slug')]);
      expectInvalid(await http().get(`${ADMIN_SERVICES}/nope`).set(editor.auth), `${ADMIN_SERVICES}/nope`, [
        err('id', 'id must be a UUID'),
      ]);
      const res = await http().get(ADMIN_SERVICES).set(editor.auth).query({ sort: 'fee' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('sort');
      expectJson(
        await http().get(`${ADMIN_SERVICES}/${id}`).set(editor.auth),
        200,
        expect.objectContaining({ slug: 'fixed-slug' }),
      );
    });
  });
});
