import { AppException } from '../errors/app-exception.js';
import { type CursorPayload, decodeCursor, encodeCursor } from './cursor.js';

const LIST = 'articles:-publishedAt:tag=anxiety';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The AppException thrown by `run`, or a failure when it throws nothing or something else. */
function thrown(run: () => unknown): AppException {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppException);
    return error as AppException;
  }
  throw new Error('expected an AppException');
}

function expectRefused(value: string, field = 'cursor'): void {
  const error = thrown(() => decodeCursor(value, LIST, field));
  expect({ code: error.code, status: error.status, detail: error.detail, options: error.options }).toEqual({
    code: 'validation_failed',
    status: 400,
    detail: '1 field is invalid',
    options: { errors: [{ field, message: `${field} is not a cursor of this list` }] },
  });
}

describe('encodeCursor / decodeCursor', () => {
  it.each<CursorPayload>([
    { list: LIST, page: 2, after: ['2026-11-03T09:00:00.000Z', '6f1d3c2a-0b1e-4c5d-8e9f-0a1b2c3d4e5f'] },
    { list: LIST, page: 987_654, after: [] },
    { list: LIST, page: Number.MAX_SAFE_INTEGER, after: [1.5, -3, 0, 'ünïcödé ✓', '', "'; DROP TABLE x; --"] },
    { list: LIST, page: 3, after: ['x'.repeat(500)] },
  ])('round-trips %j', (payload) => {
    expect(decodeCursor(encodeCursor(payload), LIST)).toEqual(payload);
  });

  it('encodes base64url JSON of [list, page, after]', () => {
    const cursor = encodeCursor({ list: 'l', page: 2, after: ['a?b>c', 1] });
    expect(cursor).toBe(base64url(['l', 2, ['a?b>c', 1]]));
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('gives the same cursor for the same payload', () => {
    const payload: CursorPayload = { list: LIST, page: 2, after: ['x', 1] };
    expect(encodeCursor(payload)).toBe(encodeCursor({ ...payload, after: [...payload.after] }));
  });
});

describe('decodeCursor refuses', () => {
  const valid = (list: unknown = LIST, page: unknown = 2, after: unknown = ['x', 'id']): string =>
    base64url([list, page, after]);

  it.each([
    ['a cursor of another list', encodeCursor({ list: 'articles:title', page: 2, after: ['x', 'id'] })],
    ['a cursor of the same list with other filters', valid('articles:-publishedAt:tag=sleep')],
    ['a list key differing in case', valid(LIST.toUpperCase())],
    ['a list key that is not a string', valid(42)],
  ])('%s', (_label, cursor) => {
    expectRefused(cursor);
  });

  it.each([
    ['an empty string', ''],
    ['characters outside base64', '!!!***'],
    ['base64 of text that is not JSON', Buffer.from('hello').toString('base64url')],
    ['base64 of truncated JSON', base64url([LIST, 2, ['x']]).slice(0, -6)],
    ['JSON that is not an array', base64url({ list: LIST, page: 2, after: ['x'] })],
    ['JSON null', base64url(null)],
    ['a JSON string', base64url(LIST)],
    ['an empty array', base64url([])],
    ['two members', base64url([LIST, 2])],
    ['four members', base64url([LIST, 2, ['x'], 'extra'])],
  ])('malformed input: %s', (_label, cursor) => {
    expectRefused(cursor);
  });

  it.each([
    ['page 1', 1],
    ['page 0', 0],
    ['a negative page', -2],
    ['a fractional page', 2.5],
    ['a page beyond the safe integers', 2 ** 53],
    ['a page as a string', '2'],
    ['a null page', null],
  ])('%s', (_label, page) => {
    expectRefused(valid(LIST, page));
  });

  it.each([
    ['after as an object', { 0: 'x' }],
    ['after as a string', 'x'],
    ['after as null', null],
    ['a null value', ['x', null]],
    ['a boolean value', [true]],
    ['an object value', [{ id: 'x' }]],
    ['a nested array value', [['x']]],
  ])('wrong shapes: %s', (_label, after) => {
    expectRefused(valid(LIST, 2, after));
  });

  it('a value longer than 500 characters', () => {
    expectRefused(valid(LIST, 2, ['x'.repeat(501)]));
    expect(decodeCursor(valid(LIST, 2, ['x'.repeat(500)]), LIST).after).toEqual(['x'.repeat(500)]);
  });

  it('naming the field it was given', () => {
    expectRefused(valid('other'), 'after');
  });
});
