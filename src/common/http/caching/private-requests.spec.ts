import { isPrivateQuery, isPrivateUrl } from './private-requests.js';

describe('private requests (draft previews bypass the response cache)', () => {
  it.each([
    '/api/v1/articles/a?preview=x.y.z',
    '/api/v1/articles/a?other=1&preview=x.y.z',
    '/api/v1/articles/a?preview',
    '/api/v1/articles/a?preview=',
    '/api/v1/articles/a?%70review=x.y.z',
    '/api/v1/articles/a?pre%76iew=x.y.z',
  ])('%s is private', (url) => {
    expect(isPrivateUrl(url)).toBe(true);
  });

  it.each([
    '/api/v1/articles/a',
    '/api/v1/articles/a?',
    '/api/v1/articles?q=preview',
    '/api/v1/articles?q=caf%C3%A9',
    '/api/v1/articles/preview?page=2',
    '/api/v1/articles?previews=1',
  ])('%s is not', (url) => {
    expect(isPrivateUrl(url)).toBe(false);
  });

  it('reads a parsed query the same way', () => {
    expect(isPrivateQuery({ preview: 'x.y.z' })).toBe(true);
    expect(isPrivateQuery({ preview: '' })).toBe(true);
    expect(isPrivateQuery({ q: 'preview' })).toBe(false);
    expect(isPrivateQuery(Object.create({ preview: 'inherited' }))).toBe(false);
    expect(isPrivateQuery(undefined)).toBe(false);
    expect(isPrivateQuery(null)).toBe(false);
  });
});
