import { exceedsJsonDepth, findUnsafeText, hasUnsafeCharacters, withoutLoneSurrogates } from './hostile-input.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('exceedsJsonDepth', () => {
  it('allows nesting up to the limit and refuses one level more', () => {
    expect(exceedsJsonDepth(nested(32), 32)).toBe(false);
    expect(exceedsJsonDepth(nested(33), 32)).toBe(true);
    expect(exceedsJsonDepth('{"a":'.repeat(33) + '1' + '}'.repeat(33), 32)).toBe(true);
  });

  it('counts siblings once, not their sum', () => {
    expect(exceedsJsonDepth(`[${Array(1000).fill('{"a":[1]}').join(',')}]`, 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(JSON.stringify({ a: '[[[[[[{{{{{{', b: 'say "[[[[" \\ [[[[' }), 2)).toBe(false);
  });

  it('handles 100,000 levels without recursion', () => {
    expect(exceedsJsonDepth(nested(100_000))).toBe(true);
  });

  it('does not mind text that is not JSON (the parser reports that)', () => {
    expect(exceedsJsonDepth(']]]]', 1)).toBe(false);
    expect(exceedsJsonDepth('"unterminated [[[', 1)).toBe(false);
  });
});

describe('hasUnsafeCharacters', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone high surrogate at the end', 'a\udbff'],
    ['a lone low surrogate', '\udc00a'],
    ['two high surrogates', '\ud800\ud800'],
    ['a reversed pair', '\udc00\ud800'],
  ])('finds %s', (_label, text) => {
    expect(hasUnsafeCharacters(text)).toBe(true);
  });

  it.each([
    ['plain text', 'Hello'],
    ['an emoji (a surrogate pair)', '😊 ok'],
    ['other control characters (left to the field rules)', 'a\u0001\u001b'],
    ['U+FFFD', '\ufffd'],
  ])('accepts %s', (_label, text) => {
    expect(hasUnsafeCharacters(text)).toBe(false);
  });
});

describe('findUnsafeText', () => {
  it('returns the dotted paths of strings and member names, in document order', () => {
    const value = { a: 'ok', b: ['x', 'y\u0000'], c: { d: '\ud800', 'e\u0000': 1 }, f: 5, g: null };
    expect(findUnsafeText(value, '', 10)).toEqual(['b.1', 'c.d', 'c.e\u0000']);
  });

  it('names a bare string by its root', () => {
    expect(findUnsafeText('a\u0000', 'slug', 10)).toEqual(['slug']);
    expect(findUnsafeText('fine', 'slug', 10)).toEqual([]);
  });

  it('stops at the limit', () => {
    expect(findUnsafeText(Array(1000).fill('\u0000'), '', 3)).toEqual(['0', '1', '2']);
  });

  it('walks deep values without recursion', () => {
    let value: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(findUnsafeText(value, '', 1)[0]).toMatch(/^0(\.0)*$/);
  });
});

describe('withoutLoneSurrogates', () => {
  it('replaces lone surrogates with U+FFFD, keeps NUL and pairs, drops members named with one', () => {
    const value = { a: 'x\ud800', b: ['\udc00', 'a\u0000', '😊'], ['c\ud800']: 1, d: { e: 2 } };
    expect(withoutLoneSurrogates(value)).toEqual({ a: 'x\ufffd', b: ['\ufffd', 'a\u0000', '😊'], d: { e: 2 } });
  });

  it('leaves the original untouched and keeps a __proto__ member as a member', () => {
    const value = JSON.parse('{"a":"\\ud800","n":{"k":"v"}}') as Record<string, unknown>;
    Object.defineProperty(value, '__proto__', { value: 'p', enumerable: true });
    const copy = withoutLoneSurrogates(value) as Record<string, unknown>;
    expect(value.a).toBe('\ud800');
    expect(copy.n).not.toBe(value.n);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['a', 'n', '__proto__']);
  });

  it('fixes a bare string', () => {
    expect(withoutLoneSurrogates('a\ud800')).toBe('a\ufffd');
    expect(withoutLoneSurrogates(5)).toBe(5);
  });
});
