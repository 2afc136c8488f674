import { webhookOrigin, webhookUrlWithoutSecrets } from './webhook-url.js';

describe('webhook URLs in logs and listings', () => {
  const url = 'https://user:pa55@crm.example.com:8443/hooks/well-clinic?token=s3cret#frag';

  it('logs show only the origin', () => {
    expect(webhookOrigin(url)).toBe('https://crm.example.com:8443');
  });

  it('listings show origin and path, without credentials, query string or fragment', () => {
    expect(webhookUrlWithoutSecrets(url)).toBe('https://crm.example.com:8443/hooks/well-clinic');
  });

  it('never echo something that is not a URL', () => {
    expect(webhookOrigin('not a url?token=x')).toBe('(invalid URL)');
    expect(webhookUrlWithoutSecrets('not a url?token=x')).toBe('(invalid URL)');
  });
});
