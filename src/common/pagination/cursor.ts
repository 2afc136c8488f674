import { validationFailed } from '../validation/validation-pipe.js';

/**
 * Opaque keyset cursors: base64url JSON that the client hands back unchanged. Nothing in one is trusted:
 * values reach SQL only as parameters, and a cursor made for another list (other sort or filters) is refused.
 */
export interface CursorPayload {
  /** The list it belongs to (sort and filters). */
  list: string;
  /** The page number the cursor leads to. */
  page: number;
  /** Sort values and id of the last row already returned. */
  after: (string | number)[];
}

export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify([payload.list, payload.page, payload.after])).toString('base64url');
}

/** The cursor's payload, or a 400 naming `field` when it is malformed or belongs to another list. */
export function decodeCursor(value: string, list: string, field = 'cursor'): CursorPayload {
  const invalid = () => validationFailed([{ field, message: `${field} is not a cursor of this list` }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== list ||
    !Number.isSafeInteger(parsed[1]) ||
    (parsed[1] as number) < 2 ||
    !Array.isArray(parsed[2]) ||
    !(parsed[2] as unknown[]).every((v) => (typeof v === 'string' && v.length <= 500) || typeof v === 'number')
  ) {
    throw invalid();
  }
  return { list, page: parsed[1] as number, after: parsed[2] as (string | number)[] };
}
