import { sqlState } from '../common/errors/database-errors.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { AppException } from '../common/errors/app-exception.js';

/** foreign_key_violation, and restrict_violation (what an ON DELETE RESTRICT key raises on some versions). */
const FOREIGN_KEY_STATES = new Set(['23503', '23001']);

/**
 * Whether a foreign key named `constraint` refused the write: a record named something that does not exist (an
 * insert or update), or something still named elsewhere was deleted.
 */
export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  if (!FOREIGN_KEY_STATES.has(sqlState(error) ?? '')) return false;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { constraint?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (e.constraint === constraint) return true;
    if (typeof e.message === 'string' && e.message.includes(`"${constraint}"`)) return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}

/**
 * Maps a write that named an unknown record by slug to a 400 naming the field: the foreign key validated it in the
 * same statement, so checking beforehand would cost a round trip per write. Other errors pass unchanged.
 */
export function unknownReference(
  error: unknown,
  references: readonly { constraint: string; field: string; noun: string }[],
): unknown {
  const hit = references.find((r) => isForeignKeyViolation(error, r.constraint));
  return hit ? unknownSlug(hit.field, hit.noun) : error;
}

function unknownSlug(field: string, noun: string): AppException {
  return unknownSlugs([{ field, noun }]);
}

/**
 * The 400 for fields naming records that do not exist, or (on public forms) are not published: the same answer for
 * both, so that the public cannot tell a hidden draft from a slug that was never used.
 */
export function unknownSlugs(fields: readonly { field: string; noun: string }[]): AppException {
  return validationFailed(
    fields.map(({ field, noun }) => ({ field, message: `${field} must be the slug of an existing ${noun}` })),
  );
}

/**
 * The services that were a fixed enum of the public API before services were records (migration ServicesDirectory
 * made them hidden records). Public forms keep taking them whether published or not: their slugs were public, so
 * accepting them reveals no draft, and a website built against the enum keeps working the day the directory ships.
 */
export const FORMER_SERVICE_SLUGS: readonly string[] = [
  'individual-therapy',
  'couples-therapy',
  'family-therapy',
  'group-therapy',
  'other',
];

/**
 * SQL true when the service `slugSql` names is one the public forms take: published, or one of the former enum's.
 * `slugSql` is a bound parameter's placeholder, never a value.
 */
export function formServiceCondition(slugSql: string): string {
  const former = FORMER_SERVICE_SLUGS.map((slug) => `'${slug}'`).join(', ');
  return `EXISTS (SELECT 1 FROM services WHERE slug = ${slugSql} AND (published OR slug IN (${former})))`;
}
