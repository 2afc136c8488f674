/**
 * The catalogue of problem kinds. `code` is a stable contract with clients; `type` is derived from it.
 * Feature modules add their own kinds here so the OpenAPI description can list them all.
 */
export const PROBLEMS = {
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'Validation failed' },
  malformed_json: { status: 400, title: 'Malformed JSON body' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'Not acceptable' },
  request_timeout: { status: 408, title: 'Request timeout' },
  conflict: { status: 409, title: 'Conflict' },
  last_admin: { status: 409, title: 'Last active admin' },
  invalid_transition: { status: 409, title: 'Illegal status transition' },
  gone: { status: 410, title: 'Gone' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  expectation_failed: { status: 417, title: 'Expectation failed' },
  unprocessable_entity: { status: 422, title: 'Unprocessable entity' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  internal_error: { status: 500, title: 'Internal server error' },
  not_implemented: { status: 501, title: 'Not implemented' },
  bad_gateway: { status: 502, title: 'Bad gateway' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  database_unavailable: { status: 503, title: 'Database unavailable' },
  gateway_timeout: { status: 504, title: 'Gateway timeout' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export function problemType(code: ProblemCode): string {
  return `/problems/${code.replace(/_/g, '-')}`;
}

/** The first code listed for each status is its generic kind. */
const BY_STATUS = new Map<number, ProblemCode>();
for (const code of Object.keys(PROBLEMS) as ProblemCode[]) {
  if (!BY_STATUS.has(PROBLEMS[code].status)) BY_STATUS.set(PROBLEMS[code].status, code);
}

/** The generic kind for a bare HTTP status (used when an error carries no code of its own). */
export function problemCodeForStatus(status: number): ProblemCode {
  return BY_STATUS.get(status) ?? (status >= 500 ? 'internal_error' : 'bad_request');
}
