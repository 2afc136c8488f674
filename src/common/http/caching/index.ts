import type { FastifyInstance } from 'fastify';
import { answerFirst, cacheHitResponder, type CacheHitResponderOptions } from './cache-hit-responder.js';
import { type HttpCachingOptions, registerHttpCaching } from './public-cache.js';
import type { ResponseCache } from './response-cache.js';

/**
 * HTTP caching, all of it here: `@PublicCache` routes get `Cache-Control`, a strong ETag and 304s (public-cache.ts);
 * their 200s are kept in memory for RESPONSE_CACHE_TTL_MS (response-cache.ts) and repeats are answered before
 * Fastify routes the request (cache-hit-responder.ts). One switch turns the memory cache and its fast path off:
 * RESPONSE_CACHE_TTL_MS=0 (validators, 304s and Cache-Control stay: they are HTTP, not an optimisation).
 */
export function installHttpCaching(
  fastify: FastifyInstance,
  options: Omit<HttpCachingOptions, 'cache'> & { cache: ResponseCache } & Omit<CacheHitResponderOptions, 'cache'>,
): void {
  const { cache, accepting, answered, ...http } = options;
  registerHttpCaching(fastify, { ...http, cache });
  if (cache.enabled) answerFirst(fastify.server, cacheHitResponder({ cache, accepting, answered }));
}

export { type CompletedRequest } from './cache-hit-responder.js';
export {
  COMPRESSION_THRESHOLD_BYTES,
  PER_REQUEST_BROTLI_QUALITY,
  PER_REQUEST_GZIP_LEVEL,
  SYNC_COMPRESSION_MAX_BYTES,
} from './content-coding.js';
export { itemTag, pageItemTags, PublicCache, type PublicCacheOptions, serverCacheUntil } from './public-cache.js';
export { CacheCoherence } from './cache-coherence.js';
export { ResponseCache, type CachedResponse } from './response-cache.js';
export { ResponseCacheModule } from './response-cache.module.js';
