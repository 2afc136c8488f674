import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ADMIN_ARTICLES, createArticle, createStaff, publishArticle } from './factories/index.js';
import { createScratchDatabase, describeConcurrently } from './setup/test-database.js';
import { createTestApp, type TestApp } from './utils/test-app.js';

const PUBLIC = '/api/v1/articles';
/** How soon another instance must stop serving what a change made stale (issue 17: 250 ms). */
const COHERENCE_MS = 250;

/**
 * Two instances on one database, each with a response cache that would keep a stale copy for a minute: a change
 * through one is not served by the other's cache once the change's 200 is back (plus the channel's delay).
 */
describeConcurrently.each([
  ['postgres', {}],
  ...(process.env.TEST_REDIS_URL ? [['redis', { REDIS_URL: process.env.TEST_REDIS_URL }] as const] : []),
] as const)('response caches of two instances, invalidated through %s', (mode, extraEnv) => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const env = {
      DATABASE_URL: scratch.url,
      CACHE_INVALIDATION: mode,
      RESPONSE_CACHE_TTL_MS: '60000',
      ...extraEnv,
    };
    a = await createTestApp({ env });
    b = await createTestApp({ env: { ...env, DB_MIGRATE_ON_START: 'false' } });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await scratch?.drop();
  });

  /** Ends the instances' subscriptions from the server's side, as a restart of Redis or PostgreSQL would. */
  async function dropSubscriptions(): Promise<void> {
    if (mode === 'redis') {
      const redis = new Redis(process.env.TEST_REDIS_URL!);
      try {
        await redis.client('KILL', 'TYPE', 'pubsub');
      } finally {
        redis.disconnect();
      }
      return;
    }
    const db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    try {
      await db.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'wellclinic-cache-invalidation' AND datname = current_database()",
      );
    } finally {
      await db.end();
    }
  }

  /** Polls B until `seen` holds; returns how long after `since` it first did (Infinity past the deadline). */
  async function delayUntil(since: number, seen: () => Promise<boolean>): Promise<number> {
    while (performance.now() - since < COHERENCE_MS * 8) {
      if (await seen()) return performance.now() - since;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return Infinity;
  }

  let marks = 0;
  let admin: Awaited<ReturnType<typeof createStaff>>;
  /**
   * Waits until B has heard every message A has sent so far. A's messages reach B in the order A sent them (one
   * publishing connection), so once B's cached copy of a schedule shows the change A just made to it, B has heard
   * the earlier ones too. Without this, the message of a publication made just before could reach B after B cached
   * the article, and rightly evict it.
   */
  async function heardEverythingFromA(): Promise<void> {
    const url = `/api/v1/hours/coherence-${mode}`;
    const name = `Mark ${++marks}`;
    if (marks === 1) {
      admin = await createStaff(a, 'admin');
      await putHours(url, 'Mark 0');
    }
    await b.http().get(url);
    await putHours(url, name);
    const delay = await delayUntil(
      performance.now(),
      async () => ((await b.http().get(url)).body as { name?: string }).name === name,
    );
    expect(delay).toBeLessThan(Infinity);
  }

  async function putHours(url: string, name: string): Promise<void> {
    const response = await a
      .http()
      .put(url.replace('/api/v1/hours/', '/api/v1/admin/hours/'))
      .set(admin.auth)
      .send({ name, timeZone: 'UTC', periods: [{ day: 'monday', opens: '09:00', closes: '17:00' }] });
    expect([200, 201]).toContain(response.status);
  }

  it('stops serving an unpublished article from the other instance within 250 ms', async () => {
    const editor = await createStaff(a, 'editor');
    const article = await createArticle(a, editor, { title: `Coherent ${mode}` });
    const { slug } = await publishArticle(a, editor, article.id);
    const url = `${PUBLIC}/${slug}`;
    await heardEverythingFromA();

    const miss = await b.http().get(url);
    const hit = await b.http().get(url);
    expect([miss.status, miss.headers['x-cache'], hit.status, hit.headers['x-cache']]).toEqual([
      200,
      'MISS',
      200,
      'HIT',
    ]);
    const list = await b.http().get(PUBLIC);
    expect((list.body as { data: { slug: string }[] }).data.map((row) => row.slug)).toContain(slug);

    const unpublished = await a.http().post(`${ADMIN_ARTICLES}/${article.id}/unpublish`).set(editor.auth);
    expect(unpublished.status).toBe(200);
    const answeredAt = performance.now();

    const delay = await delayUntil(answeredAt, async () => (await b.http().get(url)).status === 404);
    process.stdout.write(
      `coherence through ${mode}: B stopped serving the unpublished article ${delay.toFixed(1)} ms after A's 200\n`,
    );
    expect(delay).toBeLessThanOrEqual(COHERENCE_MS);
    const after = await b.http().get(PUBLIC);
    expect((after.body as { data: { slug: string }[] }).data.map((row) => row.slug)).not.toContain(slug);
  });

  it('forgets everything when its subscription dropped and came back (messages may have been missed)', async () => {
    const editor = await createStaff(a, 'editor');
    const article = await createArticle(a, editor, { title: `Reconnected ${mode}` });
    const { slug } = await publishArticle(a, editor, article.id);
    const url = `${PUBLIC}/${slug}`;
    await heardEverythingFromA();
    await b.http().get(url);
    expect((await b.http().get(url)).headers['x-cache']).toBe('HIT');
    await dropSubscriptions();
    const since = performance.now();
    const delay = await delayUntil(since, async () => (await b.http().get(url)).headers['x-cache'] === 'MISS');
    process.stdout.write(`${mode} subscription dropped: B's cache emptied ${delay.toFixed(0)} ms later\n`);
    expect(delay).toBeLessThan(Infinity);
  });

  it('keeps its own entries when the change was to another kind of content', async () => {
    const editor = await createStaff(a, 'editor');
    const article = await createArticle(a, editor, { title: `Untouched ${mode}` });
    const { slug } = await publishArticle(a, editor, article.id);
    await heardEverythingFromA();
    await b.http().get(`${PUBLIC}/${slug}`);
    expect((await b.http().get(`${PUBLIC}/${slug}`)).headers['x-cache']).toBe('HIT');

    // A changes a schedule, and B hears it: the hours tag evicts B's schedule, not its article.
    await heardEverythingFromA();
    expect((await b.http().get(`${PUBLIC}/${slug}`)).headers['x-cache']).toBe('HIT');
  });
});
