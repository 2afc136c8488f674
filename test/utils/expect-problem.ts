import { PROBLEMS, problemType, type ProblemCode } from '../../src/common/errors/problem-codes.js';

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

interface ResponseLike {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Asserts a whole problem+json response: status, content type, no-store, and the exact body (title and type
 * derived from the code, requestId equal to the X-Request-Id header), plus any extension members.
 */
export function expectProblem(
  res: ResponseLike,
  expected: { code: ProblemCode; detail: string; instance: string; status?: number },
  extensions: Record<string, unknown> = {},
): void {
  const { status, title } = PROBLEMS[expected.code];
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
