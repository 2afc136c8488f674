import {
  defineProblems,
  type FeatureProblems,
  problemCodeForStatus,
  problemCodes,
  problemKind,
  problemType,
} from './problem-codes.js';

const CODES = () => problemCodes();

describe('the problem catalogue', () => {
  it('uses snake_case codes only', () => {
    expect(CODES().filter((code) => !/^[a-z]+(_[a-z]+)*$/.test(code))).toEqual([]);
  });

  it('gives every kind an error status and a title', () => {
    expect(
      CODES().filter(
        (code) =>
          !Number.isInteger(problemKind(code).status) ||
          problemKind(code).status < 400 ||
          problemKind(code).status > 599 ||
          problemKind(code).title.trim() === '',
      ),
    ).toEqual([]);
  });

  it('contains the kinds the platform relies on, with their statuses, before any feature adds its own', () => {
    expect(Object.fromEntries(CODES().map((code) => [code, problemKind(code).status]))).toEqual({
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
    const types = CODES().map(problemType);

    expect(types.filter((t) => !/^\/problems\/[a-z]+(-[a-z]+)*$/.test(t))).toEqual([]);
    expect(new Set(types).size).toBe(CODES().length);
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

describe('defineProblems', () => {
  // Last in this file: the codes defined here stay in the catalogue (of this file's module registry only).
  const define = (kinds: Record<string, { status: number; title: string }>) =>
    defineProblems(kinds as Record<keyof FeatureProblems, { status: number; title: string }>);

  it("lists a feature's kinds right after the generic kind of their status, in the order they are defined", () => {
    define({ spec_first: { status: 409, title: 'First' } });
    define({
      spec_second: { status: 409, title: 'Second' },
      spec_new_status: { status: 599, title: 'Network connect timeout' },
    });
    const codes: string[] = problemCodes();
    expect(codes.slice(codes.indexOf('conflict'), codes.indexOf('conflict') + 4)).toEqual([
      'conflict',
      'spec_first',
      'spec_second',
      'invalid_transition',
    ]);
    expect(codes.at(-1)).toBe('spec_new_status');
    expect(problemKind('spec_second' as keyof FeatureProblems)).toEqual({ status: 409, title: 'Second' });
    expect(problemCodeForStatus(599)).toBe('spec_new_status');
  });

  it('accepts the same definition twice and refuses a different one', () => {
    define({ spec_twice: { status: 422, title: 'Twice' } });
    expect(() => define({ spec_twice: { status: 422, title: 'Twice' } })).not.toThrow();
    expect(() => define({ spec_twice: { status: 400, title: 'Twice' } })).toThrow(/defined twice/);
    expect(() => define({ conflict: { status: 409, title: 'Other' } })).toThrow(/defined twice/);
  });

  it('refuses a code that is not snake_case, a non-error status or an empty title', () => {
    expect(() => define({ 'Spec-Bad': { status: 400, title: 'Bad' } })).toThrow(/snake_case/);
    expect(() => define({ spec_ok: { status: 302, title: 'Found' } })).toThrow(/error status/);
    expect(() => define({ spec_blank: { status: 400, title: ' ' } })).toThrow(/title/);
  });

  it('refuses an unknown code', () => {
    expect(() => problemKind('spec_unknown' as keyof FeatureProblems)).toThrow(/Unknown problem code/);
  });
});
