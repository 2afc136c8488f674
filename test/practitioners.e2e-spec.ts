import { expectInvalid, expectNoContent, expectProblem, ISO, JSON_TYPE, UUID } from './utils/expect-problem.js';
import { fieldError as err, unknownField } from './utils/field-errors.js';
import {
  ADMIN_LOCATIONS,
  ADMIN_PRACTITIONERS,
  ADMIN_SERVICES,
  createLocation,
  createPractitioner,
  createService,
  createStaff,
  practitionerBody,
  PRACTITIONERS,
  SERVICES,
  type StaffMember,
} from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

const SITE = 'https://www.wellclinic.example';
const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300';

type Json = Record<string, unknown>;

describe('practitioners', () => {
  const app = useTestApp({ isolatedDatabase: true, env: { PUBLIC_SITE_URL: SITE } });
  let editor: StaffMember;
  let frontdesk: StaffMember;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    frontdesk = await createStaff(app(), 'frontdesk');
    await createService(app(), editor, { slug: 'emdr-therapy' });
    await createService(app(), editor, { slug: 'listed-service' });
    await createService(app(), editor, { slug: 'hidden-service', published: false });
    await createLocation(app(), editor, { slug: 'downtown', name: 'Downtown office' });
    await createLocation(app(), editor, { slug: 'closed-office', published: false });
  });

  const http = () => app().http();
  /** The public list's slugs among those of the public tests (the admin tests add others). */
  const OURS = ['ana-spanish', 'ben-full', 'hidden-person'];
  const slugs = async (query: Record<string, string>) =>
    (
      (
        await http()
          .get(PRACTITIONERS)
          .query({ pageSize: '100', ...query })
      ).body as { data: { slug: string }[] }
    ).data
      .map((p) => p.slug)
      .filter((slug) => OURS.includes(slug));

  describe('admin', () => {
    it('creates a practitioner: 201, Location, ETag, the whole staff shape with every licence', async () => {
      const res = await http()
        .post(ADMIN_PRACTITIONERS)
        .set(editor.auth)
        .send(
          practitionerBody({
            slug: 'created',
            languages: ['EN', 'es-mx'],
            services: ['emdr-therapy', 'hidden-service'],
            locations: ['downtown'],
          }),
        );
      expect(res.status).toBe(201);
      const id = (res.body as { id: string }).id;
      expect(res.headers.location).toBe(`/api/v1/admin/practitioners/${id}`);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        slug: 'created',
        name: 'Maya Lindqvist',
        pronouns: 'she/her',
        jobTitle: 'Licensed Marriage and Family Therapist',
        credentials: ['LMFT'],
        photo: null,
        licenses: [
          { state: 'OR', type: 'LMFT', number: 'T1234', public: true },
          { state: 'WA', type: 'LMFT', number: 'SECRET-99', public: false },
        ],
        bio: 'Maya works with **couples**.',
        bioHtml: '<p>Maya works with <strong>couples</strong>.</p>\n',
        specialties: ['couples', 'anxiety'],
        approaches: ['EFT'],
        languages: ['en', 'es-MX'],
        services: ['emdr-therapy', 'hidden-service'],
        locations: ['downtown'],
        telehealth: true,
        acceptingNewClients: true,
        acceptingNewClientsNote: null,
        published: true,
        sortOrder: 0,
        previousSlugs: [],
        version: 1,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
    });

    it('refuses unknown services and locations (400 naming the field) and a slug taken (409)', async () => {
      expectInvalid(
        await http()
          .post(ADMIN_PRACTITIONERS)
          .set(editor.auth)
          .send(practitionerBody({ slug: 'x1', services: ['no-such-service'] })),
        ADMIN_PRACTITIONERS,
        [err('services', 'services must be the slug of an existing service')],
      );
      expectInvalid(
        await http()
          .post(ADMIN_PRACTITIONERS)
          .set(editor.auth)
          .send(practitionerBody({ slug: 'x2', locations: ['atlantis'] })),
        ADMIN_PRACTITIONERS,
        [err('locations', 'locations must be the slug of an existing location')],
      );
      await createPractitioner(app(), editor, { slug: 'taken' });
      expectProblem(
        await http()
          .post(ADMIN_PRACTITIONERS)
          .set(editor.auth)
          .send(practitionerBody({ slug: 'taken' })),
        { code: 'conflict', detail: 'Another practitioner has this slug.', instance: ADMIN_PRACTITIONERS },
        { field: 'slug' },
      );
    });

    it('keeps services and locations a practitioner names: deleting them is 409', async () => {
      const service = await createService(app(), editor, { slug: 'kept-service' });
      const location = await createLocation(app(), editor, { slug: 'kept-location' });
      await createPractitioner(app(), editor, {
        slug: 'keeper',
        services: ['kept-service'],
        locations: ['kept-location'],
      });
      expectProblem(
        await http().delete(`${ADMIN_SERVICES}/${service.id}`).set(editor.auth),
        {
          code: 'conflict',
          detail: 'The service is still named by practitioners: unpublish it instead, or change them first.',
          instance: `${ADMIN_SERVICES}/${service.id}`,
        },
        { usedBy: 'practitioners' },
      );
      expectProblem(
        await http().delete(`${ADMIN_LOCATIONS}/${location.id}`).set(editor.auth),
        {
          code: 'conflict',
          detail: 'The location is still named by practitioners: unpublish it instead, or change them first.',
          instance: `${ADMIN_LOCATIONS}/${location.id}`,
        },
        { usedBy: 'practitioners' },
      );
    });

    it('renames under If-Match: the old slug answers 301 publicly; deleting removes both', async () => {
      const { id } = await createPractitioner(app(), editor, { slug: 'old-name' });
      const url = `${ADMIN_PRACTITIONERS}/${id}`;
      const stale = await http().patch(url).set(editor.auth).set('If-Match', '"v3"').send({ slug: 'new-name' });
      expect(stale.status).toBe(412);
      const res = await http().patch(url).set(editor.auth).set('If-Match', '"v1"').send({ slug: 'new-name' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ slug: 'new-name', previousSlugs: ['old-name'], version: 2 });
      const moved = await http().get(`${PRACTITIONERS}/old-name`);
      expect(moved.status).toBe(301);
      expect(moved.headers.location).toBe(`${PRACTITIONERS}/new-name`);
      // Renaming back takes the old slug over again.
      const back = await http().patch(url).set(editor.auth).send({ slug: 'old-name' });
      expect(back.body).toMatchObject({ slug: 'old-name', previousSlugs: ['new-name'] });
      expect((await http().get(`${PRACTITIONERS}/old-name`)).status).toBe(200);
      expectNoContent(await http().delete(url).set(editor.auth));
      for (const slug of ['old-name', 'new-name']) {
        expect((await http().get(`${PRACTITIONERS}/${slug}`)).status).toBe(404);
      }
    });

    it('answers 401 without credentials and 403 to front desk on every admin route', async () => {
      const { id } = await createPractitioner(app(), editor, { slug: 'auth-check' });
      const routes = [
        () => http().get(ADMIN_PRACTITIONERS),
        () =>
          http()
            .post(ADMIN_PRACTITIONERS)
            .send(practitionerBody({ slug: 'x' })),
        () => http().get(`${ADMIN_PRACTITIONERS}/${id}`),
        () => http().patch(`${ADMIN_PRACTITIONERS}/${id}`).send({ name: 'x' }),
        () => http().delete(`${ADMIN_PRACTITIONERS}/${id}`),
      ];
      for (const route of routes) {
        expect((await route()).body.code).toBe('unauthorized');
        expect((await route().set(frontdesk.auth)).body.code).toBe('forbidden');
      }
    });

    it.each<[string, Json, ReturnType<typeof err>[]]>([
      ['no name', practitionerBody({ name: undefined }), [err('name', 'name must be a string')]],
      [
        'a language that is no BCP 47 tag',
        practitionerBody({ languages: ['english!'] }),
        [err('languages', 'languages must be BCP 47 language tags, e.g. en, es-MX')],
      ],
      [
        'a licence without a number',
        practitionerBody({ licenses: [{ state: 'OR', type: 'LPC', public: true }] }),
        [err('licenses.0.number', 'number must be a string')],
      ],
      [
        'a licence with public as text',
        practitionerBody({ licenses: [{ state: 'OR', type: 'LPC', number: '1', public: 'yes' }] }),
        [err('licenses.0.public', 'public must be a boolean value')],
      ],
      [
        'a service twice',
        practitionerBody({ services: ['emdr-therapy', 'emdr-therapy'] }),
        [err('services', 'services must not list a value twice')],
      ],
      [
        'a location that is no slug',
        practitionerBody({ locations: ['Down Town'] }),
        [err('locations', 'locations must be slugs: lowercase words joined by single hyphens')],
      ],
      ['an unknown field', practitionerBody({ photoUrl: 'https://x.example/a.jpg' }), [unknownField('photoUrl')]],
      [
        'an injection string as slug',
        practitionerBody({ slug: "x'; DROP TABLE practitioners; --" }),
        [err('slug', 'slug must be lowercase words joined by single hyphens')],
      ],
      [
        'a 121-character name',
        practitionerBody({ name: 'n'.repeat(121) }),
        [err('name', 'name must be shorter than or equal to 120 characters')],
      ],
    ])('refuses %s (400)', async (_name, body, errors) => {
      expectInvalid(await http().post(ADMIN_PRACTITIONERS).set(editor.auth).send(body), ADMIN_PRACTITIONERS, errors);
    });
  });

  describe('public', () => {
    beforeAll(async () => {
      await createPractitioner(app(), editor, {
        slug: 'ana-spanish',
        name: 'Ana',
        languages: ['es-MX'],
        specialties: ['Grief'],
        services: ['listed-service', 'hidden-service'],
        locations: ['downtown', 'closed-office'],
        telehealth: false,
        sortOrder: 1,
      });
      await createPractitioner(app(), editor, {
        slug: 'ben-full',
        name: 'Ben',
        languages: ['en'],
        acceptingNewClients: false,
        acceptingNewClientsNote: 'Waitlist.',
        sortOrder: 2,
      });
      await createPractitioner(app(), editor, { slug: 'hidden-person', published: false, languages: ['es'] });
    });

    it('lists published practitioners, filtered, cacheable', async () => {
      const res = await http().get(PRACTITIONERS).query({ pageSize: '100' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.headers['cache-control']).toBe(PUBLIC_CACHE);
      expect(await slugs({})).toEqual(['ana-spanish', 'ben-full']);
      expect(await slugs({ language: 'es' })).toEqual(['ana-spanish']);
      expect(await slugs({ language: 'ES-mx' })).toEqual(['ana-spanish']);
      expect(await slugs({ specialty: 'grief' })).toEqual(['ana-spanish']);
      expect(await slugs({ service: 'listed-service' })).toEqual(['ana-spanish']);
      expect(await slugs({ location: 'downtown' })).toEqual(['ana-spanish']);
      expect(await slugs({ telehealth: 'false' })).toEqual(['ana-spanish']);
      expect(await slugs({ acceptingNewClients: 'false' })).toEqual(['ben-full']);
      expect(await slugs({ language: 'es', telehealth: 'true' })).toEqual([]);
      const again = await http().get(PRACTITIONERS).query({ pageSize: '100' }).set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
    });

    it('shows one with public licences only, published links only, and a Person JSON-LD', async () => {
      const res = await http().get(`${PRACTITIONERS}/ana-spanish`);
      expect(res.status).toBe(200);
      const body = res.body as Json;
      expect(body).toMatchObject({
        slug: 'ana-spanish',
        services: ['listed-service'],
        locations: ['downtown'],
        licenses: [{ state: 'OR', type: 'LMFT', number: 'T1234' }],
      });
      expect(res.text).not.toContain('SECRET-99');
      expect(body).not.toHaveProperty('id');
      expect(body).not.toHaveProperty('published');
      expect(JSON.parse(body.jsonLd as string)).toEqual({
        '@context': 'https://schema.org',
        '@type': 'Person',
        '@id': `${SITE}/practitioners/ana-spanish#person`,
        name: 'Ana',
        url: `${SITE}/practitioners/ana-spanish`,
        jobTitle: 'Licensed Marriage and Family Therapist',
        knowsLanguage: ['es-MX'],
        hasCredential: [
          { '@type': 'EducationalOccupationalCredential', name: 'LMFT' },
          {
            '@type': 'EducationalOccupationalCredential',
            credentialCategory: 'license',
            name: 'LMFT',
            identifier: 'T1234',
            validIn: { '@type': 'AdministrativeArea', name: 'OR' },
          },
        ],
        knowsAbout: ['Grief'],
        worksFor: [{ '@type': 'MedicalClinic', '@id': `${SITE}/locations/downtown#clinic`, name: 'Downtown office' }],
      });
      expectProblem(await http().get(`${PRACTITIONERS}/hidden-person`), {
        code: 'not_found',
        detail: 'No published practitioner has this slug.',
        instance: `${PRACTITIONERS}/hidden-person`,
      });
    });

    it('lists who offers a service on its page, and updates it when a practitioner changes', async () => {
      const before = await http().get(`${SERVICES}/listed-service`);
      expect((before.body as { practitioners: Json[] }).practitioners).toEqual([
        { slug: 'ana-spanish', name: 'Ana', credentials: ['LMFT'] },
      ]);
      const admin = (await http().get('/api/v1/admin/practitioners').set(editor.auth).query({ pageSize: '100' }))
        .body as { data: { id: string; slug: string }[] };
      const ben = admin.data.find((p) => p.slug === 'ben-full')!;
      await http()
        .patch(`${ADMIN_PRACTITIONERS}/${ben.id}`)
        .set(editor.auth)
        .send({ services: ['listed-service'] });
      const after = await http().get(`${SERVICES}/listed-service`);
      expect((after.body as { practitioners: { slug: string }[] }).practitioners.map((p) => p.slug)).toEqual([
        'ana-spanish',
        'ben-full',
      ]);
    });

    it('refuses bad public input', async () => {
      expectInvalid(await http().get(PRACTITIONERS).query({ telehealth: 'yes' }), PRACTITIONERS, [
        err('telehealth', 'telehealth must be a boolean value'),
      ]);
      expectInvalid(await http().get(PRACTITIONERS).query({ language: 'en_US' }), PRACTITIONERS, [
        err('language', 'language must be a BCP 47 language tag, e.g. es'),
      ]);
      expectInvalid(await http().get(PRACTITIONERS).query({ service: "x' OR 1=1" }), PRACTITIONERS, [
        err('service', 'service must be lowercase words joined by single hyphens'),
      ]);
      expectInvalid(await http().get(PRACTITIONERS).query({ published: 'false' }), PRACTITIONERS, [
        unknownField('published'),
      ]);
      expectInvalid(await http().get(`${PRACTITIONERS}/Bad_Slug`), `${PRACTITIONERS}/Bad_Slug`, [
        err('slug', 'slug must be lowercase words joined by single hyphens (at most 120)'),
      ]);
    });
  });
});
