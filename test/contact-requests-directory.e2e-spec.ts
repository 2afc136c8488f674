import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { expectInvalid, expectProblem } from './utils/expect-problem.js';
import { fieldError as err } from './utils/field-errors.js';
import {
  ADMIN_CONTACT_REQUESTS,
  ADMIN_LOCATIONS,
  ADMIN_PRACTITIONERS,
  contactRequestBody,
  CONTACT_REQUESTS,
  createLocation,
  createPractitioner,
  createService,
  createStaff,
  publishServices,
  type StaffMember,
  submitContactRequest,
} from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

/** Contact requests naming a service, a location and a preferred practitioner by slug; the staff list's filters. */
describe('contact requests: services, locations and practitioners', () => {
  const app = useTestApp({ isolatedDatabase: true, env: { RATE_LIMIT_SUBMISSION_LIMIT: '1000' } });
  let editor: StaffMember;
  let frontdesk: StaffMember;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    frontdesk = await createStaff(app(), 'frontdesk');
    await createService(app(), editor, { slug: 'art-therapy' });
    await createLocation(app(), editor, { slug: 'harbor-street' });
    await createLocation(app(), editor, { slug: 'riverside' });
    await createPractitioner(app(), editor, { slug: 'elena-marsh' });
    // What contactRequestBody names by default.
    await publishServices(app(), editor);
    await createService(app(), editor, { slug: 'draft-service', published: false });
    hidden.location = (await createLocation(app(), editor, { slug: 'draft-office', published: false })).id;
    hidden.practitioner = (await createPractitioner(app(), editor, { slug: 'draft-person', published: false })).id;
  });
  /** The ids of the hidden location and practitioner made above. */
  const hidden = { location: '', practitioner: '' };

  const http = () => app().http();
  const db = () => app().app.get(DataSource);
  const count = async () => (await db().query<{ n: number }[]>('SELECT count(*)::int AS n FROM contact_requests'))[0].n;
  const references = async (query: Record<string, string>) =>
    (
      (await http().get(ADMIN_CONTACT_REQUESTS).set(frontdesk.auth).query(query)).body as {
        data: { reference: string }[];
      }
    ).data.map((r) => r.reference);

  it('stores what the person named, shows it to staff, and filters the list by each', async () => {
    const named = await submitContactRequest(
      app(),
      contactRequestBody({
        serviceInterest: 'art-therapy',
        location: 'harbor-street',
        preferredPractitioner: 'elena-marsh',
      }),
    );
    const other = await submitContactRequest(app(), contactRequestBody({ location: 'riverside' }));
    const list = await http().get(ADMIN_CONTACT_REQUESTS).set(frontdesk.auth).query({ location: 'harbor-street' });
    expect(list.status).toBe(200);
    expect((list.body as { data: Record<string, unknown>[] }).data).toEqual([
      expect.objectContaining({
        reference: named.reference,
        serviceInterest: 'art-therapy',
        location: 'harbor-street',
        preferredPractitioner: 'elena-marsh',
      }),
    ]);
    expect(await references({ serviceInterest: 'art-therapy' })).toEqual([named.reference]);
    expect(await references({ preferredPractitioner: 'elena-marsh' })).toEqual([named.reference]);
    expect(await references({ location: 'riverside' })).toEqual([other.reference]);
    expect(await references({ location: 'nowhere' })).toEqual([]);
  });

  it('follows a practitioner’s rename; deleting a location or practitioner a request names is 409', async () => {
    const practitioner = await createPractitioner(app(), editor, { slug: 'before-rename' });
    const location = await createLocation(app(), editor, { slug: 'closing-soon' });
    const receipt = await submitContactRequest(
      app(),
      contactRequestBody({ location: 'closing-soon', preferredPractitioner: 'before-rename' }),
    );
    await http().patch(`${ADMIN_PRACTITIONERS}/${practitioner.id}`).set(editor.auth).send({ slug: 'after-rename' });
    expect(await references({ preferredPractitioner: 'after-rename' })).toEqual([receipt.reference]);

    expectProblem(
      await http().delete(`${ADMIN_LOCATIONS}/${location.id}`).set(editor.auth),
      {
        code: 'conflict',
        detail: 'The location is still named by contact requests: unpublish it instead, or change them first.',
        instance: `${ADMIN_LOCATIONS}/${location.id}`,
      },
      { usedBy: 'contact requests' },
    );
    expectProblem(
      await http().delete(`${ADMIN_PRACTITIONERS}/${practitioner.id}`).set(editor.auth),
      {
        code: 'conflict',
        detail: 'The practitioner is still named by contact requests: unpublish them instead, or change those first.',
        instance: `${ADMIN_PRACTITIONERS}/${practitioner.id}`,
      },
      { usedBy: 'contact requests' },
    );
    const [row] = await db().query<{ location: string | null; preferred_practitioner: string | null }[]>(
      'SELECT location, preferred_practitioner FROM contact_requests WHERE reference = $1',
      [receipt.reference],
    );
    expect(row).toEqual({ location: 'closing-soon', preferred_practitioner: 'after-rename' });
    // Both are still there for staff.
    expect((await http().get(`${ADMIN_LOCATIONS}/${location.id}`).set(editor.auth)).status).toBe(200);
    expect((await http().get(`${ADMIN_PRACTITIONERS}/${practitioner.id}`).set(editor.auth)).status).toBe(200);
  });

  it.each<[string, Record<string, unknown>, ReturnType<typeof err>]>([
    ['location', { location: 'atlantis' }, err('location', 'location must be the slug of an existing location')],
    [
      'preferredPractitioner',
      { preferredPractitioner: 'dr-nobody' },
      err('preferredPractitioner', 'preferredPractitioner must be the slug of an existing practitioner'),
    ],
  ])('refuses an unknown %s with 400 naming it, storing nothing', async (_field, overrides, error) => {
    const before = await count();
    expectInvalid(await http().post(CONTACT_REQUESTS).send(contactRequestBody(overrides)), CONTACT_REQUESTS, [error]);
    expect(await count()).toBe(before);
  });

  describe('hidden records (the public names published ones only)', () => {
    const unknownService = err('serviceInterest', 'serviceInterest must be the slug of an existing service');
    const unknownLocation = err('location', 'location must be the slug of an existing location');
    const unknownPractitioner = err(
      'preferredPractitioner',
      'preferredPractitioner must be the slug of an existing practitioner',
    );
    /** The answer without what differs between two requests (its id), for comparing two answers. */
    const answer = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) => ({
      status: res.status,
      contentType: res.headers['content-type'],
      body: { ...res.body, requestId: undefined },
    });

    it.each<[string, Record<string, unknown>, Record<string, unknown>, ReturnType<typeof err>]>([
      ['service', { serviceInterest: 'draft-service' }, { serviceInterest: 'no-such-service' }, unknownService],
      ['location', { location: 'draft-office' }, { location: 'no-such-office' }, unknownLocation],
      [
        'practitioner',
        { preferredPractitioner: 'draft-person' },
        { preferredPractitioner: 'no-such-person' },
        unknownPractitioner,
      ],
    ])(
      'refuses a hidden %s exactly as an unknown one (400 naming the field), storing nothing',
      async (_what, hiddenOne, unknownOne, error) => {
        const before = await count();
        const refused = await http().post(CONTACT_REQUESTS).send(contactRequestBody(hiddenOne));
        expectInvalid(refused, CONTACT_REQUESTS, [error]);
        const unknown = await http().post(CONTACT_REQUESTS).send(contactRequestBody(unknownOne));
        expectInvalid(unknown, CONTACT_REQUESTS, [error]);
        expect(answer(refused)).toEqual(answer(unknown));
        // With an Idempotency-Key too (its claim goes in the same statement), and the key is not spent on it.
        const key = `hidden-${_what}`;
        const keyed = await http()
          .post(CONTACT_REQUESTS)
          .set('Idempotency-Key', key)
          .send(contactRequestBody(hiddenOne));
        expectInvalid(keyed, CONTACT_REQUESTS, [error]);
        const again = await http()
          .post(CONTACT_REQUESTS)
          .set('Idempotency-Key', key)
          .send(contactRequestBody(hiddenOne));
        expectInvalid(again, CONTACT_REQUESTS, [error]);
        expect(await count()).toBe(before);
        const idempotencyRows = await db().query<{ n: number }[]>('SELECT count(*)::int AS n FROM idempotency_keys');
        expect(idempotencyRows[0].n).toBe(0);
      },
    );

    it('names every field that is hidden or unknown, spam or not', async () => {
      const before = await count();
      const all = contactRequestBody({
        serviceInterest: 'draft-service',
        location: 'no-such-office',
        preferredPractitioner: 'draft-person',
      });
      expectInvalid(await http().post(CONTACT_REQUESTS).send(all), CONTACT_REQUESTS, [
        unknownService,
        unknownLocation,
        unknownPractitioner,
      ]);
      // Only the hidden one of three named: only it is named.
      expectInvalid(
        await http()
          .post(CONTACT_REQUESTS)
          .send(contactRequestBody({ location: 'harbor-street', preferredPractitioner: 'draft-person' })),
        CONTACT_REQUESTS,
        [unknownPractitioner],
      );
      // A filled honeypot gets the same answer: the check is not a way around it.
      expectInvalid(
        await http()
          .post(CONTACT_REQUESTS)
          .send(contactRequestBody({ location: 'draft-office', website: 'bot.example' })),
        CONTACT_REQUESTS,
        [unknownLocation],
      );
      expect(await count()).toBe(before);
    });

    it('takes a record once it is published, and refuses it again once unpublished', async () => {
      const body = contactRequestBody({ location: 'draft-office', preferredPractitioner: 'draft-person' });
      const publish = (path: string, id: string, published: boolean) =>
        http().patch(`${path}/${id}`).set(editor.auth).send({ published });
      expect((await publish(ADMIN_LOCATIONS, hidden.location, true)).status).toBe(200);
      expect((await publish(ADMIN_PRACTITIONERS, hidden.practitioner, true)).status).toBe(200);
      try {
        const receipt = await submitContactRequest(app(), body);
        expect(await references({ location: 'draft-office' })).toEqual([receipt.reference]);
        expect((await publish(ADMIN_PRACTITIONERS, hidden.practitioner, false)).status).toBe(200);
        expectInvalid(await http().post(CONTACT_REQUESTS).send(body), CONTACT_REQUESTS, [unknownPractitioner]);
      } finally {
        await publish(ADMIN_LOCATIONS, hidden.location, false);
        await publish(ADMIN_PRACTITIONERS, hidden.practitioner, false);
      }
    });

    it('checks it in the one statement that stores the request: no lookup before it', async () => {
      const logQuery = jest.spyOn(db().logger, 'logQuery');
      let statements: string[];
      try {
        await submitContactRequest(
          app(),
          contactRequestBody({
            serviceInterest: 'art-therapy',
            location: 'harbor-street',
            preferredPractitioner: 'elena-marsh',
          }),
        );
        statements = logQuery.mock.calls.map(([sql]) => sql);
      } finally {
        logQuery.mockRestore();
      }
      const touching = statements.filter((sql) => /services|locations|practitioners|contact_requests/.test(sql));
      expect(touching).toHaveLength(1);
      expect(touching[0]).toMatch(/^WITH r0 AS \(INSERT INTO "contact_requests"/);
      for (const table of ['services', 'locations', 'practitioners']) {
        expect(touching[0]).toContain(`EXISTS (SELECT 1 FROM ${table} WHERE slug = `);
      }
    });
  });

  it.each<[Record<string, unknown>, ReturnType<typeof err>]>([
    [{ location: 'Harbor Street' }, err('location', 'location must be lowercase words joined by single hyphens')],
    [{ location: 42 }, err('location', 'location must be a string')],
    [
      { preferredPractitioner: "x'; DROP TABLE practitioners; --" },
      err('preferredPractitioner', 'preferredPractitioner must be lowercase words joined by single hyphens'),
    ],
    [
      { preferredPractitioner: 'p'.repeat(121) },
      err('preferredPractitioner', 'preferredPractitioner must be shorter than or equal to 120 characters'),
    ],
  ])('refuses the ill-formed %j (400)', async (overrides, error) => {
    expectInvalid(await http().post(CONTACT_REQUESTS).send(contactRequestBody(overrides)), CONTACT_REQUESTS, [error]);
  });

  it('refuses ill-formed list filters (400)', async () => {
    expectInvalid(
      await http().get(ADMIN_CONTACT_REQUESTS).set(frontdesk.auth).query({ location: 'Not A Slug' }),
      ADMIN_CONTACT_REQUESTS,
      [err('location', 'location must be lowercase words joined by single hyphens')],
    );
    expectInvalid(
      await http().get(ADMIN_CONTACT_REQUESTS).set(frontdesk.auth).query({ serviceInterest: 'x y' }),
      ADMIN_CONTACT_REQUESTS,
      [err('serviceInterest', 'serviceInterest must be lowercase words joined by single hyphens')],
    );
  });

  it('keeps the filters to front desk and admins (401, 403)', async () => {
    const res = await http().get(ADMIN_CONTACT_REQUESTS).query({ location: 'harbor-street' });
    expect(res.body.code).toBe('unauthorized');
    const forbidden = await http().get(ADMIN_CONTACT_REQUESTS).set(editor.auth).query({ location: 'harbor-street' });
    expect(forbidden.body.code).toBe('forbidden');
  });
});
