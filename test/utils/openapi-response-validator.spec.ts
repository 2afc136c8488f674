import type { OpenAPIObject } from '@nestjs/swagger';
import { OpenApiResponseValidator, type ReceivedResponse } from './openapi-response-validator.js';

const problem = {
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
};

const document: OpenAPIObject = {
  openapi: '3.0.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/things/{id}': {
      get: {
        operationId: 'findThing',
        responses: {
          '200': {
            description: '',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '304': { description: '' },
          '404': { description: '', ...problem },
        },
      },
    },
    '/things/feed.xml': {
      get: {
        operationId: 'feed',
        responses: { '200': { description: '', content: { 'application/rss+xml': { schema: { type: 'string' } } } } },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'note', 'at'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid' },
          note: { type: 'string', nullable: true },
          at: { type: 'string', format: 'date-time' },
        },
      },
      ProblemDetails: {
        type: 'object',
        required: ['type', 'title', 'status', 'code'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          code: { type: 'string' },
        },
      },
    },
  },
};

const thing = { id: '0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21', note: null, at: '2026-03-02T09:30:00.000Z' };
const notFound = { type: '/problems/not-found', title: 'Not found', status: 404, code: 'not_found' };

const ok: ReceivedResponse = {
  method: 'GET',
  path: `/things/${thing.id}?fields=all`,
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body: thing,
  text: JSON.stringify(thing),
};

describe('OpenApiResponseValidator', () => {
  const validator = new OpenApiResponseValidator(document);

  it('accepts documented responses, nullable fields included', () => {
    expect(validator.mismatches(ok)).toEqual([]);
    expect(validator.mismatches({ ...ok, body: { ...thing, note: 'hi' } })).toEqual([]);
    expect(validator.mismatches({ ...ok, status: 304, contentType: undefined, body: {}, text: '' })).toEqual([]);
    expect(validator.mismatches({ ...ok, method: 'HEAD', body: {}, text: '' })).toEqual([]);
  });

  it('prefers a literal path over a template', () => {
    const rss = { method: 'GET', path: '/things/feed.xml', status: 200, body: {}, text: '<rss/>' };
    expect(validator.mismatches({ ...rss, contentType: 'application/rss+xml; charset=utf-8' })).toEqual([]);
    expect(validator.mismatches({ ...rss, contentType: 'application/json' })).toEqual([
      'feed (GET /things/feed.xml → 200): content type "application/json" is not one of application/rss+xml',
    ]);
  });

  it('catches an undocumented status', () => {
    expect(validator.mismatches({ ...ok, status: 201 })).toEqual([
      `findThing (GET /things/${thing.id} → 201): status 201 is not documented (documented: 200, 304, 404)`,
    ]);
  });

  it('catches a wrong content type', () => {
    expect(validator.mismatches({ ...ok, status: 404, contentType: 'application/json', body: notFound })).toEqual([
      `findThing (GET /things/${thing.id} → 404): content type "application/json" is not one of application/problem+json`,
    ]);
  });

  it('catches a body that does not match its schema, naming where', () => {
    const found = validator.mismatches({ ...ok, body: { ...thing, at: 'yesterday', extra: 1 } });
    expect(found).toEqual([
      expect.stringMatching(/^findThing \(GET .* → 200\): body must NOT have additional properties/),
      expect.stringMatching(/^findThing \(GET .* → 200\): body\/at must match format "date-time"/),
    ]);
    expect(() => validator.assert({ ...ok, body: { ...thing, note: 3 } })).toThrow(
      /does not match the OpenAPI document:\n- findThing .*body\/note must be string/,
    );
  });

  it('catches a body on a response documented without one', () => {
    expect(validator.mismatches({ ...ok, status: 304, body: thing })).toEqual([
      `findThing (GET /things/${thing.id} → 304): a body was sent where the document describes none`,
    ]);
  });

  it('holds undocumented routes to problem details on errors only', () => {
    const unknown = { method: 'GET', path: '/nowhere', status: 404, body: notFound, text: '{}' };
    expect(validator.mismatches({ ...unknown, contentType: 'application/problem+json; charset=utf-8' })).toEqual([]);
    expect(validator.mismatches({ ...unknown, status: 200, contentType: 'text/html' })).toEqual([]);
    expect(validator.mismatches({ ...unknown, contentType: 'text/html' })).toEqual([
      'GET /nowhere → 404 (undocumented route): content type "text/html" is not application/problem+json',
    ]);
    expect(
      validator.mismatches({ ...unknown, contentType: 'application/problem+json', body: { message: 'Not Found' } }),
    ).toContainEqual(expect.stringContaining("(undocumented route): body must have required property 'type'"));
  });
});
