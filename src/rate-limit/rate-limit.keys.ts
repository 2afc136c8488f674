import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { RateLimitPolicy } from '../config/app-config.js';

/** Prefix of every rate-limit key in Redis. */
export const REDIS_KEY_PREFIX = 'wellclinic:ratelimit:';

/** Hex characters of the SHA-256 digest kept in a key: 128 bits, ample to tell emails apart. */
const EMAIL_DIGEST_LENGTH = 32;

/** Hextets of an IPv6 address (zone removed), or undefined when it is not one. */
function hextets(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2].split('.').map(Number);
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail].map((g) => Number.parseInt(g, 16));
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * The client key of an IP address (`request.ip`, which Fastify derives honouring TRUST_PROXY): IPv4 as is
 * (also when IPv4-mapped, `::ffff:192.0.2.1`), IPv6 loopback as `::1`, any other IPv6 address as its /64
 * network, since one client usually holds a whole /64 and could otherwise rotate addresses to escape its
 * limit (the same rule as @nestjs/throttler's default tracker).
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const bare = ip.split('%')[0];
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family !== 6) return ip;
  const groups = hextets(bare);
  if (!groups) return ip;
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return '::1';
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The login email as the login route reads it (JSON field `email`, trimmed and lower-cased), or undefined
 * when the body has none: such attempts are limited per IP only.
 */
export function loginEmail(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, 'email')) {
    return undefined;
  }
  const email = (body as { email: unknown }).email;
  if (typeof email !== 'string') return undefined;
  const normalized = email.trim().toLowerCase();
  return normalized === '' ? undefined : normalized;
}

/** Stands for an email in keys: never store the address itself, in Redis or in memory. */
export function emailDigest(normalizedEmail: string): string {
  return createHash('sha256').update(normalizedEmail, 'utf8').digest('hex').slice(0, EMAIL_DIGEST_LENGTH);
}

/**
 * The counters one request increments for a policy: always the client's IP; for `login`, also the email
 * when the body has one. Keys hold no route: a policy is one budget across every route that opts into it.
 *
 * @param ip the client key (see `clientKey`)
 */
export function counterKeys(policy: RateLimitPolicy, ip: string, email?: string): string[] {
  const keys = [`${policy}:ip:${ip}`];
  if (policy === 'login' && email !== undefined) keys.push(`login:email:${emailDigest(email)}`);
  return keys;
}
