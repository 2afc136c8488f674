/**
 * Checks that keep input every later layer can handle: no nesting that would overflow a recursive walker
 * (class-transformer, class-validator) and no text that cannot be encoded (a lone UTF-16 surrogate makes
 * validator.js's `encodeURI` throw) or stored (Postgres refuses NUL in text and jsonb). All of them are iterative:
 * they must not overflow on the input they are there to refuse.
 */

/** Objects and arrays nested deeper than this are refused: no request DTO comes anywhere near it. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests objects and arrays more than `max` levels deep. A single pass over the characters that
 * skips string contents; it does not check the syntax (the JSON parser does that afterwards).
 */
export function exceedsJsonDepth(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/** A UTF-16 surrogate that is not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
/** NUL, or a lone surrogate. */
const UNSAFE_CHARACTER = new RegExp(`\\0|${LONE_SURROGATE.source}`);

export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE_CHARACTER.test(text);
}

/** The message for a field whose value (or name) holds such a character. */
export function unsafeTextMessage(field: string): string {
  return `${field} must not contain NUL characters or unpaired UTF-16 surrogates`;
}

/**
 * The dotted paths (`periods.0.label`) of the strings in a parsed JSON value, or of the member names, that contain
 * NUL or a lone surrogate; `root` names a bare string. At most `limit` paths, in document order.
 */
export function findUnsafeText(value: unknown, root: string, limit: number): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && found.length < limit) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (hasUnsafeCharacters(current)) found.push(path);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    const entries: [string, unknown][] = Array.isArray(current)
      ? (current as unknown[]).map((item, index) => [String(index), item])
      : Object.entries(current as Record<string, unknown>);
    // Pushed in reverse so that they are visited, and reported, in document order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i];
      const child = path ? `${path}.${key}` : key;
      if (hasUnsafeCharacters(key)) stack.push([key, child]);
      else stack.push([item, child]);
    }
  }
  return found;
}

/**
 * A copy of a parsed JSON value (or query) where every lone surrogate in a string is U+FFFD and every member whose
 * name holds one is left out: something validation rules can run on without throwing. NUL is kept.
 */
export function withoutLoneSurrogates(value: unknown): unknown {
  const fix = (item: unknown): unknown => (typeof item === 'string' ? item.replace(LONE_SURROGATES, '\uFFFD') : item);
  const emptyLike = (item: object): object => (Array.isArray(item) ? [] : {});
  if (typeof value !== 'object' || value === null) return fix(value);
  const root = emptyLike(value);
  const stack: [object, object][] = [[value, root]];
  while (stack.length > 0) {
    const [source, target] = stack.pop()!;
    for (const [key, item] of Object.entries(source as Record<string, unknown>)) {
      if (LONE_SURROGATE.test(key)) continue;
      let copy = fix(item);
      if (typeof item === 'object' && item !== null) {
        copy = emptyLike(item);
        stack.push([item, copy as object]);
      }
      // Defined, not assigned: a member named `__proto__` (possible in a query string) stays a member.
      Object.defineProperty(target, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}
