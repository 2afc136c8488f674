import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ifNoneMatchSatisfied, publicCacheControl, strongEtag } from '../etag.js';
import { writeHit } from './cache-hit-responder.js';
import { isPrivateQuery } from './private-requests.js';
import { bodyFor, type CachedResponse, cachedResponse, type ResponseCache } from './response-cache.js';

export interface PublicCacheOptions {
  /** Overrides CACHE_MAX_AGE_SECONDS for this route. */
  maxAgeSeconds?: number;
  /**
   * Also keep 200 responses in the server's memory (ResponseCache) under this tag, and answer repeats
   * before the controller runs. Only for public routes whose response depends on nothing but the URL.
   */
  serverCacheTag?: string;
  /**
   * What the response contains, for a CDN's precise purge: tags such as `article:<id>`, from the response body
   * (before serialization). Sent with the route's `serverCacheTag` in `Cache-Tag` (comma-separated) and
   * `Surrogate-Key` (space-separated).
   */
  contentTags?: (body: never) => readonly string[];
}

/** `contentTags` for a page of items: `<prefix>:<field>` of each (`article:<id>`). */
export function pageItemTags<K extends string = 'id'>(
  prefix: string,
  field: K = 'id' as K,
): (body: { data: readonly Record<K, string>[] }) => string[] {
  return (body) => body.data.map((item) => `${prefix}:${item[field]}`);
}

/** `contentTags` for one item: `<prefix>:<field>`. */
export function itemTag<K extends string>(prefix: string, field: K): (body: Record<K, string>) => string[] {
  return (body) => [`${prefix}:${body[field]}`];
}

/** Fastify route config keys: the route's PublicCache options, and the Cache-Control value made of them. */
const PUBLIC_CACHE = 'publicCache';
const CACHE_CONTROL = 'publicCacheControl';

interface CachingRouteConfig {
  [PUBLIC_CACHE]?: PublicCacheOptions;
  [CACHE_CONTROL]?: string;
}

function routeConfig(request: FastifyRequest): CachingRouteConfig | undefined {
  return request.routeOptions.config as CachingRouteConfig | undefined;
}

function routeCacheTag(request: FastifyRequest): string | undefined {
  return routeConfig(request)?.[PUBLIC_CACHE]?.serverCacheTag;
}

/** The content tags of a response, from its body (see PublicCacheOptions.contentTags). */
const contentTagsOf = new WeakMap<FastifyRequest, readonly string[]>();

/** The Cache-Tag and Surrogate-Key headers of a public response: its route's tag and its content's. */
function cacheTagHeaders(request: FastifyRequest): Record<string, string> {
  const tags = [routeCacheTag(request), ...(contentTagsOf.get(request) ?? [])].filter(
    (tag): tag is string => tag !== undefined && tag !== '',
  );
  return tags.length === 0 ? {} : { 'cache-tag': tags.join(','), 'surrogate-key': tags.join(' ') };
}

/** The cache generation a request started under (a write during the request makes its response unstorable). */
const startedUnder = new WeakMap<FastifyRequest, number>();

/** The instant a response must leave the server's cache by, when its handler named one. */
const storedUntil = new WeakMap<FastifyRequest, Date>();

/**
 * Keeps this request's response in the server's memory cache no later than `instant`, besides the TTL and its
 * `max-age` (which browsers and CDNs see): for a body that names the current minute, say.
 */
export function serverCacheUntil(request: FastifyRequest, instant: Date): void {
  storedUntil.set(request, instant);
}

/**
 * Marks a public GET as cacheable: `Cache-Control: public, …`, a strong ETag, and 304 on If-None-Match.
 * Every other response is `no-store`. The options travel in the Fastify route config, so the header is set
 * by a hook (see registerHttpCaching) rather than by a Nest interceptor around every request.
 */
export function PublicCache(options: PublicCacheOptions = {}): MethodDecorator {
  return applyDecorators(
    RouteConfig({ [PUBLIC_CACHE]: options }),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag from an earlier response.' }),
    ApiResponse({ status: 304, description: 'Not modified: the representation matches If-None-Match.' }),
  );
}

export interface HttpCachingOptions {
  /** Keeps public 200 responses of routes with a `serverCacheTag` in memory. */
  cache?: ResponseCache;
  /** What every response carries besides X-Request-Id (the security headers): part of a hit's header block. */
  everyResponse?: Readonly<Record<string, string>>;
  /** CACHE_MAX_AGE_SECONDS and CACHE_STALE_WHILE_REVALIDATE_SECONDS. */
  maxAgeSeconds: number;
  staleWhileRevalidateSeconds: number;
}

/**
 * Answers a routed request from a stored response (one cacheHitResponder left to Fastify: a cross-origin request,
 * once CORS has run), written straight to the socket with the stored header block and body in the coding the
 * client prefers: it already went through the onSend hooks when it was stored. CORS headers, which Nest's hook
 * copies to the raw response, are merged in by Node. onResponse hooks (the request log) still run.
 */
function answerFromCache(request: FastifyRequest, reply: FastifyReply, hit: CachedResponse): void {
  const notModified = ifNoneMatchSatisfied(request.headers['if-none-match'], hit.etag);
  void reply.hijack();
  writeHit(reply.raw, hit, notModified, request.id, request.headers['accept-encoding']);
}

/** The `max-age` of a Cache-Control value, in milliseconds (Infinity without one). */
function maxAgeMs(cacheControl: string): number {
  const match = /(?:^|,)\s*max-age=(\d+)/.exec(cacheControl);
  return match ? Number(match[1]) * 1000 : Infinity;
}

/** Adds a field name to Vary unless it is already listed (the same check @fastify/compress makes). */
function addVary(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary');
  if (current === undefined) void reply.header('vary', field);
  else if (!String(current).toLowerCase().includes(field)) void reply.header('vary', `${String(current)}, ${field}`);
}

/**
 * Runs after serialization, before compression: defaults every response to `no-store`, and gives public
 * 200 responses their ETag, `Vary: accept-encoding` (they may be sent compressed) and 304 handling. With a
 * ResponseCache, 200s of routes marked with `serverCacheTag` are stored, and the requests that reach Fastify
 * although their URL is stored (cross-origin ones, and 200s that may be compressed; cacheHitResponder answers
 * the rest before routing) are answered in preHandler, after CORS and before the guards, pipes and controller.
 * Register it before @fastify/compress.
 */
export function registerHttpCaching(fastify: FastifyInstance, options: HttpCachingOptions): void {
  const { cache, everyResponse = {}, maxAgeSeconds, staleWhileRevalidateSeconds } = options;
  // Each public route's Cache-Control value, made once when the route is added.
  fastify.addHook('onRoute', (route) => {
    const config = route.config as CachingRouteConfig | undefined;
    const publicCache = config?.[PUBLIC_CACHE];
    if (config && publicCache) {
      config[CACHE_CONTROL] = publicCacheControl(
        publicCache.maxAgeSeconds ?? maxAgeSeconds,
        staleWhileRevalidateSeconds,
      );
    }
  });
  /** Answers from the cache, or notes the generation a miss starts under. */
  const serveHit = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const tag = request.method === 'GET' || request.method === 'HEAD' ? routeCacheTag(request) : undefined;
    if (!tag || !cache) return false;
    const hit = cache.get(tag, request.url);
    if (!hit) {
      startedUnder.set(request, cache.generation(tag));
      return false;
    }
    answerFromCache(request, reply, hit);
    return true;
  };
  // Hits that reach Fastify are answered here, after the CORS hook has set its headers. Everything else gets
  // its route's Cache-Control before the controller runs. Callback-style: no promise per request.
  const cacheEnabled = cache?.enabled === true;
  fastify.addHook('preHandler', (request, reply, done) => {
    // A private request (a draft preview) is neither looked up nor stored, and keeps the default `no-store`.
    if (isPrivateQuery(request.query)) return done();
    if (cacheEnabled && serveHit(request, reply)) return;
    if (startedUnder.has(request)) void reply.header('x-cache', 'MISS');
    const cacheControl = routeConfig(request)?.[CACHE_CONTROL];
    if (cacheControl !== undefined) void reply.header('cache-control', cacheControl);
    done();
  });

  // The content tags are read from the body before it is serialized (only routes that declare how).
  fastify.addHook('preSerialization', (request, reply, payload, done) => {
    const contentTags = routeConfig(request)?.[PUBLIC_CACHE]?.contentTags as
      ((body: unknown) => readonly string[]) | undefined;
    if (contentTags && reply.statusCode === 200 && payload !== null && typeof payload === 'object') {
      contentTagsOf.set(request, contentTags(payload));
    }
    done(null, payload);
  });

  fastify.addHook('onSend', (request, reply, payload, done) => done(null, withValidators(request, reply, payload)));

  function withValidators(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
    const cacheControl = reply.getHeader('cache-control');
    if (cacheControl === undefined) {
      void reply.header('cache-control', 'no-store');
      return payload;
    }
    const cacheable =
      (request.method === 'GET' || request.method === 'HEAD') &&
      reply.statusCode === 200 &&
      String(cacheControl).startsWith('public');
    if (!cacheable || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;

    let etag = reply.getHeader('etag') as string | undefined;
    if (etag === undefined) {
      // Encoded once, here: hashed, stored and sent as the same bytes (a string would be encoded for each).
      const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
      payload = bytes;
      etag = strongEtag(bytes);
      addVary(reply.header('etag', etag), 'accept-encoding');
      const tagHeaders = cacheTagHeaders(request);
      void reply.headers(tagHeaders);
      const tag = routeCacheTag(request);
      const generation = startedUnder.get(request);
      if (cache && tag && generation !== undefined) {
        const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
        const headers = {
          'x-cache': 'HIT',
          'cache-control': String(cacheControl),
          etag,
          vary: String(reply.getHeader('vary')),
          ...tagHeaders,
        };
        const stored = cachedResponse(
          { route: request.routeOptions.url ?? request.url, payload: bytes, etag, contentType, headers },
          everyResponse,
        );
        cache.set(tag, request.url, generation, stored, {
          maxAgeMs: maxAgeMs(String(cacheControl)),
          notAfter: storedUntil.get(request)?.getTime(),
        });
        if (!ifNoneMatchSatisfied(request.headers['if-none-match'], etag)) {
          // The miss is sent in the coding later hits will get, compressed once (@fastify/compress then leaves
          // it alone: it skips a response that already has a Content-Encoding).
          const body = bodyFor(stored, request.headers['accept-encoding']);
          if (body.coding !== undefined) {
            void reply.header('content-encoding', body.coding).header('content-length', body.payload.length);
            return body.payload;
          }
        }
      }
    }
    if (ifNoneMatchSatisfied(request.headers['if-none-match'], etag)) {
      void reply.code(304).removeHeader('content-type').removeHeader('content-length');
      return '';
    }
    return payload;
  }
}
