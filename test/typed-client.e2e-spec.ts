import type { AddressInfo } from 'node:net';
import { createWellClinicClient } from '../clients/typescript/index.js';
import type { components } from '../clients/typescript/index.js';
import { ISO, UUID } from './utils/expect-problem.js';
import { createStaff, publishServices } from './factories/index.js';
import { useTestApp } from './utils/test-app.js';

type Problem = components['schemas']['ProblemDetails'];

/** A front end's view: real HTTP on a port, openapi-fetch, and only the types generated from openapi.json. */
describe('typed client (openapi-fetch + clients/typescript)', () => {
  const app = useTestApp();
  let baseUrl = '';

  /** The typed client, with every response it receives checked against the app's document. */
  const client = () => {
    const api = createWellClinicClient(baseUrl);
    api.use({
      async onResponse({ request, response }) {
        const text = await response.clone().text();
        const contentType = response.headers.get('content-type') ?? undefined;
        app().responses.assert({
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          contentType,
          body: text && /[/+]json\b/.test(contentType ?? '') ? (JSON.parse(text) as unknown) : undefined,
          text,
        });
      },
    });
    return api;
  };

  beforeAll(async () => {
    await app().app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app().app.getHttpServer().address() as AddressInfo).port}`;
  });

  it('lists published articles without credentials', async () => {
    const api = client();
    const { data, error, response } = await api.GET('/api/v1/articles', { params: { query: { pageSize: 5 } } });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^"/);
    expect(data?.meta).toMatchObject({ page: 1, pageSize: 5, total: expect.any(Number) });
    for (const article of data?.data ?? []) expect(article.slug).toEqual(expect.any(String));
  });

  it('submits a testimonial and gets a typed receipt', async () => {
    await publishServices(app());
    const api = client();
    const { data, response } = await api.POST('/api/v1/testimonials/submissions', {
      body: {
        quote: 'Our sessions helped us listen before we answer.',
        firstName: 'Ivette',
        lastName: 'Brennan',
        service: 'couples-therapy',
        rating: 5,
        consent: true,
        consentTextVersion: '2026-01',
      },
    });
    expect(response.status).toBe(201);
    const status: 'pending' | undefined = data?.status;
    expect(data).toEqual({ id: expect.stringMatching(UUID), status });
    expect(status).toBe('pending');
  });

  it('lets signed-in front-desk staff list contact requests', async () => {
    const staff = await createStaff(app(), 'frontdesk');
    const api = createWellClinicClient(baseUrl, { headers: staff.auth });
    const { data, error, response } = await api.GET('/api/v1/admin/contact-requests', {
      params: { query: { page: 1, pageSize: 10, status: 'new' } },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(data?.meta).toMatchObject({ page: 1, pageSize: 10 });
    for (const request of data?.data ?? []) {
      expect(request).toMatchObject({
        id: expect.stringMatching(UUID),
        status: 'new',
        createdAt: expect.stringMatching(ISO),
      });
    }
  });

  it('types errors as problem+json', async () => {
    const api = client();
    const { data, error, response } = await api.GET('/api/v1/admin/contact-requests', {});
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    const problem: Problem | undefined = error;
    expect(problem).toMatchObject({
      type: '/problems/unauthorized',
      status: 401,
      code: 'unauthorized',
      instance: '/api/v1/admin/contact-requests',
      requestId: expect.any(String),
    });

    const missing = await api.GET('/api/v1/articles/{slug}', { params: { path: { slug: 'no-such-article' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.code).toBe('not_found');

    const invalid = await api.GET('/api/v1/articles', { params: { query: { pageSize: 500 } } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error).toMatchObject({ code: 'validation_failed', errors: [{ field: 'pageSize' }] });
  });

  it('rejects calls the document does not allow, at compile time', () => {
    const api = client();
    // Each line would fail `tsc`: an unknown path, a wrong query type, a missing required body field.
    const unchecked = () => {
      // @ts-expect-error no such path
      void api.GET('/api/v1/no-such-route');
      // @ts-expect-error pageSize is a number
      void api.GET('/api/v1/articles', { params: { query: { pageSize: 'many' } } });
      // @ts-expect-error quote is required
      void api.POST('/api/v1/testimonials/submissions', { body: { firstName: 'A', consent: true } });
    };
    expect(typeof unchecked).toBe('function');
  });
});
