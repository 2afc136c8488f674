import { clientRequestId, newRequestId } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRequestId', () => {
  it('is a random UUID, different each time', () => {
    const ids = new Set(Array.from({ length: 20 }, () => newRequestId()));

    expect(ids.size).toBe(20);
    for (const id of ids) expect(id).toMatch(UUID);
  });
});

describe('clientRequestId', () => {
  it.each([
    '5b0f3c1e-9a8e-4a57-8f3e-1c2d3e4f5a6b',
    'abc-123_x.y:z',
    'A',
    'x'.repeat(128),
    'trace:00-4bf92f3577b34da6-01',
  ])('keeps the sane id %j', (id) => {
    expect(clientRequestId(id)).toBe(id);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long (129 characters)', 'x'.repeat(129)],
    ['with a space', 'abc 123'],
    ['with a newline (log injection)', 'abc\nlevel=fatal'],
    ['with a carriage return', 'abc\r'],
    ['with a double quote', 'abc"123'],
    ['with a single quote', "abc'123"],
    ['with a slash', 'a/b'],
    ['with non-ASCII letters', 'ünïcode'],
    ['with a trailing newline', 'abc\n'],
  ])('drops an id that is %s', (_label, header) => {
    expect(clientRequestId(header)).toBeUndefined();
  });

  it('uses the first value of a repeated header', () => {
    expect(clientRequestId(['first-id', 'second-id'])).toBe('first-id');
  });

  it('does not fall back to a later value when the first one is not sane', () => {
    expect(clientRequestId(['bad id', 'good-id'])).toBeUndefined();
  });

  it('is undefined for an empty array', () => {
    expect(clientRequestId([])).toBeUndefined();
  });
});
