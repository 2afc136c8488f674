import { problemKind, problemType, type ProblemCode } from '../../src/common/errors/problem-codes.js';

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';
/** A timestamp as the API writes it. */
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ResponseLike {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

export interface FieldError {
  field: string;
  message: string;
}

/**
 * Asserts a whole problem+json response: status, content type, no-store, and the exact body (title and type
 * derived from the code, requestId equal to the X-Request-Id header), plus any extension members.
 */
export function expectProblem(
  res: Omit<ResponseLike, 'text'>,
  expected: { code: ProblemCode; detail: string; instance: string; status?: number },
  extensions: Record<string, unknown> = {},
): void {
  const { status, title } = problemKind(expected.code);
  expect(res.status).toBe(expected.status ?? status);
  expect(res.headers['content-type']).toBe(PROBLEM_JSON);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toEqual({
    type: problemType(expected.code),
    title,
    status,
    detail: expected.detail,
    instance: expected.instance,
    code: expected.code,
    requestId: res.headers['x-request-id'],
    ...extensions,
  });
}

/** A validation_failed problem listing exactly these field errors. */
export function expectInvalid(res: Omit<ResponseLike, 'text'>, instance: string, errors: FieldError[]): void {
  const fields = new Set(errors.map((e) => e.field)).size;
  expectProblem(
    res,
    { code: 'validation_failed', detail: `${fields} ${fields === 1 ? 'field is' : 'fields are'} invalid`, instance },
    { errors },
  );
}

/** A private (no-store) JSON response with exactly this body. */
export function expectJson(res: ResponseLike, status: number, body: unknown): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toEqual(body);
}

export function expectNoContent(res: ResponseLike): void {
  expect(res.status).toBe(204);
  expect(res.text).toBe('');
  expect(res.headers['content-type']).toBeUndefined();
}

/** A private (no-store) page of a list: exactly these items, in this order, and this `meta`. */
export function expectPage(res: Omit<ResponseLike, 'text'>, data: unknown[], meta: Record<string, number>): void {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toEqual({ data, meta });
}

/** The `meta` of a numbered page of `total` items. */
export const pageMeta = (total: number, page = 1, pageSize = 20) => ({
  page,
  pageSize,
  total,
  totalPages: Math.ceil(total / pageSize),
});
