import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { AppException } from './app-exception.js';
import { toProblem, type ProblemContext } from './to-problem.js';

const ctx: ProblemContext = { instance: '/api/v1/articles', requestId: 'req-123', retryAfterSeconds: 7 };

/** An Error carrying a driver `code`, as pg and Node's net module throw them. */
function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('toProblem', () => {
  describe('AppException', () => {
    it('keeps its code, detail, field errors, headers and extensions', () => {
      const exception = new AppException('validation_failed', '2 fields are invalid', {
        errors: [
          { field: 'email', message: 'email must be an email' },
          { field: 'periods.0.opens', message: 'opens must be a time of day as HH:mm (00:00 to 24:00)' },
        ],
        headers: { 'X-Extra': 'yes' },
        extensions: { limit: 5 },
      });

      expect(toProblem(exception, ctx)).toEqual({
        status: 400,
        headers: { 'X-Extra': 'yes' },
        unexpected: false,
        body: {
          type: '/problems/validation-failed',
          title: 'Validation failed',
          status: 400,
          detail: '2 fields are invalid',
          instance: '/api/v1/articles',
          code: 'validation_failed',
          requestId: 'req-123',
          errors: [
            { field: 'email', message: 'email must be an email' },
            { field: 'periods.0.opens', message: 'opens must be a time of day as HH:mm (00:00 to 24:00)' },
          ],
          limit: 5,
        },
      });
    });

    it('has no errors member and no headers when none were given', () => {
      expect(toProblem(new AppException('not_found', 'No article with this slug.'), ctx)).toEqual({
        status: 404,
        headers: {},
        unexpected: false,
        body: {
          type: '/problems/not-found',
          title: 'Not found',
          status: 404,
          detail: 'No article with this slug.',
          instance: '/api/v1/articles',
          code: 'not_found',
          requestId: 'req-123',
        },
      });
    });

    it('does not let extensions overwrite the standard members', () => {
      const exception = new AppException('precondition_failed', 'The resource has changed.', {
        extensions: { status: 200, code: 'ok', type: 'about:blank', requestId: 'forged', currentEtag: '"abc"' },
      });

      expect(toProblem(exception, ctx).body).toEqual({
        type: '/problems/precondition-failed',
        title: 'Precondition failed',
        status: 412,
        detail: 'The resource has changed.',
        instance: '/api/v1/articles',
        code: 'precondition_failed',
        requestId: 'req-123',
        currentEtag: '"abc"',
      });
    });

    it('uses the status of its code, for a 5xx code too, without flagging it as unexpected', () => {
      const problem = toProblem(
        new AppException('rate_limited', 'Slow down.', { headers: { 'Retry-After': '60' } }),
        ctx,
      );

      expect({ status: problem.status, headers: problem.headers, unexpected: problem.unexpected }).toEqual({
        status: 429,
        headers: { 'Retry-After': '60' },
        unexpected: false,
      });
      expect(toProblem(new AppException('service_unavailable', 'Down.'), ctx).status).toBe(503);
    });
  });

  describe('Nest HttpExceptions', () => {
    it('maps NotFoundException() to not_found with its message', () => {
      expect(toProblem(new NotFoundException(), ctx)).toEqual({
        status: 404,
        headers: {},
        unexpected: false,
        body: {
          type: '/problems/not-found',
          title: 'Not found',
          status: 404,
          detail: 'Not Found',
          instance: '/api/v1/articles',
          code: 'not_found',
          requestId: 'req-123',
        },
      });
    });

    it('maps BadRequestException with a string message to bad_request with that message', () => {
      expect(toProblem(new BadRequestException('The cursor has expired.'), ctx)).toEqual({
        status: 400,
        headers: {},
        unexpected: false,
        body: {
          type: '/problems/bad-request',
          title: 'Bad request',
          status: 400,
          detail: 'The cursor has expired.',
          instance: '/api/v1/articles',
          code: 'bad_request',
          requestId: 'req-123',
        },
      });
    });

    it('uses the title when a 4xx message is not a string', () => {
      expect(toProblem(new BadRequestException(['a is bad', 'b is bad']), ctx).body.detail).toBe('Bad request');
      expect(toProblem(new HttpException({ reason: 'x' }, 400), ctx).body.detail).toBe('Bad request');
    });

    it.each([
      [
        new UnauthorizedException('Log in first.'),
        401,
        'unauthorized',
        '/problems/unauthorized',
        'Authentication required',
      ],
      [new ForbiddenException('Not yours.'), 403, 'forbidden', '/problems/forbidden', 'Forbidden'],
      [new ConflictException('Taken.'), 409, 'conflict', '/problems/conflict', 'Conflict'],
      [
        new HttpException('Too large.', HttpStatus.PAYLOAD_TOO_LARGE),
        413,
        'payload_too_large',
        '/problems/payload-too-large',
        'Payload too large',
      ],
      [
        new HttpException('Slow down.', HttpStatus.TOO_MANY_REQUESTS),
        429,
        'rate_limited',
        '/problems/rate-limited',
        'Too many requests',
      ],
    ])('maps %s to its generic code', (exception, status, code, type, title) => {
      expect(toProblem(exception, ctx)).toEqual({
        status,
        headers: {},
        unexpected: false,
        body: {
          type,
          title,
          status,
          detail: exception.message,
          instance: '/api/v1/articles',
          code,
          requestId: 'req-123',
        },
      });
    });

    // An HttpException built from a missing upstream body (`new HttpException(err.response, err.status)` in
    // plain JavaScript, or an `any`) has no response object at all; the filter must still answer a problem.
    it('copes with a 4xx HttpException whose response is undefined', () => {
      const exception = new HttpException(undefined as unknown as string, 400);

      expect(toProblem(exception, ctx)).toEqual({
        status: 400,
        headers: {},
        unexpected: false,
        body: {
          type: '/problems/bad-request',
          title: 'Bad request',
          status: 400,
          detail: 'Bad request',
          instance: '/api/v1/articles',
          code: 'bad_request',
          requestId: 'req-123',
        },
      });
    });

    it('copes with a 500 HttpException whose response is null', () => {
      const exception = new HttpException(null as unknown as string, 500);

      expect(toProblem(exception, ctx)).toEqual({
        status: 500,
        headers: {},
        unexpected: true,
        body: {
          type: '/problems/internal-error',
          title: 'Internal server error',
          status: 500,
          detail: 'Internal server error',
          instance: '/api/v1/articles',
          code: 'internal_error',
          requestId: 'req-123',
        },
      });
    });

    it('hides the message of a 500 HttpException and flags it as unexpected', () => {
      const problem = toProblem(new HttpException('pool exhausted at db.internal:5432', 500), ctx);

      expect(problem).toEqual({
        status: 500,
        headers: {},
        unexpected: true,
        body: {
          type: '/problems/internal-error',
          title: 'Internal server error',
          status: 500,
          detail: 'Internal server error',
          instance: '/api/v1/articles',
          code: 'internal_error',
          requestId: 'req-123',
        },
      });
      expect(JSON.stringify(problem.body)).not.toContain('db.internal');
    });

    it('hides the message of a plain 503 and does not flag it as unexpected', () => {
      expect(toProblem(new ServiceUnavailableException('maintenance on host-7'), ctx)).toEqual({
        status: 503,
        headers: {},
        unexpected: false,
        body: {
          type: '/problems/service-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'Service unavailable',
          instance: '/api/v1/articles',
          code: 'service_unavailable',
          requestId: 'req-123',
        },
      });
    });
  });

  describe('a failed @nestjs/terminus readiness check', () => {
    it('answers service_unavailable with Retry-After and only the status of each check', () => {
      const exception = new ServiceUnavailableException({
        status: 'error',
        info: { memory: { status: 'up' } },
        error: { database: { status: 'down', message: 'connect ECONNREFUSED 10.1.2.3:5432' } },
        details: {
          memory: { status: 'up' },
          database: { status: 'down', message: 'connect ECONNREFUSED 10.1.2.3:5432' },
        },
      });
      const problem = toProblem(exception, ctx);

      expect(problem).toEqual({
        status: 503,
        headers: { 'Retry-After': '7' },
        unexpected: false,
        body: {
          type: '/problems/service-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'A dependency of the service is not available.',
          instance: '/api/v1/articles',
          code: 'service_unavailable',
          requestId: 'req-123',
          checks: { memory: { status: 'up' }, database: { status: 'down' } },
        },
      });
      expect(JSON.stringify(problem.body)).not.toContain('10.1.2.3');
    });

    it('copes with details that are not objects', () => {
      expect(toProblem(new ServiceUnavailableException({ status: 'error', details: null }), ctx).body.checks).toEqual(
        {},
      );
      expect(
        toProblem(new ServiceUnavailableException({ status: 'error', details: { db: null, cache: 'down' } }), ctx).body
          .checks,
      ).toEqual({ db: { status: undefined }, cache: { status: undefined } });
    });
  });

  describe('Fastify request errors', () => {
    it.each([
      [
        'FST_ERR_CTP_INVALID_JSON_BODY',
        400,
        'malformed_json',
        'Malformed JSON body',
        'The request body is not valid JSON.',
      ],
      [
        'FST_ERR_CTP_EMPTY_JSON_BODY',
        400,
        'malformed_json',
        'Malformed JSON body',
        'The request body is empty but the content type is application/json.',
      ],
      [
        'FST_ERR_CTP_BODY_TOO_LARGE',
        413,
        'payload_too_large',
        'Payload too large',
        'The request body exceeds the size limit.',
      ],
      [
        'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        415,
        'unsupported_media_type',
        'Unsupported media type',
        'This content type is not accepted; send application/json.',
      ],
      [
        'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
        400,
        'bad_request',
        'Bad request',
        'The Content-Length header does not match the body.',
      ],
      ['FST_ERR_BAD_URL', 400, 'bad_request', 'Bad request', 'The URL is malformed (an invalid percent-encoding).'],
      ['FST_ERR_MAX_PARAM_LENGTH', 400, 'bad_request', 'Bad request', 'A segment of the URL path is too long.'],
    ])('maps %s (wrapped in an HttpException) to %i %s', (fstCode, status, code, title, detail) => {
      const exception = new HttpException(`Fastify says ${fstCode} at position 12: {"secret`, status, {
        cause: { code: fstCode, statusCode: status },
      });
      const expected = {
        status,
        headers: {},
        unexpected: false,
        body: {
          type: `/problems/${code.replace(/_/g, '-')}`,
          title,
          status,
          detail,
          instance: '/api/v1/articles',
          code,
          requestId: 'req-123',
        },
      };

      expect(toProblem(exception, ctx)).toEqual(expected);
      // Thrown bare (not wrapped), the error itself carries the code.
      expect(toProblem(codedError('raw fastify error', fstCode), ctx)).toEqual(expected);
    });

    it('treats an unknown FST code like any HttpException of its status', () => {
      const exception = new HttpException('body/name must be string', 400, {
        cause: { code: 'FST_ERR_VALIDATION', statusCode: 400 },
      });

      expect(toProblem(exception, ctx).body).toEqual({
        type: '/problems/bad-request',
        title: 'Bad request',
        status: 400,
        detail: 'body/name must be string',
        instance: '/api/v1/articles',
        code: 'bad_request',
        requestId: 'req-123',
      });
    });
  });

  describe('database outages', () => {
    const outageBody = {
      type: '/problems/database-unavailable',
      title: 'Database unavailable',
      status: 503,
      detail: 'The database is not reachable right now. Retry shortly.',
      instance: '/api/v1/articles',
      code: 'database_unavailable',
      requestId: 'req-123',
    };

    it.each([
      ['a socket error code', codedError('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED')],
      [
        'a TypeORM QueryFailedError-like driverError',
        Object.assign(new Error('terminating connection due to administrator command'), {
          driverError: { code: '57P01' },
        }),
      ],
      ['a pg message', new Error('Connection terminated unexpectedly')],
      ['a pool timeout', new Error('timeout exceeded when trying to connect')],
      ['a cause chain', new Error('query failed', { cause: codedError('read ECONNRESET', 'ECONNRESET') })],
    ])('answers 503 database_unavailable for %s, with Retry-After from the context', (_label, error) => {
      const problem = toProblem(error, ctx);

      expect(problem).toEqual({ status: 503, headers: { 'Retry-After': '7' }, unexpected: false, body: outageBody });
      expect(JSON.stringify(problem.body)).not.toContain('10.0.0.5');
    });

    it('follows the context for Retry-After', () => {
      expect(toProblem(codedError('x', 'ETIMEDOUT'), { ...ctx, retryAfterSeconds: 120 }).headers).toEqual({
        'Retry-After': '120',
      });
    });
  });

  describe('SQLSTATEs', () => {
    it('maps 23505 (unique_violation) to 409 conflict without echoing the duplicate value', () => {
      const error = Object.assign(new Error('duplicate key value violates unique constraint "uq_email"'), {
        driverError: { code: '23505', detail: 'Key (email)=(jane@example.com) already exists.' },
        code: '23505',
      });
      const problem = toProblem(error, ctx);

      expect(problem).toEqual({
        status: 409,
        headers: {},
        unexpected: false,
        body: {
          type: '/problems/conflict',
          title: 'Conflict',
          status: 409,
          detail: 'A resource with the same unique value already exists.',
          instance: '/api/v1/articles',
          code: 'conflict',
          requestId: 'req-123',
        },
      });
      expect(JSON.stringify(problem)).not.toContain('jane@example.com');
    });

    it('maps 23503 (foreign_key_violation) to 409 conflict', () => {
      expect(toProblem({ driverError: { code: '23503' } }, ctx)).toEqual({
        status: 409,
        headers: {},
        unexpected: false,
        body: {
          type: '/problems/conflict',
          title: 'Conflict',
          status: 409,
          detail: 'The change conflicts with a related resource.',
          instance: '/api/v1/articles',
          code: 'conflict',
          requestId: 'req-123',
        },
      });
    });

    it.each(['40001', '40P01'])('maps %s (serialization failure / deadlock) to 503 with Retry-After 1', (code) => {
      expect(toProblem(codedError('could not serialize access', code), ctx)).toEqual({
        status: 503,
        headers: { 'Retry-After': '1' },
        unexpected: false,
        body: {
          type: '/problems/service-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'The request collided with a concurrent change. Retry it.',
          instance: '/api/v1/articles',
          code: 'service_unavailable',
          requestId: 'req-123',
        },
      });
    });

    it.each([
      ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
      ['22P05', 'unsupported Unicode escape sequence'],
    ])('maps %s (a NUL character the database cannot store) to 400 bad_request', (code, message) => {
      const error = Object.assign(new Error(message), { driverError: { code, where: 'JSON data, line 1: "\\u0000' } });
      expect(toProblem(error, ctx)).toEqual({
        status: 400,
        headers: {},
        unexpected: false,
        body: {
          type: '/problems/bad-request',
          title: 'Bad request',
          status: 400,
          detail: 'The request contains characters that cannot be stored, such as NUL.',
          instance: '/api/v1/articles',
          code: 'bad_request',
          requestId: 'req-123',
        },
      });
    });

    it('maps 57014 (statement timeout) to 503 with Retry-After from the context', () => {
      expect(toProblem(codedError('canceling statement due to statement timeout', '57014'), ctx)).toEqual({
        status: 503,
        headers: { 'Retry-After': '7' },
        unexpected: false,
        body: {
          type: '/problems/service-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'The request took too long to complete. Retry shortly.',
          instance: '/api/v1/articles',
          code: 'service_unavailable',
          requestId: 'req-123',
        },
      });
    });
  });

  describe('anything else', () => {
    const internalBody = {
      type: '/problems/internal-error',
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred.',
      instance: '/api/v1/articles',
      code: 'internal_error',
      requestId: 'req-123',
    };

    it('answers 500 internal_error without any part of the message or stack', () => {
      const error = new TypeError("Cannot read properties of undefined (reading 'patientName')");
      const problem = toProblem(error, ctx);

      expect(problem).toEqual({ status: 500, headers: {}, unexpected: true, body: internalBody });
      const serialized = JSON.stringify(problem);
      expect(serialized).not.toContain('patientName');
      expect(serialized).not.toContain('TypeError');
      for (const line of (error.stack ?? '').split('\n').slice(1)) {
        expect(serialized).not.toContain(line.trim());
      }
    });

    it('treats a SQLSTATE it does not know (syntax error) as unexpected', () => {
      expect(toProblem(codedError('syntax error at or near "SELEC"', '42601'), ctx)).toEqual({
        status: 500,
        headers: {},
        unexpected: true,
        body: internalBody,
      });
    });

    it.each([
      ['a string', 'boom'],
      ['a number', 42],
      ['null', null],
      ['undefined', undefined],
      ['a plain object', { message: 'not an Error' }],
    ])('handles %s thrown', (_label, thrown) => {
      expect(toProblem(thrown, ctx)).toEqual({ status: 500, headers: {}, unexpected: true, body: internalBody });
    });

    it('copies instance and requestId from the context', () => {
      expect(toProblem(new Error('x'), { instance: '/', requestId: 'abc', retryAfterSeconds: 1 }).body).toEqual({
        ...internalBody,
        instance: '/',
        requestId: 'abc',
      });
    });
  });
});
