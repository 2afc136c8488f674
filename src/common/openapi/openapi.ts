import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, type ResponseObject, SwaggerModule } from '@nestjs/swagger';
import { problemCodes, problemKind, problemType, type ProblemCode } from '../errors/problem-codes.js';
import { FieldError, PROBLEM_CONTENT_TYPE, ProblemDetails } from '../errors/problem-details.js';
import { PageMeta } from '../pagination/pagination.js';
import { FeatureRegistry } from '../feature/feature.js';
import { completeDocument } from './complete-document.js';
import { DOCS_PATH } from './docs-path.js';
import { problemExampleName } from './problem-examples.js';

export const BEARER_AUTH = 'bearer';
export const API_KEY_AUTH = 'apiKey';

/** Every problem kind, the features' included: built with the document, once every feature has defined its own. */
const problemTable = () =>
  problemCodes()
    .map((code) => {
      const { status, title } = problemKind(code);
      return `| \`${code}\` | ${status} | ${title} | \`${problemType(code)}\` |`;
    })
    .join('\n');

const description = () =>
  `
The practice-management API of the Well Clinic: the public website reads published content and sends contact
requests; staff manage content; partner integrations pull feeds.

## Authentication
- **Public routes** (\`/api/v1/<resource>\`) need no credentials and never reveal drafts, pending items or personal data.
- **Staff** call \`/api/v1/admin/...\` with \`Authorization: Bearer <JWT>\` obtained from \`POST /api/v1/auth/login\`.
- **Integrations** send \`X-API-Key: <key>\`; each key carries scopes.

A missing or invalid credential is \`401\`; a valid one without the required role or scope is \`403\`.

## Errors
Every non-2xx response is \`application/problem+json\` ([RFC 9457](https://www.rfc-editor.org/rfc/rfc9457)) with a
stable \`code\`, the \`requestId\` (same as the \`X-Request-Id\` header) and, for validation failures, an \`errors\`
array naming each field. Unknown query parameters and body fields are rejected with \`400\`.

| code | status | title | type |
|---|---|---|---|
${problemTable()}

A \`503\` carries \`Retry-After\`; a \`429\` carries \`Retry-After\` and the \`RateLimit-Limit\`, \`RateLimit-Remaining\` and
\`RateLimit-Reset\` headers, which every rate-limited response sends too. Each operation lists the codes it can answer.

## Lists and pagination
Lists answer \`{ "data": [...], "meta": { "page", "pageSize", "total", "totalPages" } }\`. Query \`page\` (from 1)
and \`pageSize\` (1 to 100, default 20); \`sort\` takes a comma-separated list of allowed fields, \`-\` for descending.
Change feeds for integrations use \`{ "data": [...], "meta": { "nextCursor", "hasMore" } }\` instead.
Lists whose matches are counted on each request (an article search, the audit log) count up to 10,000: beyond, \`total\`
is 10,000 and \`meta.totalIsLowerBound\` is true (absent whenever \`total\` is exact); later pages still exist.
The public article list also returns \`meta.nextCursor\`: pass it back as \`cursor\` for the next page, found through
an index (keyset) however deep; \`page\` works too, served by an index-only scan.

## Caching
Public GETs send a strong \`ETag\` and \`Cache-Control: public, max-age=60, stale-while-revalidate=300\` (both
configurable); send the ETag back in \`If-None-Match\` to get \`304 Not Modified\`. The open-now status is the
exception: it may be kept only until the next opening or closing, with no stale-while-revalidate. Every other
response is \`Cache-Control: no-store\`. Public article reads and the public testimonial list are also kept in the
server's memory for \`RESPONSE_CACHE_TTL_MS\` (2 s by default; \`X-Cache: HIT\`); a change on the same instance
clears them at once. Staff responses with one article, testimonial or contact request carry
\`ETag: "v<version>"\`: send it as \`If-Match\` on a change to get \`412\` instead of overwriting someone else's edit.

## Conventions
camelCase JSON, timestamps in ISO 8601 UTC (\`Z\`), dates \`YYYY-MM-DD\`, times of day \`HH:mm\`, ids are UUIDs.
Every response carries \`X-Request-Id\`, always made by the server: it names the request in problem bodies, logs and
the audit log. An \`X-Request-Id\` you send (a token of up to 128 of \`A-Za-z0-9._:-\`) is recorded beside it as
\`clientRequestId\` in the request log and in audit events, so you can find your request by it.
A W3C \`traceparent\` you send makes the request part of your trace: its trace id is recorded on the request's log
line, in its audit events (\`traceId\`) and in the \`traceparent\` of the webhooks it causes. An invalid one is
ignored, and the request starts a trace of its own.
`.trim();

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Well Clinic API')
    .setDescription(description())
    .setVersion('1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Staff access token.' },
      BEARER_AUTH,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Integration key.' }, API_KEY_AUTH)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetails, FieldError, PageMeta],
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  describeAccess(document);
  completeDocument(document, app.get(FeatureRegistry, { strict: false }).tags);
  return document;
}

/**
 * Says in each operation's description who may call it, from the extensions the access decorators set. An
 * operation without any is admin-only (the access guard's default), and is documented as such.
 */
function describeAccess(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as Record<string, unknown>[]) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
      const scope = op['x-api-key-scope'] as string | undefined;
      if (!op['x-public'] && !scope && !op['x-roles']) {
        op['x-roles'] = ['admin'];
        op.security = [{ [BEARER_AUTH]: [] }];
        addProblems(op.responses as Record<string, ResponseObject>, ['unauthorized', 'forbidden']);
      }
      // Said explicitly, so no reader (or linter) wonders whether a credential was forgotten.
      if (op['x-public']) op.security = [];
      const roles = op['x-roles'] as string[] | undefined;
      const access = op['x-public']
        ? 'public, no credentials'
        : scope
          ? `integrations with an API key carrying the \`${scope}\` scope`
          : roles?.includes('any')
            ? 'any signed-in staff member (bearer token)'
            : `staff with the role ${roles?.join(' or ')} (bearer token)`;
      const description = typeof op.description === 'string' && op.description ? `${op.description}\n\n` : '';
      op.description = `${description}**Access:** ${access}.`;
    }
  }
}
/** What `@ApiProblems` documents, for operations the access guard protects without saying so. */
function addProblems(responses: Record<string, ResponseObject>, codes: ProblemCode[]): void {
  for (const code of codes) {
    const response = (responses[String(problemKind(code).status)] ??= { description: '' });
    const media = ((response.content ??= {})[PROBLEM_CONTENT_TYPE] ??= {
      schema: { $ref: '#/components/schemas/ProblemDetails' },
    });
    media.examples = { ...media.examples, [code]: { $ref: `#/components/examples/${problemExampleName(code)}` } };
  }
}

/**
 * Swagger UI at /docs, the document at /docs-json; assets are served by the app itself.
 *
 * @param options.persistAuthorization keeps the pasted token in the browser's storage across reloads: a comfort in
 *   development, a leak on a shared front-desk computer, so production turns it off (the token ends with the tab).
 */
export function setupOpenApi(app: INestApplication, options: { persistAuthorization: boolean }): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    yamlDocumentUrl: `${DOCS_PATH}-yaml`,
    customSiteTitle: 'Well Clinic API',
    swaggerOptions: {
      persistAuthorization: options.persistAuthorization,
      displayRequestDuration: true,
      tryItOutEnabled: false,
    },
  });
}
