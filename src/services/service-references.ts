import { sqlState } from '../common/errors/database-errors.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { AppException } from '../common/errors/app-exception.js';

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

/** A foreign key that names a record, and who it means (`contact requests`): deleting a record it names is 409. */
export interface NamedBy {
  constraint: string;
  who: string;
}

/**
 * Maps a delete that a foreign key refused (the record is still named) to 409 `conflict` naming who names it:
 * "<subject> is still named by <who>: <advice>." Other errors pass unchanged.
 */
export function stillNamed(error: unknown, references: readonly NamedBy[], subject: string, advice: string): unknown {
  const user = references.find((r) => isForeignKeyViolation(error, r.constraint));
  if (!user) return error;
  return new AppException('conflict', `${subject} is still named by ${user.who}: ${advice}.`, {
    extensions: { usedBy: user.who },
  });
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
 * The SQL predicate on a `services` row that the public forms may name it: published, or one of the former enum's.
 */
export const SERVICE_TAKEN_BY_PUBLIC_FORMS = `(published OR slug IN (${FORMER_SERVICE_SLUGS.map((slug) => `'${slug}'`).join(', ')}))`;
