import ipaddr from 'ipaddr.js';

/**
 * Webhook URLs may carry credentials (a token in the query string, user info): logs show only the origin, the
 * admin listing origin and path.
 */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function webhookUrlWithoutSecrets(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** IPv6 global unicast: every IPv6 address a public host has; the rest is loopback, local, embedded IPv4 or unassigned. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/**
 * Why a webhook may not be sent to this IP address, or null when it may: only public unicast addresses are allowed.
 * Refused are loopback, private (RFC 1918), unique local (fc00::/7, which holds the EC2 metadata fd00:ec2::254),
 * link-local (169.254.0.0/16 with the cloud metadata 169.254.169.254, fe80::/10), carrier-grade NAT, unspecified,
 * multicast, broadcast and reserved ranges, and IPv6 forms that embed an IPv4 address (mapped, judged by that
 * address; IPv4-compatible, NAT64, 6to4, Teredo: refused). IPv6 is allowed in global unicast (2000::/3) only.
 * Not an IP address: refused.
 */
export function refusedAddressRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  // ipaddr.js reads `::a.b.c.d` as IPv4-mapped; it is IPv4-compatible (::/96), which resolvers print that way.
  if (/^::[^:]*\./.test(address)) return 'notGlobalUnicast';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range !== 'unicast') return range;
  // ipaddr.js calls unicast what no special range names, ::7f00:1 (IPv4-compatible, ::/96) among them.
  if (parsed.kind() === 'ipv6' && !parsed.match(IPV6_GLOBAL_UNICAST)) return 'notGlobalUnicast';
  return null;
}

/** The address of a URL's host when it is an IP literal (`[::1]` without brackets), else null. */
export function literalAddressOf(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : null;
}

/**
 * What is wrong with a webhook URL before any name is resolved: not http(s), plain http or an internal IP literal
 * (unless private targets are allowed). Null when it may be used; the message names the `url` field.
 */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute https URL';
  }
  if (parsed.protocol !== 'https:' && !(allowPrivate && parsed.protocol === 'http:')) {
    return allowPrivate ? 'url must be an http or https URL' : 'url must be an https URL';
  }
  if (allowPrivate) return null;
  const literal = literalAddressOf(parsed.hostname);
  if (literal === null) {
    // WHATWG URL parsing turns every IPv4 form (0x7f.1, 2130706433) into dotted decimal, so a name is a name.
    return null;
  }
  const range = refusedAddressRange(literal);
  return range ? refusedMessage(range) : null;
}

export function refusedMessage(range: string): string {
  return `url must not point to a loopback, private, link-local or other internal address (${range})`;
}
