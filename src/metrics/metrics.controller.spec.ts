import { bearerMatches } from './metrics.controller.js';

describe('bearerMatches', () => {
  const token = 't'.repeat(40);
  it.each([
    [`Bearer ${token}`, true],
    [`Bearer ${token}x`, false],
    [`Bearer ${'u'.repeat(40)}`, false],
    [`bearer ${token}`, false],
    [token, false],
    ['Bearer ', false],
    [undefined, false],
  ])('%j: %s', (header, expected) => {
    expect(bearerMatches(header, token)).toBe(expected);
  });
});
