import { ManualClock } from '../src/common/clock/clock.js';
import { expectInvalid, expectNoContent, expectProblem, ISO, JSON_TYPE, UUID } from './utils/expect-problem.js';
import { fieldError as err, unknownField } from './utils/field-errors.js';
import {
  ADMIN_HOURS,
  ADMIN_LOCATIONS,
  createLocation,
  createSchedule,
  createStaff,
  locationBody,
  LOCATIONS,
  type StaffMember,
} from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

// A Friday morning in Portland (UTC−8).
const NOW = '2026-11-20T18:00:00.000Z';
const SITE = 'https://www.wellclinic.example';

describe('locations', () => {
  const clock = new ManualClock(new Date(NOW));
  const app = useTestApp({ isolatedDatabase: true, clock, env: { PUBLIC_SITE_URL: SITE } });
  let editor: StaffMember;
  let frontdesk: StaffMember;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    frontdesk = await createStaff(app(), 'frontdesk');
    await createSchedule(app(), frontdesk, 'portland-office', {
      name: 'Portland office',
      timeZone: 'America/Los_Angeles',
      periods: [
        { day: 'monday', opens: '09:00', closes: '17:00' },
        { day: 'tuesday', opens: '09:00', closes: '17:00' },
        { day: 'saturday', opens: '10:00', closes: '14:00' },
      ],
    });
  });

  const http = () => app().http();

  it('creates a location for staff: 201, Location, ETag and the whole shape', async () => {
    const res = await http()
      .post(ADMIN_LOCATIONS)
      .set(editor.auth)
      .send(locationBody({ slug: 'created', hoursKey: 'portland-office' }));
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/admin/locations/${(res.body as { id: string }).id}`);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      slug: 'created',
      name: 'Harbor Street office',
      address: {
        street: '1200 Harbor Street, Suite 3',
        locality: 'Portland',
        region: 'OR',
        postalCode: '97209',
        country: 'US',
      },
      phone: '+15035550142',
      email: 'harbor@wellclinic.example',
      geo: { latitude: 45.5289, longitude: -122.6822 },
      photo: null,
      hoursKey: 'portland-office',
      accessibilityNotes: 'Step-free entrance.',
      parkingNotes: 'Street parking.',
      telehealthOnly: false,
      published: true,
      sortOrder: 0,
      version: 1,
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
  });

  it('serves a published location with a complete MedicalClinic JSON-LD, hours from its schedule', async () => {
    await createLocation(app(), editor, { slug: 'with-hours', hoursKey: 'portland-office' });
    const res = await http().get(`${LOCATIONS}/with-hours`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    // Caching ends by the next local midnight (14 hours away in Portland), here by max-age first.
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    const body = res.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('id');
    expect(body).not.toHaveProperty('published');
    expect(JSON.parse(body.jsonLd as string)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'MedicalClinic',
      '@id': `${SITE}/locations/with-hours#clinic`,
      name: 'Harbor Street office',
      url: `${SITE}/locations/with-hours`,
      address: {
        '@type': 'PostalAddress',
        streetAddress: '1200 Harbor Street, Suite 3',
        addressLocality: 'Portland',
        addressRegion: 'OR',
        postalCode: '97209',
        addressCountry: 'US',
      },
      geo: { '@type': 'GeoCoordinates', latitude: 45.5289, longitude: -122.6822 },
      telephone: '+15035550142',
      email: 'harbor@wellclinic.example',
      openingHoursSpecification: [
        {
          '@type': 'OpeningHoursSpecification',
          dayOfWeek: ['https://schema.org/Monday', 'https://schema.org/Tuesday'],
          opens: '09:00',
          closes: '17:00',
        },
        {
          '@type': 'OpeningHoursSpecification',
          dayOfWeek: ['https://schema.org/Saturday'],
          opens: '10:00',
          closes: '14:00',
        },
      ],
    });
  });

  it('shows an hours change at once in the JSON-LD (cached with the hours)', async () => {
    await createSchedule(app(), frontdesk, 'short-hours');
    await createLocation(app(), editor, { slug: 'short', hoursKey: 'short-hours' });
    const before = await http().get(`${LOCATIONS}/short`);
    await http()
      .put(`${ADMIN_HOURS}/short-hours`)
      .set(frontdesk.auth)
      .send({
        name: 'Short',
        timeZone: 'America/New_York',
        periods: [{ day: 'friday', opens: '10:00', closes: '12:00' }],
      });
    const after = await http().get(`${LOCATIONS}/short`);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(JSON.parse((after.body as { jsonLd: string }).jsonLd).openingHoursSpecification).toEqual([
      {
        '@type': 'OpeningHoursSpecification',
        dayOfWeek: ['https://schema.org/Friday'],
        opens: '10:00',
        closes: '12:00',
      },
    ]);
  });

  it('leaves out what a location lacks, and escapes what could close a script element', async () => {
    await createLocation(app(), editor, {
      slug: 'bare',
      name: 'Bare </script><script>alert(1)</script>',
      address: { street: '1 Main St', locality: 'Salem', country: 'US' },
      phone: undefined,
      email: undefined,
      geo: undefined,
    });
    const res = await http().get(`${LOCATIONS}/bare`);
    const jsonLd = (res.body as { jsonLd: string }).jsonLd;
    expect(jsonLd).not.toContain('<');
    expect(JSON.parse(jsonLd)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'MedicalClinic',
      '@id': `${SITE}/locations/bare#clinic`,
      name: 'Bare </script><script>alert(1)</script>',
      url: `${SITE}/locations/bare`,
      address: { '@type': 'PostalAddress', streetAddress: '1 Main St', addressLocality: 'Salem', addressCountry: 'US' },
    });
  });

  it('lists published locations only, in the clinic’s order, filtered by telehealthOnly', async () => {
    await createLocation(app(), editor, { slug: 'hidden', published: false });
    await createLocation(app(), editor, { slug: 'virtual', telehealthOnly: true, sortOrder: 0, name: 'A virtual' });
    const res = await http().get(LOCATIONS).query({ pageSize: '100' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    const slugs = (res.body as { data: { slug: string }[] }).data.map((l) => l.slug);
    expect(slugs).not.toContain('hidden');
    expect(slugs[0]).toBe('virtual');
    const tele = await http().get(LOCATIONS).query({ telehealthOnly: 'true' });
    expect((tele.body as { data: { slug: string }[] }).data.map((l) => l.slug)).toEqual(['virtual']);
    expectProblem(await http().get(`${LOCATIONS}/hidden`), {
      code: 'not_found',
      detail: 'No published location has this slug.',
      instance: `${LOCATIONS}/hidden`,
    });
  });

  it('edits under If-Match and deletes; a schedule deleted clears the location’s hoursKey', async () => {
    await createSchedule(app(), frontdesk, 'temporary');
    const { id } = await createLocation(app(), editor, { slug: 'editable', hoursKey: 'temporary' });
    const url = `${ADMIN_LOCATIONS}/${id}`;
    expect((await http().patch(url).set(editor.auth).set('If-Match', '"v9"').send({ name: 'x' })).status).toBe(412);
    const res = await http().patch(url).set(editor.auth).set('If-Match', '"v1"').send({ geo: null, phone: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ geo: null, phone: null, version: 2 });
    expect((await http().delete(`${ADMIN_HOURS}/temporary`).set(frontdesk.auth)).status).toBe(204);
    expect((await http().get(url).set(editor.auth)).body).toMatchObject({ hoursKey: null });
    expectNoContent(await http().delete(url).set(editor.auth).set('If-Match', '"v2"'));
    expect((await http().get(url).set(editor.auth)).status).toBe(404);
  });

  it('refuses a slug taken (409) and a schedule that does not exist (400 naming hoursKey)', async () => {
    await createLocation(app(), editor, { slug: 'taken' });
    expectProblem(
      await http()
        .post(ADMIN_LOCATIONS)
        .set(editor.auth)
        .send(locationBody({ slug: 'taken' })),
      { code: 'conflict', detail: 'Another location has this slug.', instance: ADMIN_LOCATIONS },
      { field: 'slug' },
    );
    expectInvalid(
      await http()
        .post(ADMIN_LOCATIONS)
        .set(editor.auth)
        .send(locationBody({ slug: 'n', hoursKey: 'no-such-hours' })),
      ADMIN_LOCATIONS,
      [err('hoursKey', 'hoursKey must be the slug of an existing operating-hours schedule')],
    );
  });

  it('answers 401 without credentials and 403 to front desk on every admin route', async () => {
    const { id } = await createLocation(app(), editor, { slug: 'auth-check' });
    const routes = [
      () => http().get(ADMIN_LOCATIONS),
      () =>
        http()
          .post(ADMIN_LOCATIONS)
          .send(locationBody({ slug: 'x' })),
      () => http().get(`${ADMIN_LOCATIONS}/${id}`),
      () => http().patch(`${ADMIN_LOCATIONS}/${id}`).send({ name: 'x' }),
      () => http().delete(`${ADMIN_LOCATIONS}/${id}`),
    ];
    for (const route of routes) {
      expect((await route()).body.code).toBe('unauthorized');
      expect((await route().set(frontdesk.auth)).body.code).toBe('forbidden');
    }
  });

  const address = (overrides: Record<string, unknown>) => ({
    street: '1 Main St',
    locality: 'Salem',
    country: 'US',
    ...overrides,
  });
  it.each<[string, Record<string, unknown>, ReturnType<typeof err>[]]>([
    ['no address', locationBody({ address: undefined }), [err('address', 'address must be an object')]],
    [
      'a country name',
      locationBody({ address: address({ country: 'USA' }) }),
      [err('address.country', 'country must be two capital letters, e.g. US')],
    ],
    [
      'an unknown country',
      locationBody({ address: address({ country: 'XX' }) }),
      [err('address.country', 'country must be an ISO 3166-1 alpha-2 country code, e.g. US')],
    ],
    [
      'a phone not in E.164',
      locationBody({ phone: '(503) 555-0142' }),
      [err('phone', 'phone must be a valid phone number in E.164, e.g. +15035550142')],
    ],
    [
      'a phone that does not exist',
      locationBody({ phone: '+10000000000' }),
      [err('phone', 'phone must be a valid phone number in E.164, e.g. +15035550142')],
    ],
    ['a bad email', locationBody({ email: 'nope' }), [err('email', 'email must be an email address')]],
    [
      'a latitude out of range',
      locationBody({ geo: { latitude: 91, longitude: 0 } }),
      [err('geo.latitude', 'latitude must not be greater than 90')],
    ],
    [
      'a longitude as text',
      locationBody({ geo: { latitude: 1, longitude: '2' } }),
      [err('geo.longitude', 'longitude must be a number conforming to the specified constraints')],
    ],
    [
      'a bad hours key',
      locationBody({ hoursKey: 'Office Hours' }),
      [err('hoursKey', 'hoursKey must be lowercase words joined by single hyphens')],
    ],
    ['an unknown field', locationBody({ photoUrl: 'x' }), [unknownField('photoUrl')]],
    [
      'a multi-line name',
      locationBody({ name: 'a\nb' }),
      [err('name', 'name must not contain control characters or line breaks')],
    ],
    [
      'an injection string as slug',
      locationBody({ slug: "a'; DROP TABLE locations; --" }),
      [err('slug', 'slug must be lowercase words joined by single hyphens')],
    ],
  ])('refuses %s (400)', async (_name, body, errors) => {
    expectInvalid(await http().post(ADMIN_LOCATIONS).set(editor.auth).send(body), ADMIN_LOCATIONS, errors);
  });

  it('refuses bad public input', async () => {
    expectInvalid(await http().get(`${LOCATIONS}/Bad_Slug`), `${LOCATIONS}/Bad_Slug`, [
      err('slug', 'slug must be lowercase words joined by single hyphens (at most 64)'),
    ]);
    expectInvalid(await http().get(LOCATIONS).query({ telehealthOnly: 'yes' }), LOCATIONS, [
      err('telehealthOnly', 'telehealthOnly must be a boolean value'),
    ]);
    expectInvalid(await http().get(LOCATIONS).query({ published: 'false' }), LOCATIONS, [unknownField('published')]);
  });
});
