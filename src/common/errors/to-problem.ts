import { HttpException } from '@nestjs/common';
import { AppException } from './app-exception.js';
import { isDatabaseUnavailable, sqlState } from './database-errors.js';
import { problemCodeForStatus, problemKind, problemType, type ProblemCode } from './problem-codes.js';
import type { ProblemBody } from './problem-details.js';

export interface ProblemContext {
  instance: string;
  requestId: string;
  retryAfterSeconds: number;
}

export interface ProblemResponse {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
  /** Whether this is a server fault worth an error log line (never for client mistakes or outages). */
  unexpected: boolean;
}

interface Classified {
  code: ProblemCode;
  detail: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
  errors?: ProblemBody['errors'];
  unexpected?: boolean;
}

/** Fastify's own request errors (raised before any Nest code runs). */
const FASTIFY_CODES: Record<string, { code: ProblemCode; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_json', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'malformed_json',
    detail: 'The request body is empty but the content type is application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', detail: 'The request body exceeds the size limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    detail: 'This content type is not accepted; send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'bad_request',
    detail: 'The Content-Length header does not match the body.',
  },
  // Raised by the router, before any hook runs: see `frameworkErrors` in app.factory.ts.
  FST_ERR_BAD_URL: { code: 'bad_request', detail: 'The URL is malformed (an invalid percent-encoding).' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'bad_request', detail: 'A segment of the URL path is too long.' },
};

function fastifyCode(error: unknown): string | undefined {
  const cause = error instanceof HttpException ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('FST_') ? code : undefined;
}

function classify(exception: unknown, ctx: ProblemContext): Classified {
  if (exception instanceof AppException) {
    return {
      code: exception.code,
      detail: exception.detail,
      headers: exception.options.headers,
      extensions: exception.options.extensions,
      errors: exception.options.errors,
    };
  }

  const known = FASTIFY_CODES[fastifyCode(exception) ?? ''];
  if (known) return { ...known };

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = problemCodeForStatus(status);
    const response = exception.getResponse();
    if (status === 503 && typeof response === 'object' && response !== null && 'details' in response) {
      // @nestjs/terminus: a failed readiness check.
      return {
        code: 'service_unavailable',
        detail: 'A dependency of the service is not available.',
        headers: { 'Retry-After': String(ctx.retryAfterSeconds) },
        // Only each dependency's up/down status: indicator messages can name hosts and ports.
        extensions: { checks: healthStatuses(response.details) },
      };
    }
    const message = typeof response === 'string' ? response : (response as { message?: unknown } | null)?.message;
    const detail = status < 500 && typeof message === 'string' ? clientDetail(message) : problemKind(code).title;
    return { code, detail, unexpected: status >= 500 && status !== 503 };
  }

  if (isDatabaseUnavailable(exception)) {
    return {
      code: 'database_unavailable',
      detail: 'The database is not reachable right now. Retry shortly.',
      headers: { 'Retry-After': String(ctx.retryAfterSeconds) },
    };
  }

  switch (sqlState(exception)) {
    case '23505':
      return { code: 'conflict', detail: 'A resource with the same unique value already exists.' };
    case '23503':
      return { code: 'conflict', detail: 'The change conflicts with a related resource.' };
    // A NUL character in text (22021) or in jsonb (22P05) that validation let through: the input is at fault.
    case '22021':
    case '22P05':
      return { code: 'bad_request', detail: 'The request contains characters that cannot be stored, such as NUL.' };
    case '40001':
    case '40P01':
      return {
        code: 'service_unavailable',
        detail: 'The request collided with a concurrent change. Retry it.',
        headers: { 'Retry-After': '1' },
      };
    case '57014':
      return {
        code: 'service_unavailable',
        detail: 'The request took too long to complete. Retry shortly.',
        headers: { 'Retry-After': String(ctx.retryAfterSeconds) },
      };
    default:
      return { code: 'internal_error', detail: 'An unexpected error occurred.', unexpected: true };
  }
}

/** Nest's unknown-route message echoes the URL; keep its path, never its query string. */
function clientDetail(message: string): string {
  const unknownRoute = /^Cannot ([A-Z]+) ([^?\s]*)/.exec(message);
  return unknownRoute ? `No route matches ${unknownRoute[1]} ${unknownRoute[2]}.` : message;
}

function healthStatuses(details: unknown): Record<string, { status: unknown }> {
  if (typeof details !== 'object' || details === null) return {};
  return Object.fromEntries(
    Object.entries(details as Record<string, { status?: unknown }>).map(([name, check]) => [
      name,
      { status: check?.status },
    ]),
  );
}

/** Maps anything thrown while serving a request to RFC 9457 problem details. Never exposes internals. */
export function toProblem(exception: unknown, ctx: ProblemContext): ProblemResponse {
  const c = classify(exception, ctx);
  const { status, title } = problemKind(c.code);
  const body: ProblemBody = {
    ...c.extensions,
    type: problemType(c.code),
    title,
    status,
    detail: c.detail,
    instance: ctx.instance,
    code: c.code,
    requestId: ctx.requestId,
    ...(c.errors ? { errors: c.errors } : {}),
  };
  return { status, body, headers: c.headers ?? {}, unexpected: c.unexpected ?? false };
}
