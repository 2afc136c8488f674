import { ManualClock } from '../src/common/clock/clock.js';
import { withTestApp } from './utils/test-app.js';

type Json = Record<string, unknown>;

describe('demo seed: articles by the demo practitioners', () => {
  it('links every demo article to its author by name, and the reviewed one to its reviewer', async () => {
    const clock = new ManualClock(new Date('2031-05-07T16:00:00Z'));
    await withTestApp({ isolatedDatabase: 'empty', clock, env: { DB_SEED_ON_START: 'true' } }, async (app) => {
      const get = async (path: string) => {
        const res = await app.http().get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        return res.body as { data: Json[] } & Json;
      };
      const articles = await get('/api/v1/articles');
      const authors = articles.data.map((a) => a.author as { name: string; slug: string | null });
      expect(authors.length).toBeGreaterThan(0);
      for (const author of authors) {
        expect(author.slug).toBe(author.name.toLowerCase().replace(' ', '-'));
      }
      const elena = await get('/api/v1/practitioners/elena-marsh/articles');
      expect(elena.data.length).toBeGreaterThan(0);
      expect(elena.data.every((a) => (a.author as Json).slug === 'elena-marsh')).toBe(true);

      const details = await Promise.all(articles.data.map((a) => get(`/api/v1/articles/${a.slug as string}`)));
      const reviews = details.flatMap((d) => (d.review ? [d.review as Json] : []));
      expect(reviews).toEqual([
        expect.objectContaining({ reviewedBy: 'Dr. Samuel Okafor, PsyD', slug: 'samuel-okafor' }),
      ]);
    });
  });
});
