import { ManualClock } from '../clock/clock.js';
import { type CachedResponse, ResponseCache } from './response-cache.js';

const TTL = 5_000;
const MAX_BYTES = 80_000;

const response = (body = '{"data":[]}', etag = '"v1"'): CachedResponse => ({
  route: '/api/v1/articles',
  payload: Buffer.from(body),
  etag,
  contentType: 'application/json; charset=utf-8',
  headers: { 'x-cache': 'HIT', 'cache-control': 'public, max-age=60', etag, vary: 'accept-encoding' },
  okBlock: ['x-request-id', '', 'etag', etag, 'content-length', String(Buffer.byteLength(body))],
  notModifiedBlock: ['x-request-id', '', 'etag', etag],
});

const START = new Date('2026-11-03T09:00:00Z');

/** What get() returns: the response as stored, with the generation and expiry it was stored under. */

function setup(ttlMs = TTL, maxBytes = MAX_BYTES): { cache: ResponseCache; clock: ManualClock } {
  const clock = new ManualClock(START);
  return { cache: new ResponseCache(ttlMs, maxBytes, clock), clock };
}

describe('ResponseCache', () => {
  it('returns what was stored', () => {
    const { cache } = setup();
    expect(cache.enabled).toBe(true);
    cache.set('articles', '/api/v1/articles', cache.generation('articles'), response());
    expect(cache.get('articles', '/api/v1/articles')).toEqual(response());
  });

  it('hands out the stored response itself, not a copy per hit', () => {
    const { cache } = setup();
    const stored = response();
    cache.set('articles', '/a', 0, stored);
    expect(cache.get('articles', '/a')).toBe(stored);
  });

  it('misses what was never stored', () => {
    const { cache } = setup();
    cache.set('articles', '/api/v1/articles', 0, response());
    expect(cache.get('articles', '/api/v1/articles?page=2')).toBeUndefined();
    expect(cache.get('hours', '/api/v1/articles')).toBeUndefined();
  });

  it('keeps entries apart by URL', () => {
    const { cache } = setup();
    cache.set('articles', '/a', 0, response('a', '"a"'));
    cache.set('articles', '/b', 0, response('b', '"b"'));
    expect([cache.get('articles', '/a'), cache.get('articles', '/b')]).toEqual([
      response('a', '"a"'),
      response('b', '"b"'),
    ]);
  });

  it('replaces an entry stored again', () => {
    const { cache } = setup();
    cache.set('articles', '/a', 0, response('old', '"1"'));
    cache.set('articles', '/a', 0, response('new', '"2"'));
    expect(cache.get('articles', '/a')).toEqual(response('new', '"2"'));
  });

  it('expires an entry ttlMs after it was stored, by the clock', () => {
    const { cache, clock } = setup();
    cache.set('articles', '/a', 0, response());
    clock.advance(TTL - 1);
    expect(cache.get('articles', '/a')).toEqual(response());
    clock.advance(1);
    expect(cache.get('articles', '/a')).toBeUndefined();
    // Gone for good, even if the clock went back.
    clock.advance(-TTL);
    expect(cache.get('articles', '/a')).toBeUndefined();
  });

  it('counts the TTL from the last time an entry was stored', () => {
    const { cache, clock } = setup();
    cache.set('articles', '/a', 0, response('old'));
    clock.advance(TTL - 10);
    cache.set('articles', '/a', 0, response('new'));
    clock.advance(TTL - 1);
    expect(cache.get('articles', '/a')?.payload.toString()).toBe('new');
    clock.advance(1);
    expect(cache.get('articles', '/a')).toBeUndefined();
  });

  it('does not extend the TTL on reads', () => {
    const { cache, clock } = setup();
    cache.set('articles', '/a', 0, response());
    clock.advance(TTL / 2);
    expect(cache.get('articles', '/a')).toBeDefined();
    clock.advance(TTL / 2);
    expect(cache.get('articles', '/a')).toBeUndefined();
  });

  describe('find (by URL alone, before routing)', () => {
    it('returns what was stored for the URL, whichever tag it is under', () => {
      const { cache } = setup();
      cache.set('hours', '/api/v1/hours/clinic', 0, response('hours'));
      expect(cache.find('/api/v1/hours/clinic')).toEqual(response('hours'));
      expect(cache.find('/api/v1/hours/clinic?x=1')).toBeUndefined();
    });

    it('misses once the tag is invalidated, and forgets the entry', () => {
      const { cache } = setup();
      cache.set('articles', '/a', 0, response());
      cache.invalidate('articles');
      expect(cache.find('/a')).toBeUndefined();
      // Stored again under the new generation: found again.
      cache.set('articles', '/a', 1, response('new'));
      expect(cache.find('/a')).toEqual(response('new'));
    });

    it('misses once the entry expired', () => {
      const { cache, clock } = setup();
      cache.set('articles', '/a', 0, response());
      clock.advance(TTL);
      expect(cache.find('/a')).toBeUndefined();
    });

    it('is what get() agrees with for the right tag only', () => {
      const { cache } = setup();
      const stored = response();
      cache.set('articles', '/a', 0, stored);
      expect([cache.find('/a'), cache.get('articles', '/a'), cache.get('hours', '/a')]).toEqual([
        stored,
        stored,
        undefined,
      ]);
    });
  });

  describe('invalidate', () => {
    it('makes every entry of the tag miss', () => {
      const { cache } = setup();
      cache.set('articles', '/a', 0, response());
      cache.set('articles', '/b', 0, response());
      cache.invalidate('articles');
      expect([cache.get('articles', '/a'), cache.get('articles', '/b')]).toEqual([undefined, undefined]);
    });

    it('keeps the entries of other tags', () => {
      const { cache } = setup();
      cache.set('articles', '/a', 0, response('articles'));
      cache.set('hours', '/h', 0, response('hours'));
      cache.invalidate('articles');
      expect(cache.get('articles', '/a')).toBeUndefined();
      expect(cache.get('hours', '/h')).toEqual(response('hours'));
      expect(cache.find('/h')).toEqual(response('hours'));
    });

    it('advances the tag’s generation, and only that tag’s', () => {
      const { cache } = setup();
      expect([cache.generation('articles'), cache.generation('hours')]).toEqual([0, 0]);
      cache.invalidate('articles');
      cache.invalidate('articles');
      expect([cache.generation('articles'), cache.generation('hours')]).toEqual([2, 0]);
    });

    it('lets the tag cache again under its new generation', () => {
      const { cache } = setup();
      cache.set('articles', '/a', 0, response('old'));
      cache.invalidate('articles');
      cache.set('articles', '/a', cache.generation('articles'), response('new'));
      expect(cache.get('articles', '/a')).toEqual(response('new'));
    });

    it('is harmless on an empty cache', () => {
      const { cache } = setup();
      cache.invalidate('articles');
      expect(cache.get('articles', '/a')).toBeUndefined();
    });
  });

  describe('generations', () => {
    it('ignores a response computed before the tag was invalidated', () => {
      const { cache } = setup();
      const generation = cache.generation('articles');
      // The response is computed from the old data while a write commits and invalidates the tag.
      cache.invalidate('articles');
      cache.set('articles', '/a', generation, response('stale'));
      expect(cache.get('articles', '/a')).toBeUndefined();
    });

    it('ignores a generation the tag has not reached', () => {
      const { cache } = setup();
      cache.set('articles', '/a', 1, response());
      expect(cache.get('articles', '/a')).toBeUndefined();
    });

    it('keeps the entry already stored when a set is ignored', () => {
      const { cache } = setup();
      cache.set('articles', '/a', 0, response('fresh'));
      cache.set('articles', '/a', 5, response('ignored'));
      expect(cache.get('articles', '/a')).toEqual(response('fresh'));
    });
  });

  describe('disabled', () => {
    it.each([0, -1])('with a TTL of %i: stores nothing and always misses', (ttl) => {
      const { cache } = setup(ttl);
      expect(cache.enabled).toBe(false);
      cache.set('articles', '/a', cache.generation('articles'), response());
      expect(cache.get('articles', '/a')).toBeUndefined();
    });

    it('still tracks generations', () => {
      const { cache } = setup(0);
      cache.invalidate('articles');
      expect(cache.generation('articles')).toBe(1);
    });
  });

  describe('size limits', () => {
    // An entry's size is its payload's bytes, its URL's length and 200; at most an eighth of maxBytes.
    const maxBytes = 8_000;
    const url = '/a';
    const overhead = url.length + 200;

    it('stores an entry of exactly an eighth of the cache', () => {
      const { cache } = setup(TTL, maxBytes);
      const payload = 'x'.repeat(maxBytes / 8 - overhead);
      cache.set('articles', url, 0, response(payload));
      expect(cache.get('articles', url)?.payload.toString()).toBe(payload);
    });

    it('does not store an entry bigger than an eighth of the cache', () => {
      const { cache } = setup(TTL, maxBytes);
      cache.set('articles', url, 0, response('x'.repeat(maxBytes / 8 - overhead + 1)));
      expect(cache.get('articles', url)).toBeUndefined();
    });

    it('measures the payload in bytes, not characters', () => {
      const { cache } = setup(TTL, maxBytes);
      // 2 bytes per character in UTF-8: fits by its length, not by its size.
      cache.set('articles', url, 0, response('é'.repeat(maxBytes / 8 - overhead)));
      expect(cache.get('articles', url)).toBeUndefined();
    });

    it('drops a stored entry replaced by one too big', () => {
      const { cache } = setup(TTL, maxBytes);
      cache.set('articles', url, 0, response('small'));
      cache.set('articles', url, 0, response('x'.repeat(maxBytes)));
      expect(cache.get('articles', url)).toBeUndefined();
    });

    it('evicts the least recently used entries beyond maxBytes', () => {
      const { cache } = setup(TTL, maxBytes);
      const payload = 'x'.repeat(maxBytes / 8 - overhead);
      const urls = Array.from({ length: 10 }, (_, i) => `/${i}`.padEnd(url.length, '_'));
      for (const u of urls) cache.set('articles', u, 0, response(payload));
      const kept = urls.filter((u) => cache.get('articles', u) !== undefined);
      expect(kept).toEqual(urls.slice(2));
    });
  });
});
