import { scriptSafeJson } from './script-safe-json.js';

describe('scriptSafeJson', () => {
  const value = {
    headline: '</script><script>alert(1)</script>',
    description: 'Tom & Jerry <!-- a comment --> > less',
    lines: 'one\u2028two\u2029three',
    nested: [{ name: '<b>' }],
    count: 3,
  };

  it('escapes <, >, &, U+2028 and U+2029 as \\u escapes', () => {
    expect(scriptSafeJson(value)).toBe(
      '{"headline":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",' +
        '"description":"Tom \\u0026 Jerry \\u003c!-- a comment --\\u003e \\u003e less",' +
        '"lines":"one\\u2028two\\u2029three","nested":[{"name":"\\u003cb\\u003e"}],"count":3}',
    );
  });

  it('still parses to the same value', () => {
    expect(JSON.parse(scriptSafeJson(value))).toEqual(value);
  });

  it('leaves nothing that could close or comment out a script element', () => {
    expect(scriptSafeJson(value)).not.toMatch(/[<>&\u2028\u2029]/);
  });

  it('is plain JSON.stringify for text without those characters', () => {
    const plain = { a: 'b', c: [1, 2, { d: null }] };
    expect(scriptSafeJson(plain)).toBe(JSON.stringify(plain));
  });
});
