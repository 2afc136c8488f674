import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';

/**
 * Statements worth preparing: written often, in a bounded number of shapes (insertTogether's multi-row inserts: one
 * shape per set of rows and filled columns). The database layer runs a registered text as a named statement when
 * DB_PREPARED_STATEMENTS is on, so PostgreSQL parses and plans it once per connection instead of on every request:
 * a contact submission cost the database 598 µs of CPU with its statement unnamed, 343 µs named (`bench:contact`).
 * Anything else runs unnamed, as before.
 */
const names = new Map<string, string>();

/**
 * Statements per connection at most: a connection keeps what it prepared until it closes, so past this many
 * distinct texts the next ones run unnamed.
 */
export const MAX_PREPARED_STATEMENTS = 200;

let full = false;

/** Registers `text` to be prepared (when there is room); returns it, for use in place. */
export function preparedStatement(text: string): string {
  if (names.has(text)) return text;
  if (names.size < MAX_PREPARED_STATEMENTS) {
    names.set(text, createHash('sha256').update(text).digest('hex').slice(0, 32));
  } else if (!full) {
    full = true;
    new Logger('Database').warn(
      `${MAX_PREPARED_STATEMENTS} statement shapes are prepared: further ones run unnamed (parsed on every call).`,
    );
  }
  return text;
}

/**
 * The shape id of `text` (32 hex digits), or undefined if it was never registered. A client prefixes it with its own
 * id to name the statement (DeadlineClient).
 */
export function preparedNameOf(text: string): string | undefined {
  return names.get(text);
}
