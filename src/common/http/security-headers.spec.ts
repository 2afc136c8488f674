import { API_SECURITY_HEADERS, DOCUMENT_SECURITY_HEADERS, securityHeadersFor } from './security-headers.js';

describe('security headers', () => {
  it('give API responses a strict, data-only set', () => {
    expect(API_SECURITY_HEADERS).toEqual({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });

  it('give the Swagger UI pages the document set, with a CSP its own assets and inline styles work under', () => {
    expect(DOCUMENT_SECURITY_HEADERS).toEqual({
      'content-security-policy':
        "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;" +
        "font-src 'self' data:;connect-src 'self';object-src 'none';base-uri 'self';form-action 'self';" +
        "frame-ancestors 'none'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
  });

  it.each(['/docs', '/docs/', '/docs/swagger-ui.css', '/docs/swagger-ui-init.js', '/docs?tag=articles'])(
    'treat %s as a Swagger UI page or asset',
    (url) => expect(securityHeadersFor(url)).toBe(DOCUMENT_SECURITY_HEADERS),
  );

  it.each(['/docs-json', '/docs-yaml', '/docsx', '/api/v1/articles', '/api/v1/docs', '/health', '/', '/nowhere'])(
    'treat %s as the API',
    (url) => expect(securityHeadersFor(url)).toBe(API_SECURITY_HEADERS),
  );

  it('are frozen: one shared object is set on every response', () => {
    expect(Object.isFrozen(API_SECURITY_HEADERS)).toBe(true);
    expect(Object.isFrozen(DOCUMENT_SECURITY_HEADERS)).toBe(true);
  });
});
