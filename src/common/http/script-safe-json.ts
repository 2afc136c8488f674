/** Characters that end or change a `<script>` element's text (`</script>`, `<!--`), and the two that end a JS line. */
const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * JSON that can be placed verbatim inside `<script type="application/ld+json">`: `<`, `>`, `&`, U+2028 and
 * U+2029 are written as `\u003c`-style escapes. Those characters only ever occur inside JSON strings, where
 * the escape means the same character, so the text still parses to the same value.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(SCRIPT_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
