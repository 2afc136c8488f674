import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/clock.js';

export interface CachedResponse {
  /** The route that made it (`/api/v1/articles/:slug`), for the request log of a hit. */
  route: string;
  /** The body as sent, in bytes (a string would be encoded again on every hit). */
  payload: Buffer;
  etag: string;
  contentType: string;
  /** The response's own headers, for a 200 or a 304: ETag, Cache-Control, Vary, `X-Cache: HIT`. */
  headers: Readonly<Record<string, string>>;
  /**
   * The whole header block of a 200 and of a 304 answered from the cache, computed once when the response is
   * stored: name/value lists for `writeHead`, X-Request-Id's value (index 1) left for each request to fill.
   */
  okBlock: readonly string[];
  notModifiedBlock: readonly string[];
}

interface Entry {
  response: CachedResponse;
  tag: string;
  generation: number;
  expiresAt: number;
}

/**
 * Public content responses kept in memory for a short time, by URL (a URL names one route), each under its
 * route's tag (`articles`). A write clears its tag on this instance at once; other instances (Postgres mode)
 * see it when the TTL ends, which is well within the `max-age` browsers are already told to cache for.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, Entry> | undefined;
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    maxBytes: number,
    private readonly clock: Clock,
  ) {
    this.entries =
      ttlMs > 0
        ? new LRUCache<string, Entry>({
            maxSize: maxBytes,
            // A single response may use at most an eighth of the cache.
            maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
            sizeCalculation: (entry, key) => entry.response.payload.length + key.length + 200,
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  /** The tag's current generation: a response computed under an older one is never stored. */
  generation(tag: string): number {
    return this.generations.get(tag) ?? 0;
  }

  /** The live response stored for this URL under this tag. */
  get(tag: string, url: string): CachedResponse | undefined {
    const entry = this.live(url);
    return entry?.tag === tag ? entry.response : undefined;
  }

  /** The live response stored for this URL, whichever route made it (before the request is routed). */
  find(url: string): CachedResponse | undefined {
    return this.live(url)?.response;
  }

  /** The URL's entry unless its tag was invalidated or it expired (then it is dropped). */
  private live(url: string): Entry | undefined {
    const entry = this.entries?.get(url);
    if (!entry) return undefined;
    if (entry.generation !== this.generation(entry.tag) || entry.expiresAt <= this.clock.now().getTime()) {
      this.entries?.delete(url);
      return undefined;
    }
    return entry;
  }

  set(tag: string, url: string, generation: number, response: CachedResponse): void {
    if (!this.entries || generation !== this.generation(tag)) return;
    this.entries.set(url, { response, tag, generation, expiresAt: this.clock.now().getTime() + this.ttlMs });
  }

  /** Forgets every response of the tag (call it after the change commits). */
  invalidate(tag: string): void {
    this.generations.set(tag, this.generation(tag) + 1);
  }
}

@Global()
@Module({})
export class ResponseCacheModule {
  static forRoot(cache: ResponseCache): DynamicModule {
    return {
      module: ResponseCacheModule,
      providers: [{ provide: ResponseCache, useValue: cache }],
      exports: [ResponseCache],
    };
  }
}
