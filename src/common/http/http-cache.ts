import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ifNoneMatchSatisfied, publicCacheControl, strongEtag } from './etag.js';
import { clientRequestId, newRequestId } from './request-id.js';
import type { CachedResponse, ResponseCache } from './response-cache.js';

export interface PublicCacheOptions {
  /** Overrides CACHE_MAX_AGE_SECONDS for this route. */
  maxAgeSeconds?: number;
  /**
   * Also keep 200 responses in the server's memory (ResponseCache) under this tag, and answer repeats
   * before the controller runs. Only for public routes whose response depends on nothing but the URL.
   */
  serverCacheTag?: string;
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

/** The cache generation a request started under (a write during the request makes its response unstorable). */
const startedUnder = new WeakMap<FastifyRequest, number>();

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

/** Writes a stored response, or its 304, with its whole header block in one go, under this request's id. */
function writeHit(res: ServerResponse, hit: CachedResponse, notModified: boolean, requestId: string): void {
  const headers = (notModified ? hit.notModifiedBlock : hit.okBlock).slice();
  headers[1] = requestId;
  res.writeHead(notModified ? 304 : 200, headers).end(notModified ? undefined : hit.payload);
}

/**
 * Answers a routed request from a stored response: one cacheHitResponder left to Fastify (a cross-origin
 * request, once CORS has run, or a 200 that may be compressed). A 304, or a 200 to a client that accepts no
 * compression, is written straight to the socket with the stored header block: it already went through the
 * onSend hooks when it was stored. CORS headers, which Nest's hook copies to the raw response, are merged in by
 * Node. onResponse hooks (the request log) still run. A 200 that may be compressed goes through `send`, so that
 * @fastify/compress negotiates the encoding.
 */
function answerFromCache(
  request: FastifyRequest,
  reply: FastifyReply,
  hit: CachedResponse,
  everyResponse: Readonly<Record<string, string>>,
): void {
  const notModified = ifNoneMatchSatisfied(request.headers['if-none-match'], hit.etag);
  if (!notModified && request.headers['accept-encoding']) {
    void reply
      .header('x-request-id', request.id)
      .headers(everyResponse)
      .headers(hit.headers)
      .header('content-type', hit.contentType)
      .send(hit.payload);
    return;
  }
  void reply.hijack();
  writeHit(reply.raw, hit, notModified, request.id);
}

/** What the request log records of a response, whoever answered it (Fastify, or cacheHitResponder). */
export interface CompletedRequest {
  reqId: string;
  /** The caller's own X-Request-Id, when it sent a sane one. */
  clientRequestId?: string;
  method: string;
  /** The route's pattern (`/api/v1/articles/:slug`); null when no route matched. */
  route: string | null;
  url: string;
  statusCode: number;
  durationMs: number;
}

export interface CacheHitResponderOptions {
  cache: ResponseCache;
  /** False once the server is shutting down: requests are then left to the hook that answers 503. */
  accepting?: () => boolean;
  /** Told of each hit once it is written (the request log); `route` is the route that made the stored response. */
  answered?: (hit: CompletedRequest) => void;
}

/**
 * Answers a same-origin or server-side GET or HEAD from the cache in Node's request listener, before Fastify
 * routes it: no request and reply objects, no hooks, no router. This is safe because a stored response was
 * already valid for that exact URL, and its stored header block holds everything a response carries except its
 * request id (security headers, Cache-Control, ETag, Vary). It answers a 304, and a 200 to a client that accepts
 * no compression. It returns false, having touched nothing, for everything else: cross-origin requests (CORS
 * runs in Fastify), 200s that may be compressed, misses, and every request once shutdown began.
 */
export function cacheHitResponder(
  options: CacheHitResponderOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { cache, accepting = () => true, answered } = options;
  return (req, res) => {
    const started = performance.now();
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (req.headers.origin !== undefined || !accepting()) return false;
    const url = req.url ?? '/';
    const hit = cache.find(url);
    if (!hit) return false;
    const notModified = ifNoneMatchSatisfied(req.headers['if-none-match'], hit.etag);
    if (!notModified && req.headers['accept-encoding']) return false;
    const reqId = newRequestId();
    writeHit(res, hit, notModified, reqId);
    answered?.({
      reqId,
      clientRequestId: clientRequestId(req.headers['x-request-id']),
      method,
      route: hit.route,
      url,
      statusCode: res.statusCode,
      durationMs: performance.now() - started,
    });
    return true;
  };
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts `first` in front of the server's request listener (Fastify's): each request is offered to it, and the
 * ones it declines go on to Fastify. The server stays the one Fastify made, with its options, timeouts,
 * bindings and close handling.
 */
export function answerFirst(server: Server, first: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) {
    throw new Error(`Expected the server to have one request listener (Fastify's), found ${listeners.length}`);
  }
  const [next] = listeners;
  server.removeListener('request', next);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!first(req, res)) next(req, res);
  });
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
    const config: CachingRouteConfig | undefined = route.config;
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
    answerFromCache(request, reply, hit, everyResponse);
    return true;
  };
  // Hits that reach Fastify are answered here, after the CORS hook has set its headers. Everything else gets
  // its route's Cache-Control before the controller runs. Callback-style: no promise per request.
  const cacheEnabled = cache?.enabled === true;
  fastify.addHook('preHandler', (request, reply, done) => {
    if (cacheEnabled && serveHit(request, reply)) return;
    if (startedUnder.has(request)) void reply.header('x-cache', 'MISS');
    const cacheControl = routeConfig(request)?.[CACHE_CONTROL];
    if (cacheControl !== undefined) void reply.header('cache-control', cacheControl);
    done();
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
      const tag = routeCacheTag(request);
      const generation = startedUnder.get(request);
      if (cache && tag && generation !== undefined) {
        const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
        const headers = {
          'x-cache': 'HIT',
          'cache-control': String(cacheControl),
          etag,
          vary: String(reply.getHeader('vary')),
        };
        // A 304 has no body, so no Content-Type or Content-Length (RFC 9110 §15.4.5).
        const notModifiedBlock = ['x-request-id', '', ...Object.entries({ ...everyResponse, ...headers }).flat()];
        const okBlock = [...notModifiedBlock, 'content-type', contentType, 'content-length', String(bytes.length)];
        cache.set(tag, request.url, generation, {
          route: request.routeOptions.url ?? request.url,
          payload: bytes,
          etag,
          contentType,
          headers,
          okBlock,
          notModifiedBlock,
        });
      }
    }
    if (ifNoneMatchSatisfied(request.headers['if-none-match'], etag)) {
      void reply.code(304).removeHeader('content-type').removeHeader('content-length');
      return '';
    }
    return payload;
  }
}
