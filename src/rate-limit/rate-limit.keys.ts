import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { RateLimitPolicy } from '../config/app-config.js';

/** Prefix of every rate-limit key in Redis. */
export const REDIS_KEY_PREFIX = 'wellclinic:ratelimit:';

/** Hex characters of the SHA-256 digest kept in a key: 128 bits, ample to tell emails apart. */
const EMAIL_DIGEST_LENGTH = 32;

/**
 * The client key of an IP address (`request.ip`, which Fastify derives honouring TRUST_PROXY): IPv4 as is
 * (also when IPv4-mapped, `::ffff:192.0.2.1`), IPv6 loopback as `::1`, any other IPv6 address as its /64
 * network, since one client usually holds a whole /64 and could otherwise rotate addresses to escape its
 * limit (the same rule as @nestjs/throttler's default tracker).
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  if (v6.range() === 'loopback') return '::1';
  return `${v6.parts
    .slice(0, 4)
    .map((part) => part.toString(16))
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
 * The counters one request increments for a counting policy (`general`, `submission`): the client's IP. Keys
 * hold no route: a policy is one budget across every route that opts into it. `login` counts failures instead
 * (login-failures.ts).
 *
 * @param ip the client key (see `clientKey`)
 */
export function counterKeys(policy: Exclude<RateLimitPolicy, 'login'>, ip: string): string[] {
  return [`${policy}:ip:${ip}`];
}

/** The counter of a `site` API key's budget, which replaces the per-IP general ceiling for the key's requests. */
export function siteCounterKey(keyId: string): string {
  return `site:key:${keyId}`;
}

/**
 * Secrets presented in X-API-Key that the verification cache does not know, per client IP: each costs a database
 * query, so a client may make at most the general ceiling of them per general window; past it, its keys are not
 * looked up (the request is counted per IP).
 */
export function siteKeyLookupKey(ip: string): string {
  return `site-key-lookup:ip:${ip}`;
}
