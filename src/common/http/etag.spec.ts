import { ifNoneMatchSatisfied, publicCacheControl, strongEtag } from './etag.js';

describe('strongEtag', () => {
  it('is a quoted, 32-character base64url tag', () => {
    expect(strongEtag('{"data":[]}')).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
  });

  it('is the truncated base64url SHA-256 of the payload', () => {
    // SHA-256("") = 47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU in base64url.
    expect(strongEtag('')).toBe('"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NM"');
  });

  it('is deterministic', () => {
    expect(strongEtag('{"a":1}')).toBe(strongEtag('{"a":1}'));
  });

  it('differs for different payloads, however small the difference', () => {
    const tags = ['{"a":1}', '{"a":2}', '{"a":1} ', '{"A":1}', ''].map((p) => strongEtag(p));

    expect(new Set(tags).size).toBe(5);
  });

  it('is the same for a string and a Buffer of the same UTF-8 bytes', () => {
    const payload = '{"title":"Café – ünïcode ✓"}';

    expect(strongEtag(Buffer.from(payload, 'utf8'))).toBe(strongEtag(payload));
  });
});

describe('ifNoneMatchSatisfied', () => {
  const etag = '"abc123"';

  it.each([
    ['the exact tag', '"abc123"'],
    ['the tag in a list', '"zzz", "abc123", "yyy"'],
    ['the tag in a list without spaces', '"zzz","abc123"'],
    ['the weak form of the tag', 'W/"abc123"'],
    ['the weak form in a list', '"zzz", W/"abc123"'],
    ['*', '*'],
    ['* with spaces', '  *  '],
    ['* in a list', '"zzz", *'],
    ['surrounding whitespace', '   "abc123"   '],
  ])('is true for %s', (_label, header) => {
    expect(ifNoneMatchSatisfied(header, etag)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another tag', '"abc124"'],
    ['other tags', '"a", "b"'],
    ['the tag unquoted', 'abc123'],
    ['a prefix of the tag', '"abc12"'],
    ['a lower-case weak prefix', 'w/"abc123"'],
    ['a lone comma', ','],
  ])('is false for %s', (_label, header) => {
    expect(ifNoneMatchSatisfied(header, etag)).toBe(false);
  });

  it('compares weakly when the current tag is itself weak', () => {
    expect(ifNoneMatchSatisfied('"abc123"', 'W/"abc123"')).toBe(true);
    expect(ifNoneMatchSatisfied('W/"abc123"', 'W/"abc123"')).toBe(true);
  });

  it('matches a tag made by strongEtag', () => {
    const tag = strongEtag('payload');

    expect(ifNoneMatchSatisfied(`W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatchSatisfied(strongEtag('other payload'), tag)).toBe(false);
  });
});

describe('publicCacheControl', () => {
  it('builds a public Cache-Control value', () => {
    expect(publicCacheControl(60, 300)).toBe('public, max-age=60, stale-while-revalidate=300');
  });

  it('keeps zero values', () => {
    expect(publicCacheControl(0, 0)).toBe('public, max-age=0, stale-while-revalidate=0');
  });
});
