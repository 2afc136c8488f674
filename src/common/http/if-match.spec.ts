import { AppException } from '../errors/app-exception.js';
import { assertIfMatch, versionEtag } from './if-match.js';

describe('If-Match against a version', () => {
  it('writes the version as a strong tag', () => {
    expect(versionEtag(7)).toBe('"v7"');
  });

  it.each([undefined, '"v3"', '*', '"v1", "v3"', ' "v2" , "v3" '])('lets %p through for version 3', (header) => {
    expect(() => assertIfMatch(header, 3, 'testimonial')).not.toThrow();
  });

  it.each(['"v2"', 'W/"v3"', '"3"', '', 'v3'])('refuses %p for version 3 with 412 and the current tag', (header) => {
    let thrown: unknown;
    try {
      assertIfMatch(header, 3, 'testimonial');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppException);
    expect(thrown).toMatchObject({
      code: 'precondition_failed',
      detail: 'The testimonial has changed since you read it: reload it and retry.',
      options: { headers: { ETag: '"v3"' } },
    });
  });
});
