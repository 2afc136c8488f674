import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import {
  apiKeyBody,
  articleBody,
  bodyOf,
  contactRequestId,
  createApiKey,
  createArticle,
  createSchedule,
  createStaff,
  createTestimonial,
  createUser,
  publishArticle,
  scheduleBody,
  type StaffMember,
  submitContactRequest,
  suffix,
  testimonialEntry,
  userBody,
  createLocation,
  createPractitioner,
  createService,
  locationBody,
  practitionerBody,
  publishServices,
  serviceBody,
} from './factories/index.js';
import { expectInvalid, expectProblem, PROBLEM_JSON } from './utils/expect-problem.js';
import { unknownField } from './utils/field-errors.js';
import { concrete, isIdParam, type Operation, operationsOf } from './utils/openapi-operations.js';
import { useTestApp } from './utils/test-app.js';

/**
 * Conventions every route keeps (CONVENTIONS.md §2, §4, §5), checked over every operation of the app's own OpenAPI
 * document, so a new route is held to them without a test of its own: ids are UUIDs (anything else is a 400 naming
 * the parameter), an unknown id is a 404 `not_found`, staff answers are never cached and neither is any error (the
 * 400s and 404s below are asserted whole, `Cache-Control: no-store` included, by expectProblem).
 */

/** Ids that are not UUIDs: garbage, near misses (a digit short or long, braces, no dashes) and an injection. */
const BAD_IDS = [
  'not-a-uuid',
  '123',
  '00000000-0000-0000-0000-00000000000',
  `${randomUUID()}0`,
  `{${randomUUID()}}`,
  randomUUID().replaceAll('-', ''),
  "1' OR '1'='1",
];

/** What a 404 for an unknown id says, per staff resource (`/api/v1/admin/<resource>/…`). */
const NOT_FOUND_DETAIL: Record<string, string> = {
  'api-keys': 'No API key with this id.',
  articles: 'No article has this id.',
  'contact-requests': 'No contact request has this id.',
  sessions: 'No live session with this id.',
  hours: 'No exception with this id on this schedule.',
  locations: 'No location has this id.',
  practitioners: 'No practitioner has this id.',
  services: 'No service has this id.',
  media: 'No media item has this id.',
  testimonials: 'No testimonial has this id.',
  users: 'No user with this id.',
  'webhook-endpoints': 'No webhook endpoint with this id.',
};
const resourceOf = (path: string) => path.split('/')[4];

/** A date `days` after today (UTC), as YYYY-MM-DD: exceptions must lie within two years of today. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('route conventions, over every operation of the OpenAPI document', () => {
  // Several scenarios submit a contact request: keep the public-submission limit out of the way.
  const app = useTestApp({ isolatedDatabase: true, env: { RATE_LIMIT_SUBMISSION_LIMIT: '10000' } });
  let admin: StaffMember;
  let editor: StaffMember;
  let frontdesk: StaffMember;
  let operations: Operation[];
  /** An existing schedule, so that routes under `/hours/{key}` answer for their `{id}`, not for the key. */
  let scheduleKey: string;

  beforeAll(async () => {
    admin = await createStaff(app(), 'admin');
    editor = await createStaff(app(), 'editor');
    frontdesk = await createStaff(app(), 'frontdesk');
    await publishServices(app(), editor);
    operations = operationsOf((await app().http().get('/docs-json')).body);
    scheduleKey = (await createSchedule(app(), frontdesk, `conventions-${suffix()}`)).key;
  });

  /** Sends one operation as a staff member with access (admin may do everything), the documented body if any. */
  const send = (op: Operation, path: string, body: object | undefined = op.bodyExample) => {
    const req = app().http()[op.method](path);
    const signedIn = op.roles ? req.set(admin.auth) : req;
    return body ? signedIn.send(body) : signedIn;
  };
  /** The operations that address one record by its UUID. */
  const byId = () => operations.filter((op) => op.pathParams.some(isIdParam));
  const known = () => ({ key: scheduleKey });

  it('finds the operations to check', () => {
    expect(byId().map((op) => op.operationId)).toEqual(
      expect.arrayContaining(['getUser', 'revokeApiKey', 'restoreArticleRevision', 'getHoursException']),
    );
    // Staff records, and one's own sessions.
    expect(byId().every((op) => /^\/api\/v1\/(admin\/|auth\/sessions\/)/.test(op.path))).toBe(true);
  });

  it('answers 400 naming the parameter for an id that is not a UUID, for every route and id parameter', async () => {
    let checked = 0;
    for (const op of byId()) {
      for (const name of op.pathParams.filter(isIdParam)) {
        for (const bad of BAD_IDS) {
          const path = concrete(op.path, { ...known(), [name]: encodeURIComponent(bad) });
          const res = await send(op, path);
          expect({ op: op.operationId, path, status: res.status }).toEqual({ op: op.operationId, path, status: 400 });
          expectInvalid(res, path, [{ field: name, message: `${name} must be a UUID` }]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(25 * BAD_IDS.length);
  });

  it('answers 404 not_found for a well-formed id no record has, for every route with an id', async () => {
    const undocumented = byId().filter((op) => !op.statuses.includes('404'));
    // The one deviation, documented as such (no 404 in its responses): see the next test. Fixing it shrinks this list.
    expect(undocumented.map((op) => op.operationId)).toEqual(['listContactRequestAudit']);
    for (const op of byId().filter((o) => o.statuses.includes('404'))) {
      const path = concrete(op.path, known());
      const detail = NOT_FOUND_DETAIL[resourceOf(op.path)];
      expect({ op: op.operationId, detail }).toEqual({ op: op.operationId, detail: expect.any(String) });
      const res = await send(op, path);
      expect({ op: op.operationId, status: res.status }).toEqual({ op: op.operationId, status: 404 });
      expectProblem(res, { code: 'not_found', detail, instance: path });
    }
  });

  it('known deviation: the audit trail of an unknown contact request is an empty page, not a 404', async () => {
    const path = `/api/v1/admin/contact-requests/${randomUUID()}/audit`;
    const res = await app().http().get(path).set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], meta: { page: 1, pageSize: 20, total: 0, totalPages: 0 } });
  });

  it('answers every error as an uncached problem: 401 on every protected route, 400 on every public one', async () => {
    for (const op of operations) {
      const protectedRoute = Boolean(op.roles || op.scope);
      const path = concrete(op.path, known());
      const req = app()
        .http()
        [op.method](protectedRoute ? path : `${path}?undeclared=1`);
      const res = await (op.bodyExample ? req.send(op.bodyExample) : req);
      expect({ op: op.operationId, status: res.status, type: res.headers['content-type'] }).toEqual({
        op: op.operationId,
        status: protectedRoute ? 401 : 400,
        type: PROBLEM_JSON,
      });
      expect({ op: op.operationId, cacheControl: res.headers['cache-control'] }).toEqual({
        op: op.operationId,
        cacheControl: 'no-store',
      });
      if (!protectedRoute) expectInvalid(res, path, [unknownField('undeclared')]);
    }
  });

  describe('successful staff answers', () => {
    /** `upload`: a multipart form instead of a JSON body (the media library's upload). */
    type Call = { params?: Record<string, string>; body?: object; upload?: { alt: string; file: Buffer } };
    const article = async () => ({ id: (await createArticle(app(), editor)).id });
    const testimonial = async () => ({ id: (await createTestimonial(app(), editor)).id });
    const user = async () => ({ id: (await createUser(app(), admin)).id });
    const apiKey = async () => ({ id: (await createApiKey(app(), admin)).id });
    const contactRequest = async () => ({
      id: await contactRequestId(app(), frontdesk, (await submitContactRequest(app())).reference),
    });
    // A public IP literal: creating it needs no DNS answer.
    const webhookEndpointBody = { url: 'https://93.184.215.14/hooks/conventions', events: ['*'] };
    const webhookEndpoint = async () => {
      const created = app().http().post('/api/v1/admin/webhook-endpoints').set(admin.auth).send(webhookEndpointBody);
      return { id: (await bodyOf<{ id: string }>(created, 201)).id };
    };
    const image = () =>
      sharp({ create: { width: 40, height: 30, channels: 3, background: '#468' } })
        .png()
        .toBuffer();
    const mediaItem = async () => {
      const created = app()
        .http()
        .post('/api/v1/admin/media')
        .set(editor.auth)
        .field('alt', 'A test pattern')
        .attach('file', await image(), 'pattern.png');
      return { id: (await bodyOf<{ id: string }>(created, 201)).id };
    };
    const schedule = async () => ({ key: (await createSchedule(app(), frontdesk, `conventions-${suffix()}`)).key });
    const service = async () => ({ id: (await createService(app(), editor, { slug: `svc-${suffix()}` })).id });
    const location = async () => ({ id: (await createLocation(app(), editor, { slug: `loc-${suffix()}` })).id });
    const practitioner = async () => ({
      id: (await createPractitioner(app(), editor, { slug: `pr-${suffix()}` })).id,
    });
    const exceptionBody = { startDate: inDays(30), closed: true, label: 'Staff training' };
    const hoursException = async () => {
      const { key } = await schedule();
      const created = app()
        .http()
        .post(`/api/v1/admin/hours/${key}/exceptions`)
        .set(frontdesk.auth)
        .send(exceptionBody);
      return { key, id: (await bodyOf<{ id: string }>(created, 201)).id };
    };

    /**
     * How to reach a 2xx for each staff operation: the records its path names, in the state the operation needs,
     * and a body where the documented example cannot be sent twice (unique emails, slugs, dates ahead of today).
     */
    const scenarios: Record<string, () => Call | Promise<Call>> = {
      listApiKeys: () => ({}),
      createApiKey: () => ({ body: apiKeyBody() }),
      getApiKey: async () => ({ params: await apiKey() }),
      revokeApiKey: async () => ({ params: await apiKey() }),
      adminListArticles: () => ({}),
      createArticle: () => ({ body: articleBody() }),
      adminGetArticle: async () => ({ params: await article() }),
      updateArticle: async () => ({ params: await article(), body: { tags: ['calm'] } }),
      deleteArticle: async () => ({ params: await article() }),
      publishArticle: async () => ({ params: await article(), body: { publishedAt: new Date().toISOString() } }),
      unpublishArticle: async () => {
        const { id } = await article();
        await publishArticle(app(), editor, id);
        return { params: { id } };
      },
      archiveArticle: async () => ({ params: await article() }),
      createArticlePreviewToken: async () => ({ params: await article() }),
      listArticleRevisions: async () => ({ params: await article() }),
      restoreArticleRevision: async () => {
        const { id } = await article();
        await bodyOf(
          app()
            .http()
            .patch(`/api/v1/admin/articles/${id}`)
            .set(editor.auth)
            .send({ tags: ['x'] }),
          200,
        );
        const revisions = app().http().get(`/api/v1/admin/articles/${id}/revisions`).set(editor.auth);
        const { data } = await bodyOf<{ data: { id: string }[] }>(revisions, 200);
        // Newest first: restore the first version.
        return { params: { id, revisionId: data.at(-1)!.id } };
      },
      listAuditEvents: () => ({}),
      listContactRequests: () => ({}),
      searchContactRequests: () => ({ body: { phone: '(415) 555-2671' } }),
      getContactRequest: async () => ({ params: await contactRequest() }),
      updateContactRequest: async () => ({ params: await contactRequest(), body: { status: 'in_progress' } }),
      eraseContactRequest: async () => ({ params: await contactRequest() }),
      addContactRequestNote: async () => ({ params: await contactRequest() }),
      listContactRequestAudit: async () => ({ params: await contactRequest() }),
      putSchedule: () => ({ params: { key: `conventions-${suffix()}` }, body: scheduleBody() }),
      deleteSchedule: async () => ({ params: await schedule() }),
      listHoursExceptions: async () => ({ params: await schedule() }),
      createHoursException: async () => ({ params: await schedule(), body: exceptionBody }),
      getHoursException: async () => ({ params: await hoursException() }),
      updateHoursException: async () => ({ params: await hoursException(), body: { label: 'Inventory' } }),
      deleteHoursException: async () => ({ params: await hoursException() }),
      listNotificationDeliveries: () => ({}),
      listWebhookEndpoints: () => ({}),
      createWebhookEndpoint: () => ({ body: webhookEndpointBody }),
      getWebhookEndpoint: async () => ({ params: await webhookEndpoint() }),
      updateWebhookEndpoint: async () => ({ params: await webhookEndpoint(), body: { description: 'Partner CRM' } }),
      deleteWebhookEndpoint: async () => ({ params: await webhookEndpoint() }),
      rotateWebhookEndpointSecret: async () => ({ params: await webhookEndpoint() }),
      pingWebhookEndpoint: async () => ({ params: await webhookEndpoint() }),
      listWebhookEndpointDeliveries: async () => ({ params: await webhookEndpoint() }),
      redeliverWebhookDelivery: async () => {
        const { id } = await webhookEndpoint();
        const ping = app().http().post(`/api/v1/admin/webhook-endpoints/${id}/ping`).set(admin.auth);
        const { id: deliveryId } = await bodyOf<{ id: string }>(ping, 202);
        // Finished (here: given up) deliveries can be sent again.
        await app()
          .app.get(DataSource)
          .query(`UPDATE outbox_deliveries SET status = 'failed' WHERE id = $1`, [deliveryId]);
        return { params: { id, deliveryId } };
      },
      adminListTestimonials: () => ({}),
      createTestimonial: () => ({ body: testimonialEntry() }),
      reorderTestimonials: async () => ({ body: { items: [{ ...(await testimonial()), sortOrder: 3 }] } }),
      adminGetTestimonial: async () => ({ params: await testimonial() }),
      updateTestimonial: async () => ({ params: await testimonial() }),
      deleteTestimonial: async () => ({ params: await testimonial() }),
      approveTestimonial: async () => ({ params: await testimonial() }),
      rejectTestimonial: async () => ({ params: await testimonial() }),
      withdrawTestimonial: async () => ({ params: await testimonial() }),
      adminListServices: () => ({}),
      createService: () => ({ body: serviceBody({ slug: `svc-${suffix()}` }) }),
      adminGetService: async () => ({ params: await service() }),
      updateService: async () => ({ params: await service(), body: { name: 'Renamed' } }),
      deleteService: async () => ({ params: await service() }),
      adminListLocations: () => ({}),
      createLocation: () => ({ body: locationBody({ slug: `loc-${suffix()}` }) }),
      adminGetLocation: async () => ({ params: await location() }),
      updateLocation: async () => ({ params: await location(), body: { name: 'Renamed' } }),
      deleteLocation: async () => ({ params: await location() }),
      adminListPractitioners: () => ({}),
      createPractitioner: () => ({ body: practitionerBody({ slug: `pr-${suffix()}` }) }),
      adminGetPractitioner: async () => ({ params: await practitioner() }),
      updatePractitioner: async () => ({ params: await practitioner(), body: { name: 'Renamed' } }),
      deletePractitioner: async () => ({ params: await practitioner() }),
      listMedia: () => ({}),
      uploadMedia: async () => ({ upload: { alt: 'A test pattern', file: await image() } }),
      getMedia: async () => ({ params: await mediaItem() }),
      updateMedia: async () => ({ params: await mediaItem(), body: { alt: 'Another pattern' } }),
      deleteMedia: async () => ({ params: await mediaItem() }),
      listUsers: () => ({}),
      createUser: () => ({ body: userBody() }),
      getUser: async () => ({ params: await user() }),
      updateUser: async () => ({ params: await user() }),
      deleteUser: async () => ({ params: await user() }),
      endUserSessions: async () => ({ params: await user() }),
      resetUserMfa: async () => ({ params: await user() }),
    };
    const staffOperations = () => operations.filter((op) => op.path.startsWith('/api/v1/admin/'));

    it('knows how to succeed at every staff operation', () => {
      const missing = staffOperations()
        .map((op) => op.operationId)
        .filter((id) => !scenarios[id]);
      expect(missing).toEqual([]);
    });

    it('sends Cache-Control: no-store with every successful staff answer', async () => {
      for (const op of staffOperations().filter((o) => scenarios[o.operationId])) {
        const { params = {}, body, upload } = await scenarios[op.operationId]();
        const path = concrete(op.path, params);
        const res = upload
          ? await app().http().post(path).set(admin.auth).field('alt', upload.alt).attach('file', upload.file, 'a.png')
          : await send(op, path, body ?? op.bodyExample);
        const outcome = res.status < 300 ? 'success' : `${res.status} ${res.text}`;
        expect({ op: op.operationId, outcome }).toEqual({ op: op.operationId, outcome: 'success' });
        expect({ op: op.operationId, cacheControl: res.headers['cache-control'] }).toEqual({
          op: op.operationId,
          cacheControl: 'no-store',
        });
      }
    });
  });
});
