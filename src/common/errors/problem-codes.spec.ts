import { PROBLEMS, problemCodeForStatus, problemType, type ProblemCode } from './problem-codes.js';

const CODES = Object.keys(PROBLEMS) as ProblemCode[];

describe('PROBLEMS', () => {
  it('uses snake_case codes only', () => {
    expect(CODES.filter((code) => !/^[a-z]+(_[a-z]+)*$/.test(code))).toEqual([]);
  });

  it('gives every kind an error status and a title', () => {
    expect(
      CODES.filter(
        (code) =>
          !Number.isInteger(PROBLEMS[code].status) ||
          PROBLEMS[code].status < 400 ||
          PROBLEMS[code].status > 599 ||
          PROBLEMS[code].title.trim() === '',
      ),
    ).toEqual([]);
  });

  it('contains the kinds the platform relies on, with their statuses', () => {
    expect(Object.fromEntries(CODES.map((code) => [code, PROBLEMS[code].status]))).toEqual({
      bad_request: 400,
      validation_failed: 400,
      malformed_json: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      method_not_allowed: 405,
      not_acceptable: 406,
      request_timeout: 408,
      conflict: 409,
      last_admin: 409,
      invalid_transition: 409,
      gone: 410,
      precondition_failed: 412,
      payload_too_large: 413,
      unsupported_media_type: 415,
      expectation_failed: 417,
      unprocessable_entity: 422,
      rate_limited: 429,
      headers_too_large: 431,
      internal_error: 500,
      not_implemented: 501,
      bad_gateway: 502,
      service_unavailable: 503,
      database_unavailable: 503,
      gateway_timeout: 504,
    });
  });
});

describe('problemType', () => {
  it.each([
    ['not_found', '/problems/not-found'],
    ['validation_failed', '/problems/validation-failed'],
    ['unsupported_media_type', '/problems/unsupported-media-type'],
    ['conflict', '/problems/conflict'],
  ] as const)('maps %s to %s', (code, type) => {
    expect(problemType(code)).toBe(type);
  });

  it('gives every code a distinct type without underscores', () => {
    const types = CODES.map(problemType);

    expect(types.filter((t) => !/^\/problems\/[a-z]+(-[a-z]+)*$/.test(t))).toEqual([]);
    expect(new Set(types).size).toBe(CODES.length);
  });
});

describe('problemCodeForStatus', () => {
  it.each([
    [400, 'bad_request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [405, 'method_not_allowed'],
    [406, 'not_acceptable'],
    [409, 'conflict'],
    [412, 'precondition_failed'],
    [413, 'payload_too_large'],
    [415, 'unsupported_media_type'],
    [422, 'unprocessable_entity'],
    [429, 'rate_limited'],
    [500, 'internal_error'],
    [503, 'service_unavailable'],
  ])('maps %i to %s', (status, code) => {
    expect(problemCodeForStatus(status)).toBe(code);
  });

  it.each([
    [410, 'gone'],
    [501, 'not_implemented'],
    [502, 'bad_gateway'],
    [504, 'gateway_timeout'],
  ])('keeps the status %i as %s', (status, code) => {
    expect(problemCodeForStatus(status)).toBe(code);
  });

  it.each([402, 418, 421, 451, 499])('maps the unknown client status %i to bad_request', (status) => {
    expect(problemCodeForStatus(status)).toBe('bad_request');
  });

  it.each([505, 507, 599])('maps the unknown server status %i to internal_error', (status) => {
    expect(problemCodeForStatus(status)).toBe('internal_error');
  });
});
