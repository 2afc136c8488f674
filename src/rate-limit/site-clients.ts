import { isIP } from 'node:net';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * A request made with a valid `site` API key: a server-rendered website calling for its visitors. Its requests are
 * counted per key; a submission it relays is counted per visitor, the address it names in X-Forwarded-For.
 */
export interface SiteClient {
  keyId: string;
  /** The visitor's address (see `relayedVisitor`), or the connecting address when the site named none. */
  visitorIp: string;
}

/** The site client of each request in flight, set by RateLimitGuard. */
const SITE_CLIENTS = new WeakMap<object, SiteClient>();

export function rememberSiteClient(request: object, client: SiteClient): void {
  SITE_CLIENTS.set(request, client);
}

/**
 * The address a request's per-client rules should use: the visitor a front-end server relays for, when the request
 * carried a valid `site` key; else `request.ip` (Fastify's, honouring TRUST_PROXY). Only known once RateLimitGuard
 * has run (controllers, interceptors), never on a route marked @SkipRateLimit().
 */
export function clientIpOf(request: FastifyRequest): string {
  return SITE_CLIENTS.get(request)?.visitorIp ?? request.ip;
}

/**
 * The client address a handler's per-client rules use (clientIpOf): the relayed visitor's for a site key, else
 * `request.ip`. For an idempotency scope, say, so that the visitors of one website do not share one.
 */
export const ClientIp = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  clientIpOf(context.switchToHttp().getRequest<FastifyRequest>()),
);

/** X-Forwarded-For's entries, left to right, split and trimmed as Fastify's proxy-addr does (spaces and tabs only). */
function forwardedEntries(header: string): string[] {
  return header
    .split(',')
    .map((entry) => entry.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((entry) => entry !== '');
}

/**
 * The address just left of the one Fastify settled on as the client (`request.ip`) in the chain
 * `X-Forwarded-For, socket address`: the visitor, as the front-end server behind `request.ip` named it. Fastify walks
 * that chain from the socket leftwards while the addresses are trusted proxies (TRUST_PROXY) and keeps the first
 * untrusted one; `settledIndex` is how many steps it took (`request.ips.length - 1`, 0 without TRUST_PROXY).
 * Undefined when the server named no one there (no further entry), or named something that is not an IP address.
 */
export function relayedVisitor(forwardedFor: string | string[] | undefined, settledIndex: number): string | undefined {
  // Node joins repeated X-Forwarded-For headers into one; anything else is not a header proxy-addr would read.
  if (typeof forwardedFor !== 'string') return undefined;
  const entries = forwardedEntries(forwardedFor);
  // The chain is [socket, ...entries from right to left]; the visitor is at settledIndex + 1.
  const visitor = entries[entries.length - 1 - settledIndex];
  return visitor !== undefined && isIP(visitor) !== 0 ? visitor : undefined;
}
