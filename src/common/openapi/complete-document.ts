import type {
  HeaderObject,
  OpenAPIObject,
  MediaTypeObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { problemCodes, problemKind, type ProblemCode } from '../errors/problem-codes.js';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem-details.js';
import type { OpenApiTag } from '../feature/feature.js';
import { isVersionedRepresentation } from '../http/response-headers.js';
import { problemExample, problemExampleName } from './problem-examples.js';

const headerRef = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

/** Response headers shared by many operations, referenced from `components.headers`. */
const HEADERS: Record<string, HeaderObject> = {
  ETag: {
    description: 'Strong validator of this representation: send it back in `If-None-Match` to get `304`.',
    schema: { type: 'string', example: '"3f1a9c0d5e"' },
  },
  VersionETag: {
    description: 'The resource’s version, `"v<version>"`: send it as `If-Match` on a change to get `412` on a race.',
    schema: { type: 'string', pattern: '^"v[0-9]+"$', example: '"v3"' },
  },
  CacheControl: {
    description: 'Public GETs: `public, max-age=60, stale-while-revalidate=300` (configurable).',
    schema: { type: 'string', example: 'public, max-age=60, stale-while-revalidate=300' },
  },
  Location: {
    description: 'The URL of the created resource.',
    schema: {
      type: 'string',
      format: 'uri-reference',
      example: '/api/v1/admin/articles/0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21',
    },
  },
  RetryAfter: {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 0, example: 30 },
  },
  RateLimitLimit: {
    description: 'Requests allowed in the window of the most constrained limit that applies.',
    schema: { type: 'integer', minimum: 0, example: 300 },
  },
  RateLimitRemaining: {
    description: 'Requests left in the current window.',
    schema: { type: 'integer', minimum: 0, example: 0 },
  },
  RateLimitReset: {
    description: 'Seconds until the current window ends.',
    schema: { type: 'integer', minimum: 0, example: 30 },
  },
};

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': headerRef('RateLimitLimit'),
  'RateLimit-Remaining': headerRef('RateLimitRemaining'),
  'RateLimit-Reset': headerRef('RateLimitReset'),
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Operation = OperationObject & Record<`x-${string}`, unknown>;

/**
 * Completes the document Nest generates with what every route shares, once, instead of on every controller:
 * the global problems (rate limits, body limits, outages), their examples and headers, caching and version
 * headers, examples for every body, tags, servers and licence.
 */
export function completeDocument(document: OpenAPIObject, tags: readonly OpenApiTag[]): void {
  document.info.license = { name: 'Proprietary' };
  document.servers = [{ url: '/', description: 'The server that serves this document.' }];
  document.tags = [...tags];
  const components = (document.components ??= {});
  const schemas = (components.schemas ??= {}) as Record<string, SchemaObject>;
  components.headers = { ...components.headers, ...HEADERS };
  // The features' problem kinds are defined after ProblemDetails was decorated: list the whole catalogue.
  if (schemas.ProblemCode) schemas.ProblemCode.enum = problemCodes();
  simplifyReferences(schemas);

  const missing: string[] = [];
  const usedProblems = new Set<ProblemCode>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      addSharedProblems(op, path);
      examplesAsHints(op);
      for (const [status, response] of Object.entries(op.responses) as [string, ResponseObject][]) {
        if (Number(status) >= 400) for (const code of describeProblems(status, response)) usedProblems.add(code);
        else addSuccessHeaders(op, status, response);
        for (const media of Object.values(response.content ?? {})) addExample(media, schemas, missing);
      }
      const body = op.requestBody as { content?: Record<string, MediaTypeObject> } | undefined;
      for (const media of Object.values(body?.content ?? {})) addExample(media, schemas, missing);
    }
  }
  if (missing.length) {
    throw new Error(`OpenAPI: give these properties an example: ${[...new Set(missing)].sort().join(', ')}`);
  }
  components.examples = {
    ...components.examples,
    ...Object.fromEntries(
      [...usedProblems].map((code) => [
        problemExampleName(code),
        { summary: problemKind(code).title, value: problemExample(code) },
      ]),
    ),
  };
}

/**
 * Swagger UI copies every optional query parameter's `example` into "Try it out" (swagger-ui#8276), where a
 * filter's example hides the very list the user asked for: such parameters show their example in the description.
 */
function examplesAsHints(op: Operation): void {
  for (const param of (op.parameters ?? []) as ParameterObject[]) {
    if (param.in !== 'query' || param.required) continue;
    const schema = param.schema as SchemaObject | undefined;
    const example: unknown = param.example ?? schema?.example;
    if (example === undefined) continue;
    delete param.example;
    if (schema) delete schema.example;
    if (schema?.default === undefined) {
      param.description = `${param.description ? `${param.description} ` : ''}Example: \`${typeof example === 'string' ? example : JSON.stringify(example)}\`.`;
    }
  }
}

/** Problems any route can answer besides its own: rate limits, body limits, outages and failures. */
function addSharedProblems(op: Operation, path: string): void {
  const codes: ProblemCode[] = ['internal_error', 'service_unavailable'];
  if (path !== '/health/live') codes.push('database_unavailable');
  if (op['x-rate-limited'] !== false) codes.push('rate_limited');
  if (op.requestBody) codes.push('malformed_json', 'payload_too_large', 'unsupported_media_type');
  for (const code of codes) {
    const status = String(problemKind(code).status);
    const response = (op.responses[status] ??= { description: '' }) as ResponseObject;
    const media = ((response.content ??= {})[PROBLEM_CONTENT_TYPE] ??= {
      schema: { $ref: '#/components/schemas/ProblemDetails' },
    });
    media.examples = { ...media.examples, [code]: { $ref: `#/components/examples/${problemExampleName(code)}` } };
  }
}

/** Lists a problem response's codes (its examples) in its description, and documents its headers. */
function describeProblems(status: string, response: ResponseObject): ProblemCode[] {
  const codes = Object.keys(response.content?.[PROBLEM_CONTENT_TYPE]?.examples ?? {}) as ProblemCode[];
  const order = problemCodes();
  codes.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  response.description = `Problem: ${codes.map((c) => `\`${c}\``).join(', ')}`;
  if (status === '429') response.headers = { 'Retry-After': headerRef('RetryAfter'), ...RATE_LIMIT_HEADERS };
  if (status === '503') response.headers = { 'Retry-After': headerRef('RetryAfter') };
  return codes;
}

function addSuccessHeaders(op: Operation, status: string, response: ResponseObject): void {
  const headers: Record<string, HeaderObject | ReferenceObject> = { ...response.headers };
  if ('304' in op.responses && (status === '200' || status === '304')) {
    headers.ETag = headerRef('ETag');
    if (status === '200') headers['Cache-Control'] = headerRef('CacheControl');
  }
  const ref = (response.content?.['application/json']?.schema as ReferenceObject | undefined)?.$ref;
  if (ref && isVersionedRepresentation(ref.split('/').pop() ?? '')) headers.ETag = headerRef('VersionETag');
  if (op['x-rate-limited'] !== false && status.startsWith('2')) Object.assign(headers, RATE_LIMIT_HEADERS);
  if (Object.keys(headers).length) response.headers = headers;
}

/** OpenAPI 3.0 has no `null` type: a nullable type whose only value is `null`. */
const NULL_ONLY: SchemaObject = { type: 'string', nullable: true, enum: [null] };

/**
 * Nest wraps a property's named schema in a one-item `allOf`. Without siblings the wrapper says nothing: use the
 * reference itself. Next to `nullable` it is wrong: OpenAPI 3.0.3 says `nullable` does not reach into `allOf`, so a
 * validator refuses `null` there. Such a property is either the referenced schema or `null`, said with `anyOf`.
 */
function simplifyReferences(schemas: Record<string, SchemaObject>): void {
  for (const schema of Object.values(schemas)) {
    const properties = schema.properties ?? {};
    for (const [name, property] of Object.entries(properties)) {
      if ('$ref' in property || property.allOf?.length !== 1 || !('$ref' in property.allOf[0])) continue;
      const ref = property.allOf[0];
      if (Object.keys(property).length === 1) {
        properties[name] = ref;
      } else if (property.nullable) {
        const { allOf: _allOf, nullable: _nullable, type: _type, ...rest } = property;
        properties[name] = { ...rest, anyOf: [ref, NULL_ONLY] };
      }
    }
  }
}

/** Gives a body without an example one built from its schema's own examples, so every body shows one. */
function addExample(media: MediaTypeObject, schemas: Record<string, SchemaObject>, missing: string[]): void {
  if (media.example !== undefined || media.examples || !media.schema) return;
  media.example = exampleOf(media.schema, { schemas, missing }, 'body');
}

const FORMAT_EXAMPLES: Record<string, unknown> = {
  uuid: '0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21',
  'date-time': '2026-03-02T09:30:00.000Z',
  date: '2026-03-02',
  email: 'alex@example.com',
  uri: 'https://wellclinic.example/articles/being-kind-to-yourself',
};

interface ExampleContext {
  schemas: Record<string, SchemaObject>;
  /** Properties that have nothing to build an example from. */
  missing: string[];
}

function exampleOf(schema: SchemaObject | ReferenceObject, context: ExampleContext, at: string): unknown {
  const { schemas } = context;
  if ('$ref' in schema) {
    const name = schema.$ref.split('/').pop() ?? '';
    const target = schemas[name];
    if (!target) throw new Error(`OpenAPI: ${at} refers to the unknown schema ${name}`);
    return exampleOf(target, context, name);
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.allOf?.length === 1) return exampleOf(schema.allOf[0], context, at);
  if (schema.oneOf?.length) return exampleOf(schema.oneOf[0], context, at);
  if (schema.anyOf?.length) return exampleOf(schema.anyOf[0], context, at);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.type === 'array' && schema.items) return [exampleOf(schema.items, context, `${at}[]`)];
  if (schema.type === 'object' || schema.properties) {
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([key, value]) => [key, exampleOf(value, context, `${at}.${key}`)]),
    );
  }
  if (schema.format && schema.format in FORMAT_EXAMPLES) return FORMAT_EXAMPLES[schema.format];
  if (schema.nullable) return null;
  if (schema.type === 'boolean') return true;
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  context.missing.push(at);
  return undefined;
}
