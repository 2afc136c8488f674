import { createHash } from 'node:crypto';
import {
  clientKey,
  counterKeys,
  emailDigest,
  loginEmail,
  siteCounterKey,
  siteKeyLookupKey,
} from './rate-limit.keys.js';

describe('loginEmail', () => {
  it.each([
    [{ email: 'pat@example.com' }, 'pat@example.com'],
    [{ email: '  Pat@Example.COM\t' }, 'pat@example.com'],
    [{ email: 'PAT@EXAMPLE.COM', password: 'x' }, 'pat@example.com'],
  ])('normalizes %j to %j', (body, email) => {
    expect(loginEmail(body)).toBe(email);
  });

  it.each([
    ['no email field', { password: 'x' }],
    ['an empty email', { email: '' }],
    ['a blank email', { email: '   ' }],
    ['a number', { email: 42 }],
    ['null', { email: null }],
    ['an array email', { email: ['pat@example.com'] }],
    ['an inherited email', Object.create({ email: 'pat@example.com' }) as object],
    ['an array body', [{ email: 'pat@example.com' }]],
    ['a string body', 'pat@example.com'],
    ['a null body', null],
    ['no body', undefined],
  ])('is undefined for %s', (_label, body) => {
    expect(loginEmail(body)).toBeUndefined();
  });
});

describe('emailDigest', () => {
  it('is the first 32 hex characters of the SHA-256 of the address', () => {
    const full = createHash('sha256').update('pat@example.com').digest('hex');
    expect(emailDigest('pat@example.com')).toBe(full.slice(0, 32));
    expect(emailDigest('pat@example.com')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('tells addresses apart', () => {
    expect(emailDigest('pat@example.com')).not.toBe(emailDigest('pat@example.org'));
  });
});

describe('clientKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    ['2001:db8:1:2::5', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:abcd:ef01:2345:6789', '2001:db8:1:2::/64'],
    ['2001:DB8:0:0:1::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
  ])('keys %s as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });

  it('keeps something that is not an address as it is, and names a missing one', () => {
    expect(clientKey('not-an-ip')).toBe('not-an-ip');
    expect(clientKey(undefined)).toBe('unknown');
    expect(clientKey('')).toBe('unknown');
  });
});

describe('counterKeys', () => {
  it('counts general and submission per IP', () => {
    expect(counterKeys('general', '192.0.2.1')).toEqual(['general:ip:192.0.2.1']);
    expect(counterKeys('submission', '2001:db8:1:2::/64')).toEqual(['submission:ip:2001:db8:1:2::/64']);
  });
});

describe('site keys', () => {
  it("counts a site key's budget by the key's id, and unknown-secret lookups per IP", () => {
    expect(siteCounterKey('0b7c1a52-3f2e-4d8a-9c61-5d1e2f3a4b5c')).toBe(
      'site:key:0b7c1a52-3f2e-4d8a-9c61-5d1e2f3a4b5c',
    );
    expect(siteKeyLookupKey('192.0.2.1')).toBe('site-key-lookup:ip:192.0.2.1');
  });
});
