import { ApiKeyVerificationCache, VERIFICATION_TTL_MS } from './api-key-verification-cache.js';
import type { ApiKey } from './api-key.entity.js';

const key = (id: string) => ({ id, scopes: ['site'] }) as ApiKey;

/** A load the test settles by hand, counting its calls. */
function manualLoad() {
  const calls: { hash: string; resolve: (key: ApiKey | null) => void; reject: (error: Error) => void }[] = [];
  const load = (hash: string) =>
    new Promise<ApiKey | null>((resolve, reject) => {
      calls.push({ hash, resolve, reject });
    });
  return { load, calls };
}

describe('ApiKeyVerificationCache', () => {
  let now: number;
  let cache: ApiKeyVerificationCache;
  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
    cache = new ApiKeyVerificationCache(() => now);
  });

  it('answers from memory for 10 s by its clock, then asks again', async () => {
    let loads = 0;
    const load = () => Promise.resolve((loads++, key('k1')));
    expect(await cache.lookup('h1', load)).toEqual(key('k1'));
    now += VERIFICATION_TTL_MS;
    expect(cache.has('h1')).toBe(true);
    expect(await cache.lookup('h1', load)).toEqual(key('k1'));
    expect(loads).toBe(1);

    now += 1;
    expect(cache.has('h1')).toBe(false);
    expect(await cache.lookup('h1', load)).toEqual(key('k1'));
    expect(loads).toBe(2);
  });

  it('remembers that a hash has no key too', async () => {
    let loads = 0;
    const load = () => Promise.resolve((loads++, null));
    expect(await cache.lookup('unknown', load)).toBeNull();
    expect(await cache.lookup('unknown', load)).toBeNull();
    expect(loads).toBe(1);
  });

  it('shares one load between concurrent lookups of a hash, not between hashes', async () => {
    const { load, calls } = manualLoad();
    const lookups = [cache.lookup('h1', load), cache.lookup('h1', load), cache.lookup('h2', load)];
    expect(calls.map((call) => call.hash)).toEqual(['h1', 'h2']);
    calls[0].resolve(key('k1'));
    calls[1].resolve(null);
    expect(await Promise.all(lookups)).toEqual([key('k1'), key('k1'), null]);
  });

  it('forgets a revoked key at once, and does not store what a lookup in flight then answers', async () => {
    await cache.lookup('h1', () => Promise.resolve(key('k1')));
    const { load, calls } = manualLoad();
    const inFlight = cache.lookup('h2', load);

    cache.forget('h1');
    expect(cache.has('h1')).toBe(false);
    // The lookup in flight may have read its row before the revocation committed: answered, not remembered.
    calls[0].resolve(key('k2'));
    expect(await inFlight).toEqual(key('k2'));
    expect(cache.has('h2')).toBe(false);
    // A lookup after the revocation queries again.
    const after = cache.lookup('h1', load);
    calls[1].resolve(null);
    expect(await after).toBeNull();
    expect(calls).toHaveLength(2);
  });

  it('does not join a lookup that started before its hash was forgotten', async () => {
    const { load, calls } = manualLoad();
    const before = cache.lookup('h1', load);
    cache.forget('h1');
    const after = cache.lookup('h1', load);
    expect(calls).toHaveLength(2);
    calls[0].resolve(key('k1'));
    calls[1].resolve(null);
    expect([await before, await after]).toEqual([key('k1'), null]);
    // The later lookup's answer is the one remembered.
    expect(await cache.lookup('h1', load)).toBeNull();
    expect(calls).toHaveLength(2);
  });

  it('does not remember a failed load, and lets the next lookup try again', async () => {
    const { load, calls } = manualLoad();
    const failed = cache.lookup('h1', load);
    calls[0].reject(new Error('database unavailable'));
    await expect(failed).rejects.toThrow('database unavailable');
    const retried = cache.lookup('h1', load);
    calls[1].resolve(key('k1'));
    expect(await retried).toEqual(key('k1'));
  });

  it('keeps at most `max` hashes, dropping the least recently used', async () => {
    const small = new ApiKeyVerificationCache(() => now, { max: 2 });
    const load = (hash: string) => Promise.resolve(key(hash));
    await small.lookup('a', load);
    await small.lookup('b', load);
    await small.lookup('a', load);
    await small.lookup('c', load);
    expect([small.has('a'), small.has('b'), small.has('c'), small.size]).toEqual([true, false, true, 2]);
  });

  it('never lets hashes without a key push out one with a key (made-up keys sent in bulk)', async () => {
    const small = new ApiKeyVerificationCache(() => now, { max: 2 });
    let loads = 0;
    const load = (hash: string) => {
      loads += 1;
      return Promise.resolve(hash === 'real' ? key('real') : null);
    };
    await small.lookup('real', load);
    for (let i = 0; i < 100; i++) await small.lookup(`made-up-${i}`, load);
    const before = loads;
    expect(await small.lookup('real', load)).toEqual(key('real'));
    expect(loads).toBe(before);
    // The made-up ones are remembered too, within their own bound.
    expect([small.has('made-up-99'), small.has('made-up-0'), small.size]).toEqual([true, false, 3]);
  });
});
