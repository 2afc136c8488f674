/**
 * The catalogue of problem kinds. `code` is a stable contract with clients; `type` is derived from it.
 * The platform's kinds are below; a feature adds its own with `defineProblems` (and names them in its
 * `@Feature`), so the OpenAPI description lists them all.
 */
const PLATFORM_PROBLEMS = {
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
  // A change that the record's workflow does not allow from its current status (articles, testimonials, requests).
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
} as const satisfies Record<string, ProblemKind>;

export interface ProblemKind {
  status: number;
  title: string;
}

/**
 * Features' problem codes, declared by interface merging next to their `defineProblems` call:
 * `declare module '…/problem-codes.js' { interface FeatureProblems { last_admin: true } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FeatureProblems {}

export type ProblemCode = keyof typeof PLATFORM_PROBLEMS | keyof FeatureProblems;

/** Every kind in its listed order: by status, a feature's kinds right after the generic kind of their status. */
const CATALOGUE = new Map<ProblemCode, ProblemKind>(Object.entries(PLATFORM_PROBLEMS) as [ProblemCode, ProblemKind][]);
/** The kind of each status the platform lists first: its generic kind. */
const GENERIC = new Map<number, ProblemCode>();
for (const [code, kind] of CATALOGUE) if (!GENERIC.has(kind.status)) GENERIC.set(kind.status, code);
/** How many feature kinds follow each generic kind so far. */
const ADDED_AFTER = new Map<ProblemCode, number>();

/** Adds a feature's kinds to the catalogue (idempotent). A code may not be redefined differently. */
export function defineProblems<K extends keyof FeatureProblems>(
  kinds: Record<K, ProblemKind>,
): Readonly<Record<K, ProblemKind>> {
  for (const [code, kind] of Object.entries(kinds) as [ProblemCode, ProblemKind][]) {
    const known = CATALOGUE.get(code);
    if (known) {
      if (known.status !== kind.status || known.title !== kind.title)
        throw new Error(`Problem ${code} is defined twice`);
      continue;
    }
    if (!/^[a-z]+(_[a-z]+)*$/.test(code) || kind.status < 400 || kind.status > 599 || !kind.title.trim()) {
      throw new Error(`Problem ${code}: a snake_case code, an error status and a title are required`);
    }
    const generic = GENERIC.get(kind.status);
    const entries = [...CATALOGUE];
    const at = generic
      ? entries.findIndex(([c]) => c === generic) + 1 + (ADDED_AFTER.get(generic) ?? 0)
      : entries.length;
    entries.splice(at, 0, [code, kind]);
    CATALOGUE.clear();
    for (const [c, k] of entries) CATALOGUE.set(c, k);
    if (generic) ADDED_AFTER.set(generic, (ADDED_AFTER.get(generic) ?? 0) + 1);
    else GENERIC.set(kind.status, code);
  }
  return kinds;
}

export function problemKind(code: ProblemCode): ProblemKind {
  const kind = CATALOGUE.get(code);
  if (!kind) throw new Error(`Unknown problem code ${code}: define it with defineProblems`);
  return kind;
}

/** Every code, in the catalogue's order. */
export function problemCodes(): ProblemCode[] {
  return [...CATALOGUE.keys()];
}

export function problemType(code: ProblemCode): string {
  return `/problems/${code.replace(/_/g, '-')}`;
}

/** The generic kind for a bare HTTP status (used when an error carries no code of its own). */
export function problemCodeForStatus(status: number): ProblemCode {
  return GENERIC.get(status) ?? (status >= 500 ? 'internal_error' : 'bad_request');
}
