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
  });

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
