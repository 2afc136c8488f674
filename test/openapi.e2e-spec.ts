import { problemCodes } from '../src/common/errors/problem-codes.js';
import { expectProblem } from './utils/expect-problem.js';
import { useTestApp, withTestApp } from './utils/test-app.js';

describe('OpenAPI document and Swagger UI', () => {
  const app = useTestApp();

  it('serves the document at /docs-json with title, description and security schemes', async () => {
    const res = await app().http().get('/docs-json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toEqual({
      title: 'Well Clinic API',
      description: expect.any(String),
      version: '1.0',
      contact: {},
      license: { name: 'Proprietary' },
    });
    for (const heading of ['## Authentication', '## Errors', '## Lists and pagination', '## Caching']) {
      expect(doc.info.description).toContain(heading);
    }
    for (const code of problemCodes()) expect(doc.info.description).toContain(`\`${code}\``);
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Staff access token.' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Integration key.' },
    });
  });

  it('shares the problem+json schema and uses it for error responses', async () => {
    const doc = (await app().http().get('/docs-json')).body;
    expect(doc.components.schemas.ProblemDetails).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId']),
      properties: expect.objectContaining({
        code: { allOf: [{ $ref: '#/components/schemas/ProblemCode' }], example: 'validation_failed' },
        errors: {
          type: 'array',
          items: { $ref: '#/components/schemas/FieldError' },
          maxItems: 50,
          description: 'Present on validation_failed: at most the first 50 errors found.',
        },
        errorCount: expect.objectContaining({ type: 'integer', minimum: 51 }),
      }),
    });
    expect(doc.components.schemas.ProblemCode).toEqual({ type: 'string', enum: problemCodes() });
    expect(doc.components.schemas.PageMeta).toBeDefined();
    expect(doc.paths['/health'].get.operationId).toBe('getReadiness');
    expect(doc.paths['/health'].get.responses['503']).toEqual({
      description: 'Problem: `service_unavailable`, `database_unavailable`',
      headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
      content: {
        'application/problem+json': {
          schema: { $ref: '#/components/schemas/ProblemDetails' },
          examples: {
            service_unavailable: { $ref: '#/components/examples/problem-service-unavailable' },
            database_unavailable: { $ref: '#/components/examples/problem-database-unavailable' },
          },
        },
      },
    });
    expect(doc.components.headers.RetryAfter).toEqual({
      description: 'Seconds to wait before retrying.',
      schema: { type: 'integer', minimum: 0, example: 30 },
    });
    expect(doc.components.examples['problem-service-unavailable'].value).toMatchObject({
      type: '/problems/service-unavailable',
      status: 503,
      code: 'service_unavailable',
    });
  });

  it('serves Swagger UI from the app itself, with persisted authorization', async () => {
    const html = await app().http().get('/docs');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('<title>Well Clinic API</title>');
    expect(html.text).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\/[^"]*\.(js|css)/i);

    const css = await app().http().get('/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    const init = await app().http().get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('"persistAuthorization": true');
  });
});

describe('OpenAPI disabled', () => {
  it('hides /docs and /docs-json when DOCS_ENABLED=false', () =>
    withTestApp({ env: { DOCS_ENABLED: 'false' } }, async (t) => {
      for (const path of ['/docs', '/docs-json']) {
        const res = await t.http().get(path);
        expectProblem(res, { code: 'not_found', detail: `No route matches GET ${path}.`, instance: path });
      }
    }));
});
