import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { spanSource } from '../../tracing/span-source.js';
import { type TraceContext, traceContextFor } from '../../tracing/trace-context.js';
import { ifNoneMatchSatisfied } from '../etag.js';
import { clientRequestId, newRequestId } from '../request-id.js';
import { isPrivateUrl } from './private-requests.js';
import { bodyFor, type CachedResponse, type ResponseCache } from './response-cache.js';

/**
 * Writes a stored response, or its 304, with its whole header block in one go, under this request's id: a 200 in
 * the coding the request's Accept-Encoding prefers (compressed once per entry, see bodyFor).
 */
export function writeHit(
  res: ServerResponse,
  hit: CachedResponse,
  notModified: boolean,
  requestId: string,
  acceptEncoding: string | string[] | undefined,
): void {
  if (notModified) {
    const headers = hit.notModifiedBlock.slice();
    headers[1] = requestId;
    res.writeHead(304, headers).end();
    return;
  }
  const body = bodyFor(hit, acceptEncoding);
  const headers = body.okBlock.slice();
  headers[1] = requestId;
  res.writeHead(200, headers).end(body.payload);
}

/** What the request log records of a response, whoever answered it (Fastify, or cacheHitResponder). */
export interface CompletedRequest {
  reqId: string;
  /** The caller's own X-Request-Id, when it sent a sane one. */
  clientRequestId?: string;
  /** The request's W3C trace: the caller's `traceparent`, or a new one. */
  trace: TraceContext;
  method: string;
  /** The route's pattern (`/api/v1/articles/:slug`); null when no route matched. */
  route: string | null;
  url: string;
  statusCode: number;
  durationMs: number;
  /** `HIT` or `MISS` on a route whose responses the server caches (its X-Cache). */
  cache?: string;
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
 * request id (security headers, Cache-Control, ETag, Vary). It answers a 304, and a 200 in the coding the client
 * prefers (brotli, gzip or none). It returns false, having touched nothing, for everything else: cross-origin
 * requests (CORS runs in Fastify), private ones (a draft preview), misses, and every request once shutdown began.
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
    if (isPrivateUrl(url)) return false;
    const hit = cache.find(url);
    if (!hit) return false;
    const notModified = ifNoneMatchSatisfied(req.headers['if-none-match'], hit.etag);
    const reqId = newRequestId();
    spanSource()?.routeMatched(hit.route);
    writeHit(res, hit, notModified, reqId, req.headers['accept-encoding']);
    answered?.({
      reqId,
      clientRequestId: clientRequestId(req.headers['x-request-id']),
      trace: traceContextFor(req.headers.traceparent),
      method,
      route: hit.route,
      url,
      statusCode: res.statusCode,
      durationMs: performance.now() - started,
      cache: 'HIT',
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
