import fc from 'fast-check';
import type { OpenAPIObject } from '@nestjs/swagger';
import { problemKind, problemType, type ProblemCode } from '../../src/common/errors/problem-codes.js';
import { PROBLEM_JSON } from '../utils/expect-problem.js';
import { createStaff } from '../factories/index.js';
import { useTestApp } from '../utils/test-app.js';

/**
 * A fuzzer driven by the live OpenAPI document: every operation, anonymous and as an admin, with bodies mutated from
 * the documented examples and schemas, random JSON, malformed text, wrong content types, nasty strings and random path
 * and query parameters. Every answer must be below 500 and every 4xx a valid problem+json; and the run must get far
 * enough (2xx answers, validation errors, the admin credential accepted, nearly every operation reached) for that
 * to mean something.
 *
 *   FUZZ_SEED=123 FUZZ_RUNS=5000 npm run test:e2e -- --testPathPatterns test/fuzz
 *
 * Requests are generated up front from the seed (fc.sample), then sent by a few concurrent workers; a failure lists
 * the request (its index, method, URL, headers and body) and the seed that replays the run.
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 2 ** 31);
/** CI sends 20,000 (about a minute on two cores); a contributor's `npm test` 5,000, each run with a new seed. */
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.CI === 'true' ? 20_000 : 5_000));
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  parameters: Parameter[];
  body?: { schema?: Schema; example?: unknown };
}
type Who = 'admin' | 'none' | 'bad-bearer' | 'bad-key';
interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** `POST /api/v1/admin/articles/{id}/publish`, or undefined off the document. */
  operation?: string;
  who: Who;
}

/** JSON text that JSON.stringify cannot produce: huge numbers, deep nesting. */
class RawJson {
  constructor(readonly text: string) {}
}

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** JSON text of a generated value; lone surrogates become `\udXXX` escapes, as JSON.stringify writes them. */
function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A URL component; lone surrogates (which encodeURIComponent refuses) go as their CESU-8 bytes. */
function encode(text: string): string {
  return text
    .split(LONE)
    .map((part) => encodeURIComponent(part))
    .join('%ED%A0%80');
}

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\ude00x',
  '\ud83d\ude00',
  '\u202e\u2066',
  '\ufeff',
  '\u0085\u2028',
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '{{7*7}} ${7*7} <%= 7*7 %>',
  '{"$ne": null}',
  '../../../etc/passwd',
  '%00',
  '%',
  '%zz',
  '%ED%A0%80',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '0',
  '-1',
  '1.5',
  '1e309',
  '9'.repeat(400),
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '\r\nSet-Cookie: x=1',
  'a'.repeat(5_000),
  '😀'.repeat(2_000),
  '2026-02-30',
  '9999-12-31T23:59:59Z',
  '0000-01-01',
  '24:00',
  '25:61',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '-publishedAt,title,-',
  'wck_0000000000000000',
  'admin@example.com',
  'a@b',
];
const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'isAdmin',
  'role',
  'id',
  'createdAt',
  'version',
  'toString',
];

const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);
const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), Number.MAX_VALUE, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '1E-400', '-0.0').map((t) => new RawJson(t)),
);
const deepJson = fc
  .tuple(fc.constantFrom(31, 32, 33, 100, 10_000), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? new RawJson('['.repeat(depth) + ']'.repeat(depth))
      : new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  );
const anyKey = fc.oneof(fc.constantFrom(...NASTY_KEYS), nastyString, fc.string({ maxLength: 12 }));
const { anyJson } = fc.letrec((tie) => ({
  anyJson: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    deepJson,
    fc.array(tie('anyJson'), { maxLength: 4 }),
    fc.dictionary(anyKey, tie('anyJson'), { maxKeys: 4 }),
  ),
}));

/**
 * The arbitraries built so far, by schema object and depth: building one is costly (`fc.string` prepares its
 * shrinking slices), and a query parameter's is asked for again for every request generated.
 */
const built = new WeakMap<Schema, Map<number, fc.Arbitrary<unknown>>>();

/** Values shaped by a schema most of the time, anything at all otherwise. */
function schemaValue(document: OpenAPIObject, input: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!input) return anyJson;
  let byDepth = built.get(input);
  if (!byDepth) built.set(input, (byDepth = new Map()));
  let arbitrary = byDepth.get(depth);
  if (!arbitrary) byDepth.set(depth, (arbitrary = buildSchemaValue(document, input, depth)));
  return arbitrary;
}

function buildSchemaValue(document: OpenAPIObject, input: Schema, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(document, input);
  if (!schema || depth > 4) return anyJson;
  const variants = (schema.allOf ?? schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  let good: fc.Arbitrary<unknown>;
  if (variants?.length) good = fc.oneof(...variants.map((s) => schemaValue(document, s, depth + 1)));
  else if (Array.isArray(schema.enum)) good = fc.constantFrom(...(schema.enum as unknown[]));
  else if (schema.type === 'string') good = stringFor(schema);
  else if (schema.type === 'integer' || schema.type === 'number') {
    const min = typeof schema.minimum === 'number' ? schema.minimum : -1000;
    const max = typeof schema.maximum === 'number' ? schema.maximum : 1000;
    good = fc.integer({ min: Math.max(min - 1, -(2 ** 31)), max: Math.min(max + 1, 2 ** 31) });
  } else if (schema.type === 'boolean') good = fc.boolean();
  else if (schema.type === 'array') {
    good = fc.array(schemaValue(document, schema.items as Schema, depth + 1), { maxLength: 4 });
  } else if (schema.type === 'object' || schema.properties) good = objectFor(document, schema, depth);
  else good = anyJson;
  return fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: anyJson });
}

/** `fc.string` by maximum length: many schemas share one. */
const strings = new Map<number, fc.Arbitrary<string>>();

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const maxLength = Number(schema.maxLength ?? 60) + 2;
  if (!strings.has(maxLength)) strings.set(maxLength, fc.string({ maxLength }));
  const options: fc.Arbitrary<string>[] = [strings.get(maxLength)!];
  if (typeof schema.example === 'string') options.push(fc.constant(schema.example));
  if (schema.format === 'uuid') options.push(fc.uuid());
  if (schema.format === 'email') options.push(fc.emailAddress());
  if (schema.format === 'date') options.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
  if (schema.format === 'date-time') options.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  if (typeof schema.pattern === 'string' && schema.pattern.length < 80) {
    options.push(fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 200));
  }
  return fc.oneof(...options);
}

function objectFor(document: OpenAPIObject, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, s]) => [name, schemaValue(document, s, depth + 1)]),
  );
  const required = ((schema.required ?? []) as string[]).filter((name) => name in model);
  return fc
    .tuple(fc.record(model, { requiredKeys: required }), fc.dictionary(anyKey, anyJson, { maxKeys: 2 }), fc.nat(9))
    .map(([object, extra, dice]) => (dice === 0 ? { ...object, ...extra } : object));
}

function resolve(document: OpenAPIObject, schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (let i = 0; i < 10 && typeof current?.$ref === 'string'; i++) {
    const name = current.$ref.split('/').at(-1)!;
    current = (document.components?.schemas as Record<string, Schema> | undefined)?.[name];
  }
  return current;
}

/** The documented example with some fields replaced by nasty values, dropped, or joined by unknown ones. */
function mutatedExample(example: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(example);
  if (keys.length === 0) return fc.dictionary(anyKey, anyJson, { maxKeys: 3 });
  return fc
    .tuple(
      fc.subarray(keys, { maxLength: Math.min(2, keys.length) }),
      fc.array(anyJson, { minLength: 2, maxLength: 2 }),
      fc.subarray(keys, { maxLength: 1 }),
      fc.dictionary(anyKey, anyJson, { maxKeys: 2 }),
      fc.nat(3),
    )
    .map(([replaced, values, dropped, extra, dice]) => {
      const body: Record<string, unknown> = { ...example };
      replaced.forEach((key, i) => (body[key] = values[i]));
      if (dice === 0) dropped.forEach((key) => delete body[key]);
      return dice === 1 ? { ...body, ...extra } : body;
    });
}

const MALFORMED = [
  '{',
  '{"a":}',
  "{'a':1}",
  '[1,2',
  '{"a":1}{"b":2}',
  '{"a":1,}',
  'nul',
  '"\\ud800"',
  '"\\u0000"',
  '\ufeff{}',
  '{"a":"\u0000"}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"a":1e400}',
  '   ',
];

interface Context {
  document: OpenAPIObject;
  adminToken: string;
  /** Real ids and keys per path parameter name, to reach past the 404s. */
  known: Record<string, string[]>;
}

function pathValue(ctx: Context, name: string): fc.Arbitrary<string> {
  const real = ctx.known[name] ?? [];
  return fc.oneof(
    { weight: real.length > 0 ? 4 : 0, arbitrary: real.length > 0 ? fc.constantFrom(...real) : fc.constant('x') },
    { weight: 2, arbitrary: fc.uuid().map(encode) },
    { weight: 2, arbitrary: nastyString.map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', '..', '%2F', '%2e%2e', 'a'.repeat(300), '%ED%A0%80') },
  );
}

function queryString(ctx: Context, op: Operation): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pair = fc.oneof(
    {
      weight: declared.length > 0 ? 4 : 0,
      arbitrary: (declared.length > 0 ? fc.constantFrom(...declared) : fc.constant({ name: 'x' } as Parameter)).chain(
        (p) =>
          fc
            .oneof(
              schemaValue(ctx.document, p.schema).map((v) => (typeof v === 'string' ? v : toJson(v))),
              nastyString,
            )
            .map((v) => `${encode(p.name)}=${encode(v)}`),
      ),
    },
    { weight: 1, arbitrary: fc.tuple(anyKey, nastyString).map(([k, v]) => `${encode(k)}=${encode(v)}`) },
    { weight: 1, arbitrary: fc.constantFrom('a[b]=c', '__proto__[x]=1', 'page', '=', '&&', 'page=1&page=2', '%=%') },
  );
  return fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length > 0 ? `?${pairs.join('&')}` : ''));
}

function bodyFor(ctx: Context, op: Operation): fc.Arbitrary<{ type?: string; body?: string | Uint8Array }> {
  const json = (value: fc.Arbitrary<unknown>) => value.map((v) => ({ type: 'application/json', body: toJson(v) }));
  const example = op.body?.example;
  const hasBody = op.body !== undefined;
  return fc.oneof(
    {
      weight: hasBody && typeof example === 'object' && example !== null ? 6 : 0,
      arbitrary: json(mutatedExample((example ?? {}) as Record<string, unknown>)),
    },
    { weight: hasBody ? 4 : 0, arbitrary: json(schemaValue(ctx.document, op.body?.schema)) },
    { weight: hasBody ? 2 : 1, arbitrary: json(anyJson) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED).map((body) => ({ type: 'application/json', body })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { type: 'text/plain', body: 'hello' },
        { type: 'application/x-www-form-urlencoded', body: 'a=1&b=2' },
        { type: 'application/xml', body: '<a>1</a>' },
        { type: 'application/json; charset=latin1', body: '{}' },
        { type: 'multipart/form-data; boundary=x', body: '--x--' },
        {
          type: 'application/json',
          body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        },
      ),
    },
    { weight: hasBody ? 1 : 6, arbitrary: fc.constant({}) },
  );
}

const headerValue = fc.oneof(
  fc.constantFrom('', '*', '"v1"', 'W/"x"', '"v999999999999"', 'x'.repeat(300), '\u00ff', 'null'),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/\p{Cc}/gu, '')),
);

const HEADERS = ['If-Match', 'If-None-Match', 'Idempotency-Key', 'Accept', 'X-Request-Id', 'Accept-Encoding'];

/** Everything of one operation's requests but the credentials; built once per operation, not once per request. */
function partsFor(ctx: Context, op: Operation) {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  return fc.record({
    params: fc.tuple(...pathParams.map((name) => pathValue(ctx, name))),
    query: queryString(ctx, op),
    body: op.method === 'get' ? fc.constant<{ type?: string; body?: string | Uint8Array }>({}) : bodyFor(ctx, op),
    extra: fc.dictionary(fc.constantFrom(...HEADERS), headerValue, { maxKeys: 2 }),
  });
}

function requestFor(ctx: Context, ops: Operation[]): fc.Arbitrary<FuzzRequest> {
  const auth = fc.oneof(
    { weight: 6, arbitrary: fc.constant<Who>('admin') },
    { weight: 3, arbitrary: fc.constant<Who>('none') },
    { weight: 1, arbitrary: fc.constantFrom<Who>('bad-bearer', 'bad-key') },
  );
  // Off the document: other methods on documented paths, and paths that do not exist.
  const offSpec = fc
    .tuple(
      fc.constantFrom('HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE', 'POST', 'GET'),
      fc.oneof(
        fc.constantFrom(...ops.map((op) => op.path.replace(/\{\w+\}/g, 'x'))),
        nastyString.map((segment) => `/api/v1/${encode(segment)}`),
        fc.constantFrom('/', '/api', '/api/v2/articles', '/docs/../health', '//health', '/health/', '/%2e%2e/health'),
      ),
      auth,
    )
    .map(([method, url, who]): FuzzRequest => ({
      method,
      url,
      headers: who === 'admin' ? { authorization: `Bearer ${ctx.adminToken}` } : {},
      who,
    }));
  return fc.oneof(
    { weight: 2, arbitrary: offSpec },
    ...ops
      .map((op) =>
        fc.tuple(partsFor(ctx, op), auth).map(([{ params, query, body, extra }, who]): FuzzRequest => {
          let i = 0;
          const path = op.path.replace(/\{\w+\}/g, () => params[i++]);
          const headers: Record<string, string> = { ...extra };
          if (body.type) headers['content-type'] = body.type;
          if (who === 'admin') headers.authorization = `Bearer ${ctx.adminToken}`;
          if (who === 'bad-bearer') headers.authorization = 'Bearer not.a.token';
          if (who === 'bad-key') headers['x-api-key'] = 'wck_nope';
          return {
            method: op.method.toUpperCase(),
            url: path + query,
            headers,
            body: body.body,
            operation: operationName(op),
            who,
          };
        }),
      )
      .map((arbitrary) => ({ weight: 1, arbitrary })),
  );
}

function operationName(op: Operation): string {
  return `${op.method.toUpperCase()} ${op.path}`;
}

function operationsOf(document: OpenAPIObject): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Record<string, unknown> | undefined>)[method];
      if (!op) continue;
      const content = (op.requestBody as { content?: Record<string, { schema?: Schema; example?: unknown }> })
        ?.content?.['application/json'];
      ops.push({ method, path, parameters: (op.parameters ?? []) as Parameter[], body: content });
    }
  }
  return ops;
}

/** What is wrong with a response, or undefined. */
function verdict(method: string, status: number, headers: Headers, text: string): string | undefined {
  if (status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  if (status < 400) return undefined;
  if (headers.get('content-type') !== PROBLEM_JSON) return `content-type ${headers.get('content-type')}`;
  // A HEAD answer has the headers of the GET answer and no body.
  if (method === 'HEAD') return text === '' ? undefined : 'a body in a HEAD answer';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `body is not JSON: ${text.slice(0, 200)}`;
  }
  const code = body.code as ProblemCode;
  const expected = problemKind(code);
  if (!expected) return `unknown code ${String(body.code)}`;
  const problems = [
    body.status !== status && 'status member differs',
    expected.status !== status && `code ${code} is not a ${status}`,
    body.type !== problemType(code) && 'type',
    body.title !== expected.title && 'title',
    (typeof body.detail !== 'string' || body.detail === '') && 'detail',
    typeof body.instance !== 'string' && 'instance',
    (body.requestId !== headers.get('x-request-id') || !body.requestId) && 'requestId',
    body.errors !== undefined &&
      !(
        Array.isArray(body.errors) &&
        body.errors.length <= 50 &&
        body.errors.every(
          (e: { field?: unknown; message?: unknown }) => typeof e.field === 'string' && typeof e.message === 'string',
        )
      ) &&
      'errors',
  ].filter(Boolean);
  return problems.length > 0 ? `invalid problem (${problems.join(', ')}): ${text.slice(0, 300)}` : undefined;
}

interface Outcome {
  operation?: string;
  who: Who;
  status: number;
  /** The problem `code` of a 4xx. */
  code?: string;
}

/**
 * Statuses only a matched route gives: a 400, 404, 413, 415, 429 or 431 can come before routing (a body or query
 * refused on its way in), so it does not prove that the operation was reached.
 */
function reachedRoute(status: number): boolean {
  return status < 400 || [401, 403, 409, 412, 422].includes(status);
}

/** The operations no request reached (see reachedRoute). */
function unreached(operations: string[], outcomes: Outcome[]): string[] {
  const reached = new Set(outcomes.filter((o) => reachedRoute(o.status)).map((o) => o.operation));
  return operations.filter((operation) => !reached.has(operation));
}

/**
 * How far a run got past the router, the credentials and validation. Failures alone would not notice a broken
 * admin token, route prefix or content type: every request would be a tidy 401, 404 or 415.
 */
function coverage(outcomes: Outcome[], operations: string[]) {
  const asAdminOnAdmin = outcomes.filter((o) => o.who === 'admin' && o.operation?.includes(' /api/v1/admin/'));
  return {
    success: outcomes.filter((o) => o.status >= 200 && o.status < 300).length,
    validationFailed: outcomes.filter((o) => o.code === 'validation_failed').length,
    // 2xx only: a 400, 404 or 415 can be answered before the credential is even looked at.
    adminSucceeded: asAdminOnAdmin.filter((o) => o.status >= 200 && o.status < 300).length,
    adminRefused: asAdminOnAdmin.filter((o) => o.status === 401 || o.status === 403).length,
    operationsReached: operations.length - unreached(operations, outcomes).length,
  };
}

type Coverage = ReturnType<typeof coverage>;

/**
 * The least a run must reach, well below what it does: with 20,000 requests over 64 operations, seeds 1 to 5 each
 * gave about 5.3% 2xx, 49% validation_failed, 2.2% admin 2xx on admin operations, and all 64 operations reached.
 */
function coverageFloors(runs: number, operations: number): Record<Exclude<keyof Coverage, 'adminRefused'>, number> {
  return {
    success: Math.floor(runs * 0.01),
    validationFailed: Math.floor(runs * 0.1),
    adminSucceeded: Math.floor(runs * 0.005),
    // About one request in 66 goes to each operation: a short run may leave some of them with only 404s.
    operationsReached: Math.min(Math.floor(operations * 0.9), Math.floor(runs / 100)),
  };
}

function problemCode(status: number, text: string): string | undefined {
  if (status < 400) return undefined;
  try {
    return (JSON.parse(text) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

describe(`OpenAPI fuzzer (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})`, () => {
  const app = useTestApp({
    isolatedDatabase: true,
    env: { DB_SEED_ON_START: 'true', RATE_LIMIT_SUBMISSION_LIMIT: '10000', LOG_LEVEL: 'warn' },
  });

  it('answers below 500, every 4xx a valid problem, gets past routing, auth and validation, stays healthy', async () => {
    const t = app();
    console.warn(`OpenAPI fuzzer: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} (set them to replay this run)`);
    const admin = await createStaff(t, 'admin');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    const document = (await (await fetch(`${base}/docs-json`)).json()) as OpenAPIObject;

    const auth = { authorization: `Bearer ${admin.token}` };
    // Hours have an id too, and the seeded articles have other slugs: each value is taken from the field it names.
    const values = async (path: string, field: 'id' | 'key' | 'slug'): Promise<string[]> => {
      const res = await fetch(`${base}${path}`, { headers: auth });
      const body = (await res.json()) as { data?: Record<string, unknown>[] };
      return (body.data ?? []).map((row) => row[field]).filter((value): value is string => typeof value === 'string');
    };
    const known: Record<string, string[]> = {
      id: [
        ...(await values('/api/v1/admin/articles', 'id')),
        ...(await values('/api/v1/admin/testimonials', 'id')),
        ...(await values('/api/v1/admin/contact-requests', 'id')),
      ].slice(0, 30),
      key: await values('/api/v1/hours', 'key'),
      slug: await values('/api/v1/articles', 'slug'),
    };

    const ops = operationsOf(document);
    const requests = fc.sample(requestFor({ document, adminToken: admin.token, known }, ops), {
      seed: SEED,
      numRuns: RUNS,
    });

    const failures: string[] = [];
    const outcomes: Outcome[] = [];
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const r = requests[index];
        let problem: string | undefined;
        try {
          const res = await fetch(base + r.url, {
            method: r.method,
            headers: r.headers,
            body: r.body,
            redirect: 'manual',
          });
          const text = await res.text();
          outcomes.push({
            operation: r.operation,
            who: r.who,
            status: res.status,
            code: problemCode(res.status, text),
          });
          problem = verdict(r.method, res.status, res.headers, text);
        } catch (error) {
          problem = `no response: ${String((error as Error).cause ?? error)}`;
        }
        if (problem && failures.length < 20) {
          const body = typeof r.body === 'string' ? r.body.slice(0, 300) : r.body ? `<${r.body.length} bytes>` : '';
          failures.push(
            `#${index} ${r.method} ${r.url.slice(0, 300)} ${JSON.stringify(r.headers)} ${body} -> ${problem}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const operations = ops.map(operationName);
    const reached = coverage(outcomes, operations);
    const statuses = new Map<number, number>();
    for (const { status } of outcomes) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    console.warn(
      `OpenAPI fuzzer: ${requests.length} requests over ${ops.length} operations in ${Date.now() - started} ms, ` +
        `seed ${SEED}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ` +
        `coverage ${JSON.stringify(reached)} of ${ops.length} operations; ` +
        `not reached ${JSON.stringify(unreached(operations, outcomes))}`,
    );

    expect({ seed: SEED, failures }).toEqual({ seed: SEED, failures: [] });
    const shortfalls = (Object.entries(coverageFloors(RUNS, ops.length)) as [keyof Coverage, number][])
      .filter(([name, floor]) => reached[name] < floor)
      .map(([name, floor]) => `${name}: ${reached[name]} < ${floor}`);
    // An admin may do everything: a single 401 or 403 means the credential, not the request, was refused.
    expect({ seed: SEED, shortfalls, adminRefused: reached.adminRefused }).toEqual({
      seed: SEED,
      shortfalls: [],
      adminRefused: 0,
    });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect(t.logs.lines.filter((line) => line.includes('Unhandled error'))).toEqual([]);
    // About a minute alone on two cores; room for sharing them with another suite.
  }, 240_000);
});
