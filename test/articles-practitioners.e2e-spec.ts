import { ManualClock } from '../src/common/clock/clock.js';
import { expectInvalid, expectProblem, ISO, JSON_TYPE } from './utils/expect-problem.js';
import {
  ADMIN_PRACTITIONERS,
  ARTICLE_AUTHOR,
  articleBody,
  createArticle,
  createPractitioner,
  createStaff,
  practitionerBody,
  publishArticle,
  type StaffMember,
} from './factories/index.js';
import { unknownField } from './utils/field-errors.js';
import { useTestApp } from './utils/test-app.js';

const ADMIN = '/api/v1/admin/articles';
const PUBLIC = '/api/v1/articles';
const PEOPLE = '/api/v1/practitioners';
const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300';
const SITE = 'https://wellclinic.test';

type Json = Record<string, unknown>;
const titlesOf = (res: { body: unknown }) => (res.body as { data: Json[] }).data.map((a) => a.title as string);

/** Articles name practitioners as author and reviewer; a practitioner's page lists their articles. */
describe('articles and practitioners', () => {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const app = useTestApp({ isolatedDatabase: true, clock, env: { PUBLIC_SITE_URL: SITE } });
  const http = () => app().http();
  let editor: StaffMember;
  let frontdesk: StaffMember;
  let elena: { id: string; slug: string };
  let hidden: { id: string; slug: string };

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    frontdesk = await createStaff(app(), 'frontdesk');
    elena = await createPractitioner(app(), editor, practitionerBody({ name: 'Elena Marsh', slug: 'elena-marsh' }));
    hidden = await createPractitioner(
      app(),
      editor,
      practitionerBody({ name: 'Sam Hidden', slug: 'sam-hidden', published: false }),
    );
  });

  /** A published article by `author` (a practitioner's slug), `days` before now. */
  async function published(title: string, author: string | null, days: number, extra: Json = {}): Promise<Json> {
    const created = await createArticle(app(), editor, {
      title,
      author: { ...ARTICLE_AUTHOR, practitioner: author },
      ...extra,
    });
    return publishArticle(app(), editor, created.id, {
      publishedAt: new Date(clock.now().getTime() - days * 86_400_000).toISOString(),
    });
  }

  describe('writing the links', () => {
    it('links the author and reviewer by slug; staff see hidden ones, the public only published ones', async () => {
      const res = await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(
          articleBody({
            title: 'Linked byline',
            author: { name: 'Elena Marsh', credentials: 'LMFT', practitioner: 'elena-marsh' },
            review: { reviewedBy: 'Sam Hidden, PsyD', reviewedAt: '2026-11-02', practitioner: 'sam-hidden' },
          }),
        );
      expect(res.status).toBe(201);
      expect(res.body.author).toEqual({ name: 'Elena Marsh', credentials: 'LMFT', slug: 'elena-marsh', photo: null });
      expect(res.body.review).toEqual({ reviewedBy: 'Sam Hidden, PsyD', reviewedAt: '2026-11-02', slug: 'sam-hidden' });
      const id = res.body.id as string;
      await publishArticle(app(), editor, id);

      const shown = await http().get(`${PUBLIC}/linked-byline`);
      expect(shown.status).toBe(200);
      expect(shown.body.author).toEqual({ name: 'Elena Marsh', credentials: 'LMFT', slug: 'elena-marsh', photo: null });
      // Hidden: no link to a page that would be a 404.
      expect(shown.body.review).toEqual({ reviewedBy: 'Sam Hidden, PsyD', reviewedAt: '2026-11-02', slug: null });
      const jsonLd = JSON.parse(shown.body.jsonLd as string) as Json;
      expect(jsonLd.author).toEqual({
        '@type': 'Person',
        '@id': `${SITE}/practitioners/elena-marsh#person`,
        name: 'Elena Marsh',
        url: `${SITE}/practitioners/elena-marsh`,
        honorificSuffix: 'LMFT',
      });
      expect(jsonLd.reviewedBy).toEqual({ '@type': 'Person', name: 'Sam Hidden, PsyD' });

      const listed = await http().get(PUBLIC).query({ q: 'linked byline' });
      expect(listed.body.data[0].author).toEqual({
        name: 'Elena Marsh',
        credentials: 'LMFT',
        slug: 'elena-marsh',
        photo: null,
      });

      // The revision records the link by id; replacing the author without one removes it.
      const revisions = await http().get(`${ADMIN}/${id}/revisions`).set(editor.auth);
      expect((revisions.body as { data: { fields: Json }[] }).data.at(-1)?.fields.author).toEqual({
        name: 'Elena Marsh',
        credentials: 'LMFT',
        practitionerId: elena.id,
      });
      const unlinked = await http()
        .patch(`${ADMIN}/${id}`)
        .set(editor.auth)
        .send({ author: { name: 'Guest Writer' } });
      expect(unlinked.status).toBe(200);
      expect(unlinked.body.author).toEqual({ name: 'Guest Writer', credentials: null, slug: null, photo: null });
      // The review was not sent: it keeps its link.
      expect(unlinked.body.review.slug).toBe('sam-hidden');
      const afterUnlink = await http().get(`${PUBLIC}/linked-byline`);
      expect(JSON.parse(afterUnlink.body.jsonLd as string).author).toEqual({ '@type': 'Person', name: 'Guest Writer' });
    });

    it('keeps the link when the practitioner is renamed, and drops it when they are deleted', async () => {
      const p = await createPractitioner(app(), editor, practitionerBody({ name: 'Rita Renamed', slug: 'rita-old' }));
      const article = await createArticle(app(), editor, {
        title: 'Rita writes',
        author: { name: 'Rita Renamed', practitioner: 'rita-old' },
      });
      const renamed = await http().patch(`${ADMIN_PRACTITIONERS}/${p.id}`).set(editor.auth).send({ slug: 'rita-new' });
      expect(renamed.status).toBe(200);
      const after = await http().get(`${ADMIN}/${article.id}`).set(editor.auth);
      expect(after.body.author).toEqual({ name: 'Rita Renamed', credentials: null, slug: 'rita-new', photo: null });

      expect((await http().delete(`${ADMIN_PRACTITIONERS}/${p.id}`).set(editor.auth)).status).toBe(204);
      const gone = await http().get(`${ADMIN}/${article.id}`).set(editor.auth);
      // The byline stays: it is what the article shows.
      expect(gone.body.author).toEqual({ name: 'Rita Renamed', credentials: null, slug: null, photo: null });
    });

    it('refuses an unknown or malformed practitioner slug (400 naming the field)', async () => {
      const unknown = await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(
          articleBody({
            author: { name: 'X', practitioner: 'nobody-here' },
            review: { reviewedBy: 'Y', reviewedAt: '2026-11-02', practitioner: 'no-reviewer' },
          }),
        );
      expectInvalid(unknown, ADMIN, [
        { field: 'author.practitioner', message: 'author.practitioner must be the slug of a practitioner' },
        { field: 'review.practitioner', message: 'review.practitioner must be the slug of a practitioner' },
      ]);
      const article = await createArticle(app(), editor, { title: 'Patch target' });
      const patched = await http()
        .patch(`${ADMIN}/${article.id}`)
        .set(editor.auth)
        .send({ author: { name: 'X', practitioner: 'nobody-here' } });
      expectInvalid(patched, `${ADMIN}/${article.id}`, [
        { field: 'author.practitioner', message: 'author.practitioner must be the slug of a practitioner' },
      ]);

      for (const practitioner of ["x'); DROP TABLE articles; --", 'Elena-Marsh', 42, 'a'.repeat(121)]) {
        const res = await http()
          .post(ADMIN)
          .set(editor.auth)
          .send(articleBody({ author: { name: 'X', practitioner } }));
        expect(res.status).toBe(400);
        expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(
          expect.arrayContaining(['author.practitioner']),
        );
      }
      const extra = await http()
        .post(ADMIN)
        .set(editor.auth)
        .send(articleBody({ author: { name: 'X', practitionerId: elena.id } }));
      expectInvalid(extra, ADMIN, [unknownField('author.practitionerId')]);
    });

    it('is for staff who write articles: 401 without credentials, 403 for frontdesk', async () => {
      const body = articleBody({ author: { name: 'X', practitioner: 'elena-marsh' } });
      const anonymous = await http().post(ADMIN).send(body);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('unauthorized');
      const forbidden = await http().post(ADMIN).set(frontdesk.auth).send(body);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('forbidden');
    });
  });

  describe('GET /practitioners/{slug}/articles', () => {
    let author: { id: string; slug: string };
    const url = (slug: string) => `${PEOPLE}/${slug}/articles`;

    beforeAll(async () => {
      author = await createPractitioner(
        app(),
        editor,
        practitionerBody({ name: 'Paging Author', slug: 'paging-author' }),
      );
      for (let i = 1; i <= 5; i++) {
        await published(`By paging author ${i}`, 'paging-author', 10 - i, { tags: [i % 2 ? 'odd' : 'even'] });
      }
      // Not theirs, not live, or only reviewed by them: never listed.
      await published('By someone else', 'elena-marsh', 1);
      await createArticle(app(), editor, {
        title: 'Draft by paging author',
        author: { name: 'P', practitioner: 'paging-author' },
      });
      await published('Scheduled by paging author', 'paging-author', -3);
      await published('Reviewed by paging author', null, 2, {
        review: { reviewedBy: 'Paging Author', reviewedAt: '2026-11-01', practitioner: 'paging-author' },
      });
    });

    it('lists their live articles newest first, cacheable, with the articles’ summaries', async () => {
      const res = await http().get(url('paging-author'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.headers['cache-control']).toBe(PUBLIC_CACHE);
      expect(res.headers.etag).toMatch(/^"[\w-]{32}"$/);
      expect(titlesOf(res)).toEqual([5, 4, 3, 2, 1].map((i) => `By paging author ${i}`));
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 5, totalPages: 1, nextCursor: null });
      expect(res.body.data[0]).toEqual({
        id: expect.any(String),
        slug: 'by-paging-author-5',
        title: 'By paging author 5',
        excerpt: expect.any(String),
        coverImage: null,
        cover: null,
        tags: ['odd'],
        author: { ...ARTICLE_AUTHOR, slug: 'paging-author', photo: null },
        publishedAt: expect.stringMatching(ISO),
        republishedAt: null,
        readingTimeMinutes: 1,
      });
      const again = await http().get(url('paging-author')).set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
    });

    it('filters by tag and pages by cursor and by page', async () => {
      const odd = await http().get(url('paging-author')).query({ tag: 'odd' });
      expect(titlesOf(odd)).toEqual([5, 3, 1].map((i) => `By paging author ${i}`));
      expect(odd.body.meta.total).toBe(3);

      const titles: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await http()
          .get(url('paging-author'))
          .query({ pageSize: 2, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        titles.push(...titlesOf(res));
        cursor = res.body.meta.nextCursor as string | null;
        pages++;
      } while (cursor !== null && pages < 5);
      expect(titles).toEqual([5, 4, 3, 2, 1].map((i) => `By paging author ${i}`));
      expect(pages).toBe(3);

      const page2 = await http().get(url('paging-author')).query({ pageSize: 2, page: 2 });
      expect(titlesOf(page2)).toEqual(['By paging author 3', 'By paging author 2']);
      expect(page2.body.meta).toEqual({
        page: 2,
        pageSize: 2,
        total: 5,
        totalPages: 3,
        nextCursor: expect.any(String),
      });

      // A cursor of another list (the blog's) is not one of theirs.
      const blog = await http().get(PUBLIC).query({ pageSize: 1 });
      expectInvalid(
        await http().get(url('paging-author')).query({ cursor: blog.body.meta.nextCursor }),
        url('paging-author'),
        [{ field: 'cursor', message: 'cursor is not a cursor of this list' }],
      );
    });

    it('is kept in the server’s cache, which article and practitioner writes clear', async () => {
      const cacheAuthor = await createPractitioner(
        app(),
        editor,
        practitionerBody({ name: 'Cached Author', slug: 'cached-author' }),
      );
      await published('By cached author 1', 'cached-author', 3);
      const first = await http().get(url('cached-author'));
      expect(first.headers['x-cache']).toBe('MISS');
      const hit = await http().get(url('cached-author'));
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(titlesOf(hit)).toEqual(['By cached author 1']);

      // An article write: the new article is listed at once.
      await published('By cached author 2', 'cached-author', 1);
      const afterArticle = await http().get(url('cached-author'));
      expect(afterArticle.headers['x-cache']).toBe('MISS');
      expect(titlesOf(afterArticle)).toEqual(['By cached author 2', 'By cached author 1']);

      // A practitioner write: hidden at once, then the name change shows in the summaries.
      expect((await http().get(url('cached-author'))).headers['x-cache']).toBe('HIT');
      await http()
        .patch(`${ADMIN_PRACTITIONERS}/${cacheAuthor.id}`)
        .set(editor.auth)
        .send({ published: false })
        .expect(200);
      expect((await http().get(url('cached-author'))).status).toBe(404);
      await http()
        .patch(`${ADMIN_PRACTITIONERS}/${cacheAuthor.id}`)
        .set(editor.auth)
        .send({ published: true })
        .expect(200);
      const back = await http().get(url('cached-author'));
      expect(back.status).toBe(200);
      expect(back.headers['x-cache']).toBe('MISS');
    });

    it('answers 404 for an unknown or hidden practitioner and 301 for an old slug', async () => {
      for (const slug of ['nobody', hidden.slug]) {
        expectProblem(await http().get(url(slug)), {
          code: 'not_found',
          detail: 'No published practitioner has this slug.',
          instance: url(slug),
        });
      }
      const p = await createPractitioner(
        app(),
        editor,
        practitionerBody({ name: 'Moving Author', slug: 'moving-old' }),
      );
      await http().patch(`${ADMIN_PRACTITIONERS}/${p.id}`).set(editor.auth).send({ slug: 'moving-new' });
      const moved = await http().get(url('moving-old')).query({ tag: 'odd' });
      expect(moved.status).toBe(301);
      expect(moved.headers.location).toBe(`${url('moving-new')}?tag=odd`);
      const empty = await http().get(url('moving-new'));
      expect(empty.body).toEqual({
        data: [],
        meta: { page: 1, pageSize: 20, total: 0, totalPages: 0, nextCursor: null },
      });
      expect(author.slug).toBe('paging-author');
    });

    it('refuses bad input (400) and ignores credentials (the same public answer)', async () => {
      const cases: [Json, { field: string; message: string }[]][] = [
        [{ pageSize: 0 }, [{ field: 'pageSize', message: 'pageSize must not be less than 1' }]],
        [{ sort: 'title' }, [unknownField('sort')]],
        [{ q: 'x' }, [unknownField('q')]],
        [{ cursor: 'not-a-cursor' }, [{ field: 'cursor', message: 'cursor is not a cursor of this list' }]],
      ];
      for (const [query, errors] of cases) {
        expectInvalid(await http().get(url('paging-author')).query(query), url('paging-author'), errors);
      }
      const badSlug = await http().get(url("x'); DROP TABLE articles; --"));
      expect(badSlug.status).toBe(400);
      const withStaff = await http().get(url('paging-author')).set(editor.auth);
      expect(withStaff.status).toBe(200);
      expect(withStaff.body.data).toHaveLength(5);
    });
  });
});
