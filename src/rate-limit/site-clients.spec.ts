import { clientIpOf, relayedVisitor, rememberSiteClient } from './site-clients.js';

describe('relayedVisitor', () => {
  it.each<[string, string | string[] | undefined, number, string | undefined]>([
    // Without TRUST_PROXY Fastify settles on the socket (index 0): the visitor is the last entry.
    ['the last entry, when request.ip is the socket', '198.51.100.7', 0, '198.51.100.7'],
    ['the last entry of several', '203.0.113.1, 198.51.100.7', 0, '198.51.100.7'],
    // Behind a trusted load balancer, request.ip is the site server (index 1): the visitor is just left of it.
    ['the entry just left of a trusted hop', '198.51.100.7, 192.0.2.10', 1, '198.51.100.7'],
    ['an IPv6 visitor', '2001:db8::7', 0, '2001:db8::7'],
    ['the entry the server appended, not one the visitor made up', '10.0.0.1, 198.51.100.7', 0, '198.51.100.7'],
    ['entries trimmed of spaces and tabs, empty ones skipped', ' 203.0.113.1 ,, \t198.51.100.7\t, ', 0, '198.51.100.7'],
  ])('%s', (_label, header, settledIndex, visitor) => {
    expect(relayedVisitor(header, settledIndex)).toBe(visitor);
  });

  it.each<[string, string | string[] | undefined, number]>([
    ['no header', undefined, 0],
    ['an empty header', '', 0],
    ['only separators', ' , ,', 0],
    // TRUST_PROXY=true: Fastify took the leftmost entry itself; nobody is left of it.
    ['nothing left of request.ip', '198.51.100.7, 192.0.2.10', 2],
    ['a name instead of an address', 'visitor.example', 0],
    ['an address with a port', '198.51.100.7:5123', 0],
    ['an injection string', "198.51.100.7' OR '1'='1", 0],
    ['a header that is not one string', ['198.51.100.7', '203.0.113.1'], 0],
  ])('none for %s', (_label, header, settledIndex) => {
    expect(relayedVisitor(header, settledIndex)).toBeUndefined();
  });

  it('splits and trims like proxy-addr: an entry of non-breaking spaces is an entry, not a gap', () => {
    // Latin-1 bytes such as 0xA0 reach Node as U+00A0, which String.trim() would remove and proxy-addr keeps.
    expect(relayedVisitor('198.51.100.7, \u00a0, 192.0.2.10', 1)).toBeUndefined();
    expect(relayedVisitor('198.51.100.7, \u00a0, 192.0.2.10', 2)).toBe('198.51.100.7');
  });
});

describe('clientIpOf', () => {
  it("is the site's visitor once the guard remembered one, else request.ip", () => {
    const relayed = { ip: '192.0.2.10' };
    const direct = { ip: '192.0.2.11' };
    rememberSiteClient(relayed, { keyId: 'k', visitorIp: '198.51.100.7' });
    expect(clientIpOf(relayed as never)).toBe('198.51.100.7');
    expect(clientIpOf(direct as never)).toBe('192.0.2.11');
  });
});
