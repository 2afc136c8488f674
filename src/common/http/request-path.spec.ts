import { requestPath } from './request-path.js';

describe('requestPath', () => {
  it.each([
    ['/api/v1/articles', '/api/v1/articles'],
    ['/api/v1/articles?page=2', '/api/v1/articles'],
    ['/api/v1/contact-requests?email=jane%40example.com&phone=123', '/api/v1/contact-requests'],
    ['/a?b?c', '/a'],
    ['/a?', '/a'],
    ['/?x=1', '/'],
    ['/', '/'],
    ['?x=1', ''],
    ['', ''],
    ['/api/v1/articles/self-compassion-101', '/api/v1/articles/self-compassion-101'],
    ['/search%3Fq', '/search%3Fq'],
  ])('turns %j into %j', (url, path) => {
    expect(requestPath(url)).toBe(path);
  });
});
