import { ManualClock } from '../../clock/clock.js';
import type { InvalidationChannel, InvalidationHandlers } from './invalidation-channel.js';
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

  it.each([
    ['its max-age', { maxAgeMs: 1_000 }],
    ['the instant it must be gone by', { notAfter: START.getTime() + 1_000 }],
    ['the sooner of the two', { maxAgeMs: 3_000, notAfter: START.getTime() + 1_000 }],
  ])('expires an entry at %s when that comes before the TTL', (_case, limits) => {
    const { cache, clock } = setup();
    cache.set('articles', '/a', 0, response(), limits);
    clock.advance(999);
    expect(cache.get('articles', '/a')).toBeDefined();
    clock.advance(1);
    expect(cache.get('articles', '/a')).toBeUndefined();
  });

  it('keeps the TTL when a limit comes later', () => {
    const { cache, clock } = setup();
    cache.set('articles', '/a', 0, response(), { maxAgeMs: TTL * 10, notAfter: START.getTime() + TTL * 10 });
    clock.advance(TTL);
    expect(cache.get('articles', '/a')).toBeUndefined();
  });

  it.each([
    ['a max-age of 0', { maxAgeMs: 0 }],
    ['an instant already past', { notAfter: START.getTime() }],
  ])('does not store a response with %s', (_case, limits) => {
    const { cache } = setup();
    cache.set('articles', '/a', 0, response(), limits);
    expect(cache.get('articles', '/a')).toBeUndefined();
  });

  it('drops an entry when the clock goes back past its storing', () => {
    const { cache, clock } = setup();
    cache.set('articles', '/a', 0, response());
    clock.advance(-1);
    expect(cache.get('articles', '/a')).toBeUndefined();
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

  describe('lastInvalidated (what keeps a changed tag off the read replicas)', () => {
    it('is 0 until the tag is invalidated, then the time of its latest invalidation, here or elsewhere', () => {
      const { cache, clock } = setup();
      expect(cache.lastInvalidated('articles')).toBe(0);
      cache.invalidate('articles');
      expect(cache.lastInvalidated('articles')).toBe(START.getTime());
      expect(cache.lastInvalidated('hours')).toBe(0);
      clock.advance(1_000);
      cache.invalidateHere(['hours']);
      expect(cache.lastInvalidated('hours')).toBe(START.getTime() + 1_000);
      expect(cache.lastInvalidated('articles')).toBe(START.getTime());
    });

    it('counts forgetting everything as an invalidation of every tag, and is kept when the cache is off', () => {
      const { cache, clock } = setup(0);
      cache.invalidate('articles');
      clock.advance(500);
      cache.invalidateEverythingHere();
      expect(cache.lastInvalidated('articles')).toBe(START.getTime() + 500);
      expect(cache.lastInvalidated('testimonials')).toBe(START.getTime() + 500);
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
    // An entry's size is its payload's bytes and half again (room for its compressed forms), its URL's length
    // and 200; at most an eighth of maxBytes.
    const maxBytes = 8_000;
    const url = '/a';
    const overhead = url.length + 200;
    /** The longest payload whose entry fits in an eighth of the cache: ceil(532 × 1.5) + 202 = 1,000. */
    const fitting = Math.floor((maxBytes / 8 - overhead) / 1.5);

    it('stores an entry of exactly an eighth of the cache', () => {
      const { cache } = setup(TTL, maxBytes);
      const payload = 'x'.repeat(fitting);
      cache.set('articles', url, 0, response(payload));
      expect(cache.get('articles', url)?.payload.toString()).toBe(payload);
    });

    it('does not store an entry bigger than an eighth of the cache', () => {
      const { cache } = setup(TTL, maxBytes);
      cache.set('articles', url, 0, response('x'.repeat(fitting + 1)));
      expect(cache.get('articles', url)).toBeUndefined();
    });

    it('measures the payload in bytes, not characters', () => {
      const { cache } = setup(TTL, maxBytes);
      // 2 bytes per character in UTF-8: fits by its length, not by its size.
      cache.set('articles', url, 0, response('é'.repeat(fitting)));
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
      const payload = 'x'.repeat(fitting);
      const urls = Array.from({ length: 10 }, (_, i) => `/${i}`.padEnd(url.length, '_'));
      for (const u of urls) cache.set('articles', u, 0, response(payload));
      const kept = urls.filter((u) => cache.get('articles', u) !== undefined);
      expect(kept).toEqual(urls.slice(2));
    });
  });
});

describe('ResponseCache attached to other instances', () => {
  /** A channel that records what is published and lets the test deliver what other instances send. */
  function fakeChannel() {
    const published: (readonly string[])[] = [];
    let handlers: InvalidationHandlers | undefined;
    const channel: InvalidationChannel = {
      kind: 'fake',
      publish: (tags) => void published.push(tags),
      subscribe: (h) => {
        handlers = h;
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    return { channel, published, deliver: () => handlers! };
  }

  it('tells the other instances of its own invalidations', async () => {
    const { cache } = setup();
    const { channel, published } = fakeChannel();
    await cache.attach(channel);
    cache.invalidate('articles');
    expect(published).toEqual([['articles']]);
  });

  it('forgets the tags another instance invalidated, without telling anyone back', async () => {
    const { cache } = setup();
    const { channel, published, deliver } = fakeChannel();
    await cache.attach(channel);
    cache.set('articles', '/a', cache.generation('articles'), response());
    cache.set('hours', '/h', cache.generation('hours'), response());
    const started = cache.generation('articles');
    deliver().onTags(['articles']);
    expect(cache.get('articles', '/a')).toBeUndefined();
    expect(cache.get('hours', '/h')).toBeDefined();
    // A response computed before the message arrived is not stored.
    cache.set('articles', '/a', started, response());
    expect(cache.get('articles', '/a')).toBeUndefined();
    expect(published).toEqual([]);
  });

  it('forgets everything after a gap, and refuses what was computed before it', async () => {
    const { cache } = setup();
    const { channel, deliver } = fakeChannel();
    await cache.attach(channel);
    cache.set('articles', '/a', cache.generation('articles'), response());
    const before = { articles: cache.generation('articles'), never: cache.generation('never-seen') };
    deliver().onGap();
    expect(cache.find('/a')).toBeUndefined();
    cache.set('never-seen', '/n', before.never, response());
    expect(cache.find('/n')).toBeUndefined();
    cache.set('articles', '/a', cache.generation('articles'), response());
    expect(cache.find('/a')).toBeDefined();
  });
});

describe('ResponseCache.memo', () => {
  function counting() {
    let loads = 0;
    return {
      load: () => Promise.resolve(++loads),
      get loads() {
        return loads;
      },
    };
  }

  it('loads once for concurrent and later callers within the TTL', async () => {
    const { cache, clock } = setup();
    const source = counting();
    expect(await Promise.all([cache.memo('hours', 'a', source.load), cache.memo('hours', 'a', source.load)])).toEqual([
      1, 1,
    ]);
    clock.advance(TTL - 1);
    expect(await cache.memo('hours', 'a', source.load)).toBe(1);
    expect(await cache.memo('hours', 'b', source.load)).toBe(2);
    clock.advance(1);
    expect(await cache.memo('hours', 'a', source.load)).toBe(3);
  });

  it('loads again once the tag is invalidated, here or by another instance, or everything is', async () => {
    const { cache } = setup();
    const source = counting();
    await cache.memo('hours', 'a', source.load);
    cache.invalidate('articles');
    expect(await cache.memo('hours', 'a', source.load)).toBe(1);
    cache.invalidate('hours');
    expect(await cache.memo('hours', 'a', source.load)).toBe(2);
    cache.invalidateHere(['hours']);
    expect(await cache.memo('hours', 'a', source.load)).toBe(3);
    cache.invalidateEverythingHere();
    expect(await cache.memo('hours', 'a', source.load)).toBe(4);
  });

  it('does not keep a failed load', async () => {
    const { cache } = setup();
    await expect(cache.memo('hours', 'a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.memo('hours', 'a', () => Promise.resolve('up'))).toBe('up');
  });

  it('loads every time when the cache is off', async () => {
    const cache = new ResponseCache(0, MAX_BYTES, new ManualClock(START));
    const source = counting();
    await cache.memo('hours', 'a', source.load);
    expect(await cache.memo('hours', 'a', source.load)).toBe(2);
  });
});
