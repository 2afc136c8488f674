import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock/clock.js';
import type { InvalidationChannel } from './invalidation-channel.js';
import { compressStored, COMPRESSION_THRESHOLD_BYTES, type ContentCoding, preferredCoding } from './content-coding.js';

/** A body as sent, with the whole header block of its 200 (X-Request-Id's value, index 1, left empty). */
export interface EncodedBody {
  payload: Buffer;
  okBlock: readonly string[];
  /** Its Content-Encoding; none for the stored bytes themselves. */
  coding?: ContentCoding;
}

export interface CachedResponse extends EncodedBody {
  /** The route that made it (`/api/v1/articles/:slug`), for the request log of a hit. */
  route: string;
  /** The body, uncompressed, in bytes (a string would be encoded again on every hit). */
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
  /** Its compressed forms, each made on the first request that accepts it (see bodyFor). */
  encoded?: Partial<Record<ContentCoding, EncodedBody>>;
}

/** A response to store: its header blocks are computed here, once. */
export function cachedResponse(
  fields: Omit<CachedResponse, 'okBlock' | 'notModifiedBlock' | 'encoded'>,
  everyResponse: Readonly<Record<string, string>>,
): CachedResponse {
  // A 304 has no body, so no Content-Type or Content-Length (RFC 9110 §15.4.5).
  const notModifiedBlock = ['x-request-id', '', ...Object.entries({ ...everyResponse, ...fields.headers }).flat()];
  return { ...fields, notModifiedBlock, okBlock: okBlock(notModifiedBlock, fields.contentType, fields.payload) };
}

function okBlock(notModifiedBlock: readonly string[], contentType: string, payload: Buffer, coding?: ContentCoding) {
  return [
    ...notModifiedBlock,
    'content-type',
    contentType,
    ...(coding ? ['content-encoding', coding] : []),
    'content-length',
    String(payload.length),
  ];
}

/**
 * What a 200 from the cache sends to a client with this Accept-Encoding: the stored bytes, or their brotli or gzip
 * form, compressed on the first request that wants it and kept with the entry for every later hit (so a hit costs
 * no compression, whatever the client accepts). Bodies under the compression threshold are always sent as they are.
 */
export function bodyFor(hit: CachedResponse, acceptEncoding: string | string[] | undefined): EncodedBody {
  if (hit.payload.length < COMPRESSION_THRESHOLD_BYTES) return hit;
  const coding = preferredCoding(acceptEncoding);
  if (coding === undefined) return hit;
  const encoded = (hit.encoded ??= {});
  return (encoded[coding] ??= encode(hit, coding));
}

function encode(hit: CachedResponse, coding: ContentCoding): EncodedBody {
  const payload = compressStored(hit.payload, coding);
  return { payload, coding, okBlock: okBlock(hit.notModifiedBlock, hit.contentType, payload, coding) };
}

/**
 * What an entry is charged in the cache's byte budget: its bytes, and room for its compressed forms (JSON
 * compresses to well under a quarter with either coding, so both fit in half its size).
 */
export function entrySize(response: CachedResponse, url: string): number {
  return Math.ceil(response.payload.length * 1.5) + url.length + 200;
}

/** What may shorten an entry's life below the TTL. */
export interface ExpiryLimits {
  maxAgeMs?: number;
  /** Epoch milliseconds. */
  notAfter?: number;
}

interface Memo {
  value: Promise<unknown>;
  generation: number;
  storedAt: number;
  expiresAt: number;
}

interface Entry {
  response: CachedResponse;
  tag: string;
  generation: number;
  storedAt: number;
  expiresAt: number;
}

/**
 * Public content responses kept in memory for a short time, by URL (a URL names one route), each under its
 * route's tag (`articles`). A write clears its tag on this instance at once, and on the others through the channel
 * it is attached to (CacheCoherence); without one, they see it when the TTL ends, which is well within the
 * `max-age` browsers are already told to cache for.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, Entry> | undefined;
  private readonly generations = new Map<string, number>();
  /** Values derived from the database under a tag (see memo). */
  private readonly memos = new LRUCache<string, Memo>({ max: 1_000 });
  /** Advanced when everything is forgotten at once: part of every tag's generation. */
  private epoch = 0;
  /** When each tag was last invalidated here, and everything at once (epoch ms): see lastInvalidated. */
  private readonly invalidatedAt = new Map<string, number>();
  private everythingInvalidatedAt = 0;
  /** Tells the other instances of the cluster (see attach). */
  private broadcast: ((tags: readonly string[]) => void) | undefined;

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
            sizeCalculation: (entry, key) => entrySize(entry.response, key),
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  /**
   * The tag's current generation: a response computed under an older one is never stored. It only ever grows
   * (by the tag's invalidations and by the epoch), so a response started before any of them is refused.
   */
  generation(tag: string): number {
    return this.epoch + (this.generations.get(tag) ?? 0);
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
    const now = this.clock.now().getTime();
    // Also dropped when the clock went back past its storing: its body may name a time still to come.
    if (entry.generation !== this.generation(entry.tag) || entry.expiresAt <= now || now < entry.storedAt) {
      this.entries?.delete(url);
      return undefined;
    }
    return entry;
  }

  /**
   * Stores a response for the TTL, or less: for its `max-age` (`maxAgeMs`), and until `notAfter` (epoch ms), when
   * those are sooner. So "open now" is kept no later than the next opening or closing, and no later than the end of
   * the minute its body names.
   */
  set(tag: string, url: string, generation: number, response: CachedResponse, limits: ExpiryLimits = {}): void {
    if (!this.entries || generation !== this.generation(tag)) return;
    const now = this.clock.now().getTime();
    const expiresAt = Math.min(now + this.ttlMs, now + (limits.maxAgeMs ?? Infinity), limits.notAfter ?? Infinity);
    if (expiresAt > now) this.entries.set(url, { response, tag, generation, storedAt: now, expiresAt });
  }

  /**
   * A value loaded from the database under a tag, kept as the tag's responses are: until the TTL ends or the tag is
   * invalidated, here or on another instance. For data many requests need that no one response holds whole (the
   * hours a contact request's reply promise is computed from). Concurrent callers share one load; a failed load is
   * not kept. The value is shared: callers must not change it.
   */
  memo<T>(tag: string, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) return load();
    const now = this.clock.now().getTime();
    const generation = this.generation(tag);
    const id = `${tag}\u0000${key}`;
    const kept = this.memos.get(id);
    if (kept && kept.generation === generation && kept.expiresAt > now && now >= kept.storedAt) {
      return kept.value as Promise<T>;
    }
    const value = load();
    this.memos.set(id, { value, generation, storedAt: now, expiresAt: now + this.ttlMs });
    value.catch(() => {
      if (this.memos.get(id)?.value === value) this.memos.delete(id);
    });
    return value;
  }

  /** Forgets every response of the tag (call it after the change commits), here and on the other instances. */
  invalidate(tag: string): void {
    this.invalidateHere([tag]);
    this.broadcast?.([tag]);
  }

  /** Forgets the tags' responses on this instance only (what another instance invalidated). */
  invalidateHere(tags: readonly string[]): void {
    const now = this.clock.now().getTime();
    for (const tag of tags) {
      this.generations.set(tag, (this.generations.get(tag) ?? 0) + 1);
      this.invalidatedAt.set(tag, now);
    }
  }

  /**
   * When the tag's content last changed as far as this instance knows (epoch ms by the clock; 0: not since it
   * started), whether the change was made here or announced by another instance. Public reads of a tag changed
   * moments ago skip the read replicas, which may not have replayed the change yet (see ReadReplicas).
   */
  lastInvalidated(tag: string): number {
    return Math.max(this.invalidatedAt.get(tag) ?? 0, this.everythingInvalidatedAt);
  }

  /** Forgets every response of every tag on this instance (after invalidations may have been missed). */
  invalidateEverythingHere(): void {
    this.epoch++;
    this.everythingInvalidatedAt = this.clock.now().getTime();
    this.entries?.clear();
    this.memos.clear();
  }

  /**
   * Keeps this cache coherent with the other instances': its invalidations are sent to them, theirs applied here,
   * and everything is forgotten when the channel may have missed some. Without a channel (one instance, the
   * embedded database), or while it is down, the TTL bounds how long another instance's change goes unseen.
   */
  async attach(channel: InvalidationChannel): Promise<void> {
    this.broadcast = (tags) => channel.publish(tags);
    await channel.subscribe({
      onTags: (tags) => this.invalidateHere(tags),
      onGap: () => this.invalidateEverythingHere(),
    });
  }
}
