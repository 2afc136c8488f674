import fc from 'fast-check';
import { AppException } from '../common/errors/app-exception.js';
import { encodeCursor } from '../common/pagination/cursor.js';
import { decodeFeedCursor, encodeFeedCursor } from './testimonial-change-feed.service.js';

const KIND = 'testimonial-changes';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function expectRefused(value: string): void {
  expect(() => decodeFeedCursor(value)).toThrow(
    expect.objectContaining({
      name: 'AppException',
      code: 'validation_failed',
      status: 400,
      detail: '1 field is invalid',
      options: { errors: [{ field: 'cursor', message: 'cursor is not a cursor of this feed' }] },
    }),
  );
}

describe('encodeFeedCursor / decodeFeedCursor', () => {
  it.each([0, 1, 42, 1_000_000, Number.MAX_SAFE_INTEGER])('round-trips %d', (seq) => {
    expect(decodeFeedCursor(encodeFeedCursor(seq))).toBe(seq);
  });

  it('round-trips every safe non-negative integer', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (seq) => {
        expect(decodeFeedCursor(encodeFeedCursor(seq))).toBe(seq);
      }),
    );
  });

  it('encodes base64url JSON of [kind, seq], URL-safe and short enough for the 200-character query limit', () => {
    expect(encodeFeedCursor(42)).toBe(base64url([KIND, 42]));
    expect(encodeFeedCursor(42)).toBe('WyJ0ZXN0aW1vbmlhbC1jaGFuZ2VzIiw0Ml0');
    fc.assert(
      fc.property(fc.maxSafeNat(), (seq) => {
        const cursor = encodeFeedCursor(seq);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(cursor.length).toBeLessThanOrEqual(200);
      }),
    );
  });

  it('gives different cursors for different positions', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (a, b) => {
        fc.pre(a !== b);
        expect(encodeFeedCursor(a)).not.toBe(encodeFeedCursor(b));
      }),
    );
  });
});

describe('decodeFeedCursor refuses', () => {
  it.each([
    ['an empty string', ''],
    ['characters outside base64', '!!!***'],
    ['base64 of text that is not JSON', Buffer.from('hello').toString('base64url')],
    ['base64 of truncated JSON', base64url([KIND, 42]).slice(0, -4)],
    ['a plain number', '42'],
    ['JSON that is not an array', base64url({ kind: KIND, seq: 42 })],
    ['JSON null', base64url(null)],
    ['a JSON string', base64url(KIND)],
    ['a JSON number', base64url(42)],
    ['an empty array', base64url([])],
    ['the kind alone', base64url([KIND])],
    ['an extra element', base64url([KIND, 42, 'extra'])],
    ['the elements swapped', base64url([42, KIND])],
  ])('malformed input: %s', (_label, cursor) => {
    expectRefused(cursor);
  });

  it.each([
    ['another kind', base64url(['article-changes', 42])],
    ['the kind in another case', base64url([KIND.toUpperCase(), 42])],
    ['a kind that is not a string', base64url([1, 42])],
    [
      'a cursor of the articles list',
      encodeCursor({ list: 'articles:-publishedAt', page: 2, after: ['2026-11-03T09:00:00.000Z', 'id'] }),
    ],
    ['an articles-list cursor whose list is this kind', encodeCursor({ list: KIND, page: 2, after: [] })],
  ])('the wrong kind: %s', (_label, cursor) => {
    expectRefused(cursor);
  });

  it.each([
    ['a negative position', -1],
    ['a float', 1.5],
    ['an unsafe integer', 2 ** 53],
    ['a position as a string', '42'],
    ['a null position', null],
    ['a boolean position', true],
    ['a nested array', [42]],
  ])('the wrong position: %s', (_label, seq) => {
    expectRefused(base64url([KIND, seq]));
  });

  it('every negative or fractional position', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ max: -1 }),
          fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
        ),
        (seq) => {
          expectRefused(base64url([KIND, seq]));
        },
      ),
    );
  });

  it('arbitrary strings that are not one of its cursors', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        let decoded: number | undefined;
        try {
          decoded = decodeFeedCursor(value);
        } catch (error) {
          expect(error).toBeInstanceOf(AppException);
          return;
        }
        // Base64 decoding ignores stray characters: whatever it accepts must be a real position.
        expect(Number.isSafeInteger(decoded) && decoded >= 0).toBe(true);
      }),
    );
  });
});
