import fc from 'fast-check';
import { AppException } from '../errors/app-exception.js';
import { canonicalJson, idempotencyClientOf, idempotencyKeyOf } from './idempotency.service.js';

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['a string', 'hello', '"hello"'],
    ['a string with quotes and unicode', 'a "b" é 🙂', '"a \\"b\\" é 🙂"'],
    ['a number', 42, '42'],
    ['a negative fraction', -1.5, '-1.5'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['null', null, 'null'],
    ['undefined', undefined, 'null'],
    ['an empty object', {}, '{}'],
    ['an empty array', [], '[]'],
  ])('writes %s as JSON', (_case, value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it('sorts the keys of an object', () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe('{"a":2,"b":1,"c":3}');
  });

  it('sorts keys at every level, also inside arrays', () => {
    const a = { z: { y: 1, x: [{ b: 1, a: 2 }] }, a: { d: null, c: 'x' } };
    const b = { a: { c: 'x', d: null }, z: { x: [{ a: 2, b: 1 }], y: 1 } };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":null},"z":{"x":[{"a":2,"b":1}],"y":1}}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps the order of arrays', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
  });

  it('drops undefined members, so an absent and an undefined field compare equal', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: { b: undefined, c: 2 } })).toBe('{"a":{"c":2}}');
  });

  it('keeps null members (null is not absent)', () => {
    expect(canonicalJson({ a: null })).toBe('{"a":null}');
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it('writes undefined array items as null, as JSON.stringify does', () => {
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
  });

  it('escapes keys', () => {
    expect(canonicalJson({ 'a"b': 1, 'line\nbreak': 2 })).toBe('{"a\\"b":1,"line\\nbreak":2}');
  });

  it('reads the own fields of a class instance (a validated DTO)', () => {
    class Body {
      name = 'Alex';
      phone: string | undefined = undefined;
      channel = 'text';
    }
    expect(canonicalJson(new Body())).toBe('{"channel":"text","name":"Alex"}');
  });

  it('is valid JSON equal to the value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = canonicalJson(value);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('gives the same string for an object with its keys in any order, at every level', () => {
    const shuffle = (value: unknown, seed: number): unknown => {
      if (Array.isArray(value)) return value.map((v, i) => shuffle(v, seed + i));
      if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>);
        const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]);
        return Object.fromEntries(rotated.reverse().map(([k, v]) => [k, shuffle(v, seed + 1)]));
      }
      return value;
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        expect(canonicalJson(shuffle(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });
});

describe('idempotencyKeyOf', () => {
  const MESSAGE = 'Idempotency-Key must be 1 to 255 visible ASCII characters';

  /** The validation error a key is refused with. */
  function refusal(header: string): AppException {
    try {
      idempotencyKeyOf(header);
    } catch (error) {
      if (error instanceof AppException) return error;
      throw error;
    }
    throw new Error(`the key ${JSON.stringify(header)} was accepted`);
  }

  it('passes an absent header through', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
  });

  it.each([
    ['a UUID', '2f6c1c4e-4b1a-4a43-9c1e-6d1f0f8b2a10'],
    ['one character', 'x'],
    ['255 characters', 'k'.repeat(255)],
    ['every visible ASCII character', Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('')],
    ['a base64 token', 'aGVsbG8gd29ybGQ+Lz0='],
  ])('accepts %s, unchanged', (_case, key) => {
    expect(idempotencyKeyOf(key)).toBe(key);
  });

  it.each([
    ['an empty key', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'my key'],
    ['only a space', ' '],
    ['a leading space', ' key'],
    ['a trailing space', 'key '],
    ['non-ASCII', 'clé'],
    ['an emoji', 'key-🙂'],
    ['a tab', 'a\tb'],
    ['a line break', 'a\nb'],
    ['a NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
  ])('refuses %s as validation_failed naming Idempotency-Key', (_case, key) => {
    const error = refusal(key);
    expect(error.code).toBe('validation_failed');
    expect(error.status).toBe(400);
    expect(error.detail).toBe('1 field is invalid');
    expect(error.options.errors).toEqual([{ field: 'Idempotency-Key', message: MESSAGE }]);
  });

  it('accepts exactly the strings of 1 to 255 visible ASCII characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 300 }), (key) => {
        const valid = key.length >= 1 && key.length <= 255 && /^[!-~]*$/.test(key);
        if (valid) expect(idempotencyKeyOf(key)).toBe(key);
        else expect(refusal(key).options.errors).toEqual([{ field: 'Idempotency-Key', message: MESSAGE }]);
      }),
    );
  });

  it('never echoes the key in the error', () => {
    const error = refusal('secret key with spaces');
    expect(JSON.stringify({ message: error.message, errors: error.options.errors })).not.toContain('secret');
  });
});

describe('idempotencyClientOf', () => {
  it('is the credential when there is one, wherever it calls from', () => {
    const user = { type: 'user', id: '7d3c0f0e-1b2a-4c5d-8e9f-0a1b2c3d4e5f' };
    expect(idempotencyClientOf(user, '203.0.113.10')).toBe('user:7d3c0f0e-1b2a-4c5d-8e9f-0a1b2c3d4e5f');
    expect(idempotencyClientOf(user, '198.51.100.20')).toBe(idempotencyClientOf(user, '203.0.113.10'));
    expect(idempotencyClientOf({ type: 'api_key', id: user.id }, '203.0.113.10')).not.toBe(
      idempotencyClientOf(user, '203.0.113.10'),
    );
  });

  it('is the address for an anonymous caller', () => {
    const anonymous = { type: 'anonymous', id: null };
    expect(idempotencyClientOf(anonymous, '203.0.113.10')).toBe('ip:203.0.113.10');
    expect(idempotencyClientOf(anonymous, '198.51.100.20')).not.toBe(idempotencyClientOf(anonymous, '203.0.113.10'));
  });
});
