import {
  literalAddressOf,
  refusedAddressRange,
  webhookOrigin,
  webhookUrlProblem,
  webhookUrlWithoutSecrets,
} from './webhook-url.js';

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

describe('refusedAddressRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.1.1', 'private'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    // IPv4-compatible (::/96, deprecated): whatever IPv4 address it embeds.
    ['::7f00:1', 'notGlobalUnicast'],
    ['::127.0.0.1', 'notGlobalUnicast'],
    ['::a9fe:a9fe', 'notGlobalUnicast'],
    ['::808:808', 'notGlobalUnicast'],
    ['::8.8.8.8', 'notGlobalUnicast'],
    ['0:0:0:0:0:0:127.0.0.1', 'notGlobalUnicast'],
    // Outside 2000::/3: unassigned, or special ranges ipaddr.js does not name.
    ['100::1', 'discard'],
    ['4000::1', 'notGlobalUnicast'],
    ['::2', 'notGlobalUnicast'],
    ['1::1', 'notGlobalUnicast'],
    ['not-an-ip', 'invalid'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusedAddressRange(address)).toBe(range);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '3fff:ffff::1',
    '::ffff:8.8.8.8',
  ])('allows the public address %s', (address) => {
    expect(refusedAddressRange(address)).toBeNull();
  });
});

describe('literalAddressOf', () => {
  it('finds IP literals as URL parsing leaves them, and nothing in names', () => {
    expect(literalAddressOf(new URL('https://0x7f.1/').hostname)).toBe('127.0.0.1');
    expect(literalAddressOf(new URL('https://2130706433/').hostname)).toBe('127.0.0.1');
    expect(literalAddressOf(new URL('https://[::1]/').hostname)).toBe('::1');
    expect(literalAddressOf('crm.example.com')).toBeNull();
    expect(literalAddressOf('1.example')).toBeNull();
  });
});

describe('webhookUrlProblem', () => {
  const internal = (range: string) =>
    `url must not point to a loopback, private, link-local or other internal address (${range})`;

  it('requires https and a public address when private targets are not allowed', () => {
    expect(webhookUrlProblem('https://crm.example.com/hook', false)).toBeNull();
    expect(webhookUrlProblem('https://93.184.215.14/hook', false)).toBeNull();
    expect(webhookUrlProblem('http://crm.example.com/hook', false)).toBe('url must be an https URL');
    expect(webhookUrlProblem('ftp://crm.example.com/hook', false)).toBe('url must be an https URL');
    expect(webhookUrlProblem('crm.example.com/hook', false)).toBe('url must be an absolute https URL');
    expect(webhookUrlProblem('https://127.0.0.1/hook', false)).toBe(internal('loopback'));
    expect(webhookUrlProblem('https://[::ffff:169.254.169.254]/', false)).toBe(internal('linkLocal'));
    expect(webhookUrlProblem('https://0177.0.0.1/', false)).toBe(internal('loopback'));
    expect(webhookUrlProblem('https://[::7f00:1]/', false)).toBe(internal('notGlobalUnicast'));
    expect(webhookUrlProblem('https://[::127.0.0.1]/', false)).toBe(internal('notGlobalUnicast'));
    expect(webhookUrlProblem('https://[2606:4700:4700::1111]/hook', false)).toBeNull();
  });

  it('allows plain http and internal addresses with WEBHOOK_ALLOW_PRIVATE_TARGETS', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', true)).toBeNull();
    expect(webhookUrlProblem('https://10.0.0.2/hook', true)).toBeNull();
    expect(webhookUrlProblem('ftp://10.0.0.2/hook', true)).toBe('url must be an http or https URL');
  });
});
