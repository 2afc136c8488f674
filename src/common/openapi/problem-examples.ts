import { problemKind, problemType, type ProblemCode } from '../errors/problem-codes.js';
import type { ProblemBody } from '../errors/problem-details.js';

/** What a client typically reads in `detail` for each kind of problem. */
const DETAILS: Record<ProblemCode, string> = {
  bad_request: 'The request cannot be processed as sent.',
  validation_failed: '1 field is invalid',
  malformed_json: 'The body is not valid JSON.',
  unauthorized: 'Send a valid bearer token or API key.',
  forbidden: 'Your credentials do not allow this operation.',
  mfa_enrolment_required: 'Your role requires a second factor: enrol at POST /api/v1/auth/mfa/totp first.',
  not_found: 'No such resource.',
  method_not_allowed: 'This route does not accept that method.',
  not_acceptable: 'No representation matches the Accept header.',
  request_timeout: 'The request was not received in time.',
  conflict: 'Another resource already uses this value.',
  last_admin: 'The last active admin cannot be removed or lose the admin role.',
  media_in_use: 'This media item is in use (articles being-kind-to-yourself): remove it there first.',
  invalid_transition: 'This change is not allowed from the current status.',
  gone: 'The resource no longer exists.',
  precondition_failed: 'If-Match does not match the current version ("v3").',
  payload_too_large: 'The body exceeds the size limit.',
  unsupported_media_type: 'Send application/json.',
  expectation_failed: 'Only "Expect: 100-continue" is supported.',
  unprocessable_entity: 'This Idempotency-Key was used with a different body.',
  rate_limited: 'Too many requests. Retry in 30 seconds.',
  headers_too_large: 'The request line and headers exceed the size limit.',
  internal_error: 'An unexpected error occurred.',
  not_implemented: 'This is not implemented.',
  bad_gateway: 'An upstream service failed.',
  service_unavailable: 'The server is shutting down. Retry shortly.',
  database_unavailable: 'The database is unavailable. Retry shortly.',
  gateway_timeout: 'An upstream service did not answer in time.',
};

/** The name of a problem code's shared example under `components.examples`. */
export const problemExampleName = (code: ProblemCode): string => `problem-${code.replace(/_/g, '-')}`;

export function problemExample(code: ProblemCode): ProblemBody {
  return {
    type: problemType(code),
    title: problemKind(code).title,
    status: problemKind(code).status,
    detail: DETAILS[code],
    instance: '/api/v1/contact-requests',
    code,
    requestId: '5b0f3c1e-9a8e-4a57-8f3e-1c2d3e4f5a6b',
    ...(code === 'validation_failed'
      ? { errors: [{ field: 'phone', message: 'phone must be a valid phone number' }] }
      : {}),
  };
}
