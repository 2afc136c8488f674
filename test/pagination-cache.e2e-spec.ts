import type { Page } from '../src/common/pagination/pagination.js';
import { FIXTURE_ITEMS, FixturesModule, type FixtureItem } from './fixtures/fixtures.module.js';
import { expectProblem } from './utils/expect-problem.js';
import { useTestApp, withTestApp } from './utils/test-app.js';

const STRONG_ETAG = /^"[A-Za-z0-9_-]{32}"$/;

describe('list envelope, pagination and sorting', () => {
  const app = useTestApp({ imports: [FixturesModule] });

  it('answers the first page with the envelope and defaults', async () => {
    const res = await app().http().get('/api/v1/fixtures/items');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      data: FIXTURE_ITEMS.slice(0, 20),
      meta: { page: 1, pageSize: 20, total: 57, totalPages: 3 },
    });
  });

  it('pages through the list', async () => {
    const last = await app().http().get('/api/v1/fixtures/items?page=3&pageSize=20');
    expect(last.body).toEqual({
      data: FIXTURE_ITEMS.slice(40),
      meta: { page: 3, pageSize: 20, total: 57, totalPages: 3 },
    });

    const beyond = await app().http().get('/api/v1/fixtures/items?page=4');
    expect(beyond.status).toBe(200);
    expect(beyond.body).toEqual({ data: [], meta: { page: 4, pageSize: 20, total: 57, totalPages: 3 } });

    const big = await app().http().get('/api/v1/fixtures/items?pageSize=100');
    expect(big.body.data).toHaveLength(57);
    expect(big.body.meta).toEqual({ page: 1, pageSize: 100, total: 57, totalPages: 1 });
  });

  it.each([
    ['page=0', 'page', 'page must not be less than 1'],
    ['page=-1', 'page', 'page must not be less than 1'],
    ['page=1.5', 'page', 'page must be an integer number'],
    ['page=abc', 'page', 'page must be an integer number'],
    ['pageSize=0', 'pageSize', 'pageSize must not be less than 1'],
    ['pageSize=101', 'pageSize', 'pageSize must not be greater than 100'],
    ['pageSize=', 'pageSize', 'pageSize must be an integer number'],
    ['sort=secret', 'sort', 'sort must be a comma-separated list of id, name, each optionally prefixed with -'],
    ['sort=id,-id', 'sort', 'sort must be a comma-separated list of id, name, each optionally prefixed with -'],
    [
      'sort=name;DROP TABLE seed_runs',
      'sort',
      'sort must be a comma-separated list of id, name, each optionally prefixed with -',
    ],
    ['featured=yes', 'featured', 'featured must be a boolean value'],
  ])('400 for %s', async (query, field, message) => {
    const res = await app().http().get(`/api/v1/fixtures/items?${query}`);
    expectProblem(
      res,
      { code: 'validation_failed', detail: '1 field is invalid', instance: '/api/v1/fixtures/items' },
      { errors: [{ field, message }] },
    );
  });

  it('sorts by the allowed fields, descending with -', async () => {
    const desc = await app().http().get('/api/v1/fixtures/items?sort=-id&pageSize=3');
    expect((desc.body as Page<FixtureItem>).data.map((i) => i.id)).toEqual([57, 56, 55]);

    const byName = await app().http().get('/api/v1/fixtures/items?sort=name,-id&pageSize=100');
    const names = (byName.body as Page<FixtureItem>).data.map((i) => i.name);
    expect(names).toEqual([...names].sort());
  });

  it('filters with a boolean query parameter', async () => {
    const res = await app().http().get('/api/v1/fixtures/items?featured=true&pageSize=100');
    const featured = FIXTURE_ITEMS.filter((i) => i.featured);
    expect(res.body).toEqual({
      data: featured,
      meta: { page: 1, pageSize: 100, total: featured.length, totalPages: 1 },
    });
  });
});

describe('HTTP caching of public GETs', () => {
  const app = useTestApp({ imports: [FixturesModule] });

  it('sends a strong ETag, the public Cache-Control and Vary: accept-encoding', async () => {
    const res = await app().http().get('/api/v1/fixtures/items');
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(res.headers.etag).toMatch(STRONG_ETAG);
    // Whether or not this one was compressed, the representation depends on Accept-Encoding.
    expect(res.headers.vary).toBe('accept-encoding');
  });

  it('answers 304 with no body when If-None-Match matches', async () => {
    const first = await app().http().get('/api/v1/fixtures/items?page=2');
    const etag = first.headers.etag;

    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await app().http().get('/api/v1/fixtures/items?page=2').set('If-None-Match', header);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
      expect(again.headers.vary).toBe('accept-encoding');
    }
  });

  it('answers 200 when the representation changed', async () => {
    const page1 = await app().http().get('/api/v1/fixtures/items?page=1');
    const page2 = await app().http().get('/api/v1/fixtures/items?page=2').set('If-None-Match', page1.headers.etag);
    expect(page2.status).toBe(200);
    expect(page2.headers.etag).not.toBe(page1.headers.etag);
    expect(page2.body.meta.page).toBe(2);
  });

  it('gives the same ETag for the same representation', async () => {
    const a = await app().http().get('/api/v1/fixtures/items?sort=-id');
    const b = await app().http().get('/api/v1/fixtures/items?sort=-id');
    expect(a.headers.etag).toBe(b.headers.etag);
  });

  it('supports HEAD with the same validators', async () => {
    const get = await app().http().get('/api/v1/fixtures/items');
    const head = await app().http().head('/api/v1/fixtures/items');
    expect(head.status).toBe(200);
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it('lets a route shorten max-age', async () => {
    const res = await app().http().get('/api/v1/fixtures/items/short-lived');
    expect(res.headers['cache-control']).toBe('public, max-age=5, stale-while-revalidate=300');
  });

  it('never caches errors from a public route', async () => {
    const res = await app().http().get('/api/v1/fixtures/items?page=0');
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });
});

// A separate app: with the embedded database only one app can hold the connection at a time.
describe('HTTP caching configuration', () => {
  it('takes max-age and stale-while-revalidate from configuration', () =>
    withTestApp(
      { env: { CACHE_MAX_AGE_SECONDS: '120', CACHE_STALE_WHILE_REVALIDATE_SECONDS: '30' }, imports: [FixturesModule] },
      async (t) => {
        const res = await t.http().get('/api/v1/fixtures/items');
        expect(res.headers['cache-control']).toBe('public, max-age=120, stale-while-revalidate=30');
      },
    ));
});
