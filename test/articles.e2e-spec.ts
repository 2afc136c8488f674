import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ManualClock } from '../src/common/clock/clock.js';
import {
  expectInvalid,
  expectJson,
  expectNoContent,
  expectProblem,
  ISO,
  JSON_TYPE,
  UUID,
} from './utils/expect-problem.js';
import {
  ARTICLE_AUTHOR,
  ARTICLE_BODY,
  articleBody,
  createArticle,
  createStaff,
  publishArticle,
  type StaffMember,
} from './factories/index.js';
import { NO_BODY } from './utils/field-errors.js';
import { logs, type TestApp, useTestApp } from './utils/test-app.js';

const ADMIN = '/api/v1/admin/articles';
const PUBLIC = '/api/v1/articles';
const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300';
const SITE = 'https://wellclinic.test';
/** The security headers every API response carries (src/common/http/security-headers.ts), cache hits included. */
const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-resource-policy',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
];

type Listed = { body: unknown };
const field = (key: 'slug' | 'title') => (res: Listed) =>
  (res.body as { data: Record<string, string>[] }).data.map((a) => a[key]);
const slugsOf = field('slug');
const titlesOf = field('title');

describe('articles', () => {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const app = useTestApp({
    isolatedDatabase: true,
    clock,
    env: { PUBLIC_SITE_URL: `${SITE}/`, CORS_ORIGINS: SITE },
  });
  let editor: StaffMember;
  let frontdesk: StaffMember;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    frontdesk = await createStaff(app(), 'frontdesk');
  });

  const http = () => app().http();
  const create = (body: unknown, who = editor) =>
    http()
      .post(ADMIN)
      .set(who.auth)
      .send(body as object);
  const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    http()
      .patch(`${ADMIN}/${id}`)
      .set(editor.auth)
      .set(headers)
      .send(body as object);
  const action = (id: string, name: string, body?: object, headers: Record<string, string> = {}) => {
    const req = http().post(`${ADMIN}/${id}/${name}`).set(editor.auth).set(headers);
    return body ? req.send(body) : req;
  };
  /** Creates and publishes an article `minutesAgo` before the clock's now. */
  const published = async (overrides: Record<string, unknown> = {}, minutesAgo = 60) => {
    const { id } = await createArticle(app(), editor, overrides);
    const publishedAt = new Date(clock.now().getTime() - minutesAgo * 60_000).toISOString();
    return publishArticle(app(), editor, id, { publishedAt });
  };
  const auditActions = async (id: string) =>
    (
      await app()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { entityId: id }, order: { occurredAt: 'ASC' } })
    ).map((e) => e.action);

  describe('access', () => {
    it('refuses staff without the editor or admin role (403) and anonymous callers (401)', async () => {
      const forbidden = await create(articleBody(), frontdesk);
      expectProblem(
        forbidden,
        { code: 'forbidden', detail: 'This requires one of the roles: admin, editor.', instance: ADMIN },
        {},
      );
      const anonymous = await http().get(ADMIN);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('unauthorized');
    });
  });

  describe('writing', () => {
    it('creates a draft with derived slug, HTML, contents, counts, excerpt and SEO defaults', async () => {
      const res = await create(articleBody({ title: 'Quiet Mornings: A Practice' }));
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.location).toBe(`${ADMIN}/${res.body.id}`);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        slug: 'quiet-mornings-a-practice',
        title: 'Quiet Mornings: A Practice',
        excerpt: 'Most of us speak to ourselves more harshly than we would ever speak to a friend.',
        coverImage: null,
        cover: null,
        tags: ['self-compassion', 'stress'],
        author: { ...ARTICLE_AUTHOR, slug: null, photo: null },
        publishedAt: null,
        republishedAt: null,
        readingTimeMinutes: 1,
        body: ARTICLE_BODY,
        bodyHtml: [
          '<p>Most of us speak to ourselves more harshly than we would ever speak to a friend.</p>',
          '<h2 id="understanding-the-inner-critic">Understanding the inner critic</h2>',
          '<p>The inner critic tries to protect us, but it rarely helps.</p>',
          '<h3 id="where-it-comes-from">Where it comes from</h3>',
          '<p>Often from early lessons about worth and effort.</p>',
          '<h2 id="practical-steps">Practical steps</h2>',
          '<ul>',
          '<li>Notice the voice</li>',
          '<li>Name it kindly</li>',
          '</ul>',
          '',
        ].join('\n'),
        toc: [
          { id: 'understanding-the-inner-critic', text: 'Understanding the inner critic', level: 2 },
          { id: 'where-it-comes-from', text: 'Where it comes from', level: 3 },
          { id: 'practical-steps', text: 'Practical steps', level: 2 },
        ],
        wordCount: 51,
        seo: {
          title: 'Quiet Mornings: A Practice',
          description: 'Most of us speak to ourselves more harshly than we would ever speak to a friend.',
        },
        review: null,
        updatedAt: expect.stringMatching(ISO),
        jsonLd: expect.any(String),
        status: 'draft',
        scheduled: false,
        version: 1,
        customExcerpt: false,
        previousSlugs: [],
        createdAt: expect.stringMatching(ISO),
        createdBy: editor.user.id,
        updatedBy: editor.user.id,
      });
      expect(JSON.parse(res.body.jsonLd)).toEqual(
        expect.objectContaining({ '@type': 'BlogPosting', url: `${SITE}/articles/quiet-mornings-a-practice` }),
      );
      expect(await auditActions(res.body.id)).toEqual(['article.created']);
    });

    it('numbers generated slugs that are taken, and refuses a taken explicit slug (409 naming slug)', async () => {
      const first = await create(articleBody({ title: 'Twin Titles' }));
      const second = await create(articleBody({ title: 'Twin Titles' }));
      expect([first.body.slug, second.body.slug]).toEqual(['twin-titles', 'twin-titles-2']);

      const clash = await create(articleBody({ title: 'Other', slug: 'twin-titles' }));
      expectProblem(
        clash,
        { code: 'conflict', detail: 'Another article already uses this slug.', instance: ADMIN },
        { errors: [{ field: 'slug', message: 'slug is already used by another article' }] },
      );
      const renameClash = await patch(second.body.id, { slug: 'twin-titles' });
      expect(renameClash.status).toBe(409);
      expect(renameClash.body.errors).toEqual([{ field: 'slug', message: 'slug is already used by another article' }]);
    });

    it('answers one 201 and one 409 when two editors claim the same slug at once', async () => {
      const results = await Promise.all([
        create(articleBody({ title: 'Race one', slug: 'the-race' })),
        create(articleBody({ title: 'Race two', slug: 'the-race' })),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it.each([
      ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'],
      ['<img src=x onerror="alert(1)">', '<p>&lt;img src=x onerror=“alert(1)”&gt;</p>\n'],
      ['[click](javascript:alert(1))', '<p>[click](javascript:alert(1))</p>\n'],
      ['[click](JaVaScRiPt:alert(1))', '<p>[click](JaVaScRiPt:alert(1))</p>\n'],
      ['[click](java\tscript:alert(1))', '<p>[click](java\tscript:alert(1))</p>\n'],
      ['[x](vbscript:msgbox)', '<p>[x](vbscript:msgbox)</p>\n'],
      ['![x](data:text/html;base64,PHNjcmlwdD4=)', '<p>![x](data:text/html;base64,PHNjcmlwdD4=)</p>\n'],
      ['<a href="javascript:alert(1)">x</a>', '<p>&lt;a href=“javascript:alert(1)”&gt;x&lt;/a&gt;</p>\n'],
      ['[proto](//evil.example/x)', '<p>[proto](//evil.example/x)</p>\n'],
      [
        '[ok](https://example.org) [mail](mailto:hi@example.org) [tel](tel:+15551234567) [rel](/articles/x)',
        '<p><a href="https://example.org" rel="noopener noreferrer nofollow">ok</a> <a href="mailto:hi@example.org">mail</a> <a href="tel:+15551234567">tel</a> <a href="/articles/x">rel</a></p>\n',
      ],
      [
        '## <b onmouseover=alert(1)>Hi</b>',
        '<h2 id="b-onmouseover-alert-1-hi-b">&lt;b onmouseover=alert(1)&gt;Hi&lt;/b&gt;</h2>\n',
      ],
    ])('neutralizes %j in the rendered HTML', async (body, html) => {
      const res = await create(articleBody({ title: 'XSS probe', body }));
      expect(res.status).toBe(201);
      expect(res.body.bodyHtml).toBe(html);
      expect(res.body.body).toBe(body);
    });

    it('keeps a written excerpt and SEO fields, and derives them again when cleared with null', async () => {
      const res = await create(
        articleBody({
          title: 'Custom fields',
          excerpt: 'A short note.',
          seo: { title: 'SEO title', description: 'SEO description' },
          coverImage: { url: 'https://images.example.org/a.jpg', alt: 'A lake' },
          review: { reviewedBy: 'Dr. Samuel Okafor, PsyD', reviewedAt: '2026-11-02' },
        }),
      );
      expect(res.body).toMatchObject({
        excerpt: 'A short note.',
        customExcerpt: true,
        seo: { title: 'SEO title', description: 'SEO description' },
        coverImage: { url: 'https://images.example.org/a.jpg', alt: 'A lake' },
        review: { reviewedBy: 'Dr. Samuel Okafor, PsyD', reviewedAt: '2026-11-02' },
      });
      const cleared = await patch(res.body.id, { excerpt: null, seo: null, coverImage: null, review: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({
        excerpt: 'Most of us speak to ourselves more harshly than we would ever speak to a friend.',
        customExcerpt: false,
        seo: { title: 'Custom fields', description: cleared.body.excerpt },
        coverImage: null,
        review: null,
        version: 2,
      });
    });

    const TOO_LONG_BODY = 'a'.repeat(200_001);
    it.each([
      ['no title', { author: ARTICLE_AUTHOR }, [{ field: 'title', message: 'title must be a string' }]],
      ['a numeric title', articleBody({ title: 42 }), [{ field: 'title', message: 'title must be a string' }]],
      [
        'a 201-character title',
        articleBody({ title: 't'.repeat(201) }),
        [{ field: 'title', message: 'title must be shorter than or equal to 200 characters' }],
      ],
      [
        'a body over 200,000 characters',
        articleBody({ body: TOO_LONG_BODY }),
        [{ field: 'body', message: 'body must be shorter than or equal to 200000 characters' }],
      ],
      ['a numeric body', articleBody({ body: 5 }), [{ field: 'body', message: 'body must be a string' }]],
      [
        'a NUL character in the body',
        articleBody({ body: 'a\u0000b' }),
        [{ field: 'body', message: 'body must not contain control characters' }],
      ],
      [
        'eleven tags',
        articleBody({ tags: Array.from({ length: 11 }, (_, i) => `tag-${i}`) }),
        [{ field: 'tags', message: 'tags must contain no more than 10 elements' }],
      ],
      [
        'an uppercase tag',
        articleBody({ tags: ['Anxiety'] }),
        [{ field: 'tags', message: 'tags must be lowercase kebab-case tags' }],
      ],
      [
        'a repeated tag',
        articleBody({ tags: ['a', 'a'] }),
        [{ field: 'tags', message: 'tags must not list a tag twice' }],
      ],
      [
        'an uppercase slug',
        articleBody({ slug: 'Hello-World' }),
        [{ field: 'slug', message: 'slug must be lowercase words joined by single hyphens' }],
      ],
      [
        'an http cover image',
        articleBody({ coverImage: { url: 'http://images.example.org/a.jpg', alt: 'x' } }),
        [{ field: 'coverImage.url', message: 'url must be an https URL' }],
      ],
      [
        'a cover image without alt',
        articleBody({ coverImage: { url: 'https://images.example.org/a.jpg' } }),
        [{ field: 'coverImage.alt', message: 'alt must be a string' }],
      ],
      ['no author', articleBody({ author: undefined }), [{ field: 'author', message: 'author must be an object' }]],
      ['a null author', articleBody({ author: null }), [{ field: 'author', message: 'author must be an object' }]],
      [
        'an impossible review date',
        articleBody({ review: { reviewedBy: 'Dr. A', reviewedAt: '2026-02-30' } }),
        [{ field: 'review.reviewedAt', message: 'reviewedAt must be a date as YYYY-MM-DD' }],
      ],
      [
        'a 71-character SEO title',
        articleBody({ seo: { title: 's'.repeat(71) } }),
        [{ field: 'seo.title', message: 'title must be shorter than or equal to 70 characters' }],
      ],
      [
        'an unknown field',
        articleBody({ views: 10 }),
        [{ field: 'views', message: 'property views should not exist' }],
      ],
      [
        'an unknown nested field',
        articleBody({ author: { ...ARTICLE_AUTHOR, email: 'x@example.org' } }),
        [{ field: 'author.email', message: 'property email should not exist' }],
      ],
    ])('refuses %s (400)', async (_case, body, errors) => {
      expectInvalid(await create(body), ADMIN, errors);
    });
  });

  describe('publishing and visibility', () => {
    it('refuses to publish an empty body (400), publishes, unpublishes and archives with the right 409s', async () => {
      const empty = await create(articleBody({ title: 'Empty for now', body: '' }));
      const refused = await action(empty.body.id, 'publish');
      expectInvalid(refused, `${ADMIN}/${empty.body.id}/publish`, [
        { field: 'body', message: 'body must not be empty in a published article' },
      ]);

      const draft = await create(articleBody({ title: 'Lifecycle' }));
      const id = draft.body.id as string;
      const pub = await action(id, 'publish');
      expect(pub.status).toBe(200);
      expect(pub.body).toMatchObject({ status: 'published', publishedAt: clock.now().toISOString(), version: 2 });
      expect(pub.headers.etag).toBe('"v2"');

      const again = await action(id, 'publish');
      expectProblem(
        again,
        {
          code: 'invalid_transition',
          detail: 'A published article cannot be published.',
          instance: `${ADMIN}/${id}/publish`,
        },
        { currentStatus: 'published', allowedFrom: ['draft', 'archived'] },
      );
      const emptied = await patch(id, { body: '   ' });
      expect(emptied.status).toBe(400);

      expect((await action(id, 'unpublish')).body).toMatchObject({ status: 'draft', publishedAt: null, version: 3 });
      expect((await action(id, 'unpublish')).status).toBe(409);
      expect((await action(id, 'archive')).body).toMatchObject({ status: 'archived', version: 4 });
      expect((await action(id, 'archive')).status).toBe(409);
      expect((await action(id, 'publish')).body).toMatchObject({ status: 'published', version: 5 });
      expect(await auditActions(id)).toEqual([
        'article.created',
        'article.published',
        'article.unpublished',
        'article.archived',
        'article.published',
      ]);
    });

    it('keeps the first publishedAt when an archived article is published again, and says when (republishedAt)', async () => {
      const first = await published({ title: 'Back by request', tags: ['republishing'] }, 90);
      const firstAt = first.publishedAt as string;
      expect(first.republishedAt).toBeNull();
      const id = first.id;
      const readers = async () => {
        const detail = await http().get(`${PUBLIC}/back-by-request`);
        const list = await http().get(PUBLIC).query({ tag: 'republishing' });
        const feed = await http().get(`${PUBLIC}/feed.xml`);
        return { detail, list, feed };
      };
      // Cached by the public reads: republishing must not be answered from before it.
      expect((await readers()).detail.body.republishedAt).toBeNull();

      expect((await action(id, 'archive')).body).toMatchObject({ status: 'archived', publishedAt: firstAt });
      expect((await readers()).detail.status).toBe(404);
      clock.advance(3600_000);
      try {
        const againAt = clock.now().toISOString();
        const again = await action(id, 'publish');
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({
          status: 'published',
          scheduled: false,
          publishedAt: firstAt,
          republishedAt: againAt,
        });
        const { detail, list, feed } = await readers();
        expect(detail.status).toBe(200);
        expect(detail.body).toMatchObject({ publishedAt: firstAt, republishedAt: againAt });
        expect(JSON.parse(detail.body.jsonLd)).toMatchObject({
          datePublished: firstAt,
          dateModified: detail.body.updatedAt,
        });
        expect(list.body.data).toEqual([
          expect.objectContaining({ slug: 'back-by-request', publishedAt: firstAt, republishedAt: againAt }),
        ]);
        const item = feed.text.split('<item>').find((i) => i.includes(`urn:uuid:${id}`));
        expect(item).toContain(`<pubDate>${new Date(firstAt).toUTCString()}</pubDate>`);
        expect((await http().get(`${ADMIN}/${id}`).set(editor.auth)).body).toMatchObject({
          publishedAt: firstAt,
          republishedAt: againAt,
        });
        const [event] = await app()
          .app.get(DataSource)
          .getRepository(AuditEvent)
          .find({ where: { entityId: id, action: 'article.published' }, order: { occurredAt: 'DESC' }, take: 1 });
        expect(event.metadata).toMatchObject({ publishedAt: firstAt, republishedAt: againAt });

        // Unpublishing clears both; a publication with a date of the editor's is a first one again.
        expect((await action(id, 'unpublish')).body).toMatchObject({ publishedAt: null, republishedAt: null });
        await action(id, 'publish');
        expect((await action(id, 'archive')).status).toBe(200);
        const dated = new Date(clock.now().getTime() - 60_000).toISOString();
        expect((await action(id, 'publish', { publishedAt: dated })).body).toMatchObject({
          publishedAt: dated,
          republishedAt: null,
        });
      } finally {
        clock.advance(-3600_000);
      }
    });

    it('refuses a body on unpublish, and bad publish input', async () => {
      const draft = await create(articleBody({ title: 'Inputs' }));
      const id = draft.body.id as string;
      expectInvalid(await action(id, 'publish', { publishedAt: 'tomorrow' }), `${ADMIN}/${id}/publish`, [
        {
          field: 'publishedAt',
          message: 'publishedAt must be an ISO 8601 date-time with a time zone, e.g. 2026-12-24T17:00:00Z',
        },
      ]);
      expectInvalid(await action(id, 'publish', { when: 'now' }), `${ADMIN}/${id}/publish`, [
        { field: 'when', message: 'property when should not exist' },
      ]);
    });

    it('hides a scheduled article until its time comes (injected clock), then lists it', async () => {
      const draft = await create(articleBody({ title: 'Scheduled for later', tags: ['scheduling'] }));
      const at = new Date(clock.now().getTime() + 2 * 3600_000).toISOString();
      const scheduled = await action(draft.body.id, 'publish', { publishedAt: at });
      expect(scheduled.body).toMatchObject({ status: 'published', scheduled: true, publishedAt: at });

      const before = await http().get(`${PUBLIC}/scheduled-for-later`);
      expect(before.status).toBe(404);
      expect((await http().get(PUBLIC).query({ tag: 'scheduling' })).body.data).toEqual([]);

      clock.advance(2 * 3600_000);
      try {
        const after = await http().get(`${PUBLIC}/scheduled-for-later`);
        expect(after.status).toBe(200);
        expect(after.body.publishedAt).toBe(at);
        const list = await http().get(PUBLIC).query({ tag: 'scheduling' });
        expect(slugsOf(list)).toEqual(['scheduled-for-later']);
      } finally {
        clock.advance(-2 * 3600_000);
      }
    });

    it('never shows drafts or archived articles publicly, whatever credentials are sent', async () => {
      const draft = await create(articleBody({ title: 'Secret draft' }));
      const res = await http().get(`${PUBLIC}/${draft.body.slug}`).set(editor.auth);
      expectProblem(res, {
        code: 'not_found',
        detail: 'No published article has this slug.',
        instance: `${PUBLIC}/secret-draft`,
      });
    });
  });

  describe('bad input on the other routes', () => {
    let id: string;
    beforeAll(async () => {
      id = (await create(articleBody({ title: 'Input target' }))).body.id as string;
    });

    const cases: [
      string,
      () => ReturnType<ReturnType<typeof http>['get']>,
      string,
      { field: string; message: string }[],
    ][] = [
      [
        'PATCH with a null title',
        () => http().patch(`${ADMIN}/${id}`).set(editor.auth).send({ title: null }),
        `${ADMIN}/:id`,
        [{ field: 'title', message: 'title must be a string' }],
      ],
      [
        'PATCH with an unknown field',
        () => http().patch(`${ADMIN}/${id}`).set(editor.auth).send({ status: 'published' }),
        `${ADMIN}/:id`,
        [{ field: 'status', message: 'property status should not exist' }],
      ],
      [
        'unpublish with a body',
        () => http().post(`${ADMIN}/${id}/unpublish`).set(editor.auth).send({ reason: 'x' }),
        `${ADMIN}/:id/unpublish`,
        NO_BODY,
      ],
      [
        'archive with a body',
        () => http().post(`${ADMIN}/${id}/archive`).set(editor.auth).send({ reason: 'x' }),
        `${ADMIN}/:id/archive`,
        NO_BODY,
      ],
      [
        'revisions with pageSize 0',
        () => http().get(`${ADMIN}/${id}/revisions`).set(editor.auth).query({ pageSize: 0 }),
        `${ADMIN}/:id/revisions`,
        [{ field: 'pageSize', message: 'pageSize must not be less than 1' }],
      ],
      [
        'the admin list with q over 200 characters',
        () =>
          http()
            .get(ADMIN)
            .set(editor.auth)
            .query({ q: 'q'.repeat(201) }),
        ADMIN,
        [{ field: 'q', message: 'q must be shorter than or equal to 200 characters' }],
      ],
      [
        'tags with page abc',
        () => http().get('/api/v1/tags').query({ page: 'abc' }),
        '/api/v1/tags',
        [{ field: 'page', message: 'page must be an integer number' }],
      ],
      [
        'the feed with a query parameter',
        () => http().get(`${PUBLIC}/feed.xml`).query({ limit: 5 }),
        `${PUBLIC}/feed.xml`,
        [{ field: 'limit', message: 'property limit should not exist' }],
      ],
      [
        'an article with a query parameter',
        () => http().get(`${PUBLIC}/input-target`).query({ draft: 'true' }),
        `${PUBLIC}/input-target`,
        [{ field: 'draft', message: 'property draft should not exist' }],
      ],
      [
        'related with limit 0',
        () => http().get(`${PUBLIC}/input-target/related`).query({ limit: 0 }),
        `${PUBLIC}/input-target/related`,
        [{ field: 'limit', message: 'limit must not be less than 1' }],
      ],
    ];
    it.each(cases)('refuses %s (400)', async (_case, send, instance, errors) => {
      expectInvalid(await send(), instance.replace(':id', id), errors);
    });
  });

  describe('optimistic concurrency (If-Match)', () => {
    it('applies a write whose If-Match is current, and refuses a stale or weak one with 412', async () => {
      const created = await create(articleBody({ title: 'Contested' }));
      const id = created.body.id as string;
      const ok = await patch(id, { title: 'Contested, edited' }, { 'If-Match': '"v1"' });
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"v2"');

      const stale = await patch(id, { title: 'Lost update' }, { 'If-Match': '"v1"' });
      expectProblem(stale, {
        code: 'precondition_failed',
        detail: 'The article has changed since you read it: reload it and retry.',
        instance: `${ADMIN}/${id}`,
      });
      expect(stale.headers.etag).toBe('"v2"');
      expect((await patch(id, { title: 'Weak' }, { 'If-Match': 'W/"v2"' })).status).toBe(412);
      expect((await patch(id, { title: 'Any' }, { 'If-Match': '*' })).status).toBe(200);
      expect((await action(id, 'publish', undefined, { 'If-Match': '"v1"' })).status).toBe(412);
      expect((await http().delete(`${ADMIN}/${id}`).set(editor.auth).set('If-Match', '"v1"')).status).toBe(412);

      const current = await http().get(`${ADMIN}/${id}`).set(editor.auth);
      expect(current.headers.etag).toBe('"v3"');
      expect(current.body.title).toBe('Any');
    });

    it('does not bump the version for a PATCH that changes nothing', async () => {
      const created = await create(articleBody({ title: 'Unchanged' }));
      const res = await patch(created.body.id, { title: 'Unchanged', tags: ['self-compassion', 'stress'] });
      expect(res.body.version).toBe(1);
    });
  });

  describe('renamed slugs', () => {
    it('answers 301 for an old slug, lists it, and lets another article claim it later', async () => {
      const { id } = await published({ title: 'Original name' });
      const renamed = await patch(id, { slug: 'new-name' });
      expect(renamed.body).toMatchObject({ slug: 'new-name', previousSlugs: ['original-name'] });

      const old = await http().get(`${PUBLIC}/original-name`);
      expect(old.status).toBe(301);
      expect(old.headers.location).toBe(`${PUBLIC}/new-name`);
      expect((await http().get(`${PUBLIC}/new-name`)).status).toBe(200);
      // Its related articles move with it, keeping the limit; a slug that never existed stays 404.
      const oldRelated = await http().get(`${PUBLIC}/original-name/related`).query({ limit: 4 });
      expect(oldRelated.status).toBe(301);
      expect(oldRelated.headers.location).toBe(`${PUBLIC}/new-name/related?limit=4`);
      expect((await http().get(`${PUBLIC}/new-name/related`)).status).toBe(200);
      expectProblem(await http().get(`${PUBLIC}/never-named-so/related`), {
        code: 'not_found',
        detail: 'No published article has this slug.',
        instance: `${PUBLIC}/never-named-so/related`,
      });

      // Renaming back removes the redirect it would otherwise loop through.
      const back = await patch(id, { slug: 'original-name' });
      expect(back.body.previousSlugs).toEqual(['new-name']);
      expect((await http().get(`${PUBLIC}/original-name`)).status).toBe(200);

      const other = await create(articleBody({ title: 'Claimant', slug: 'new-name' }));
      expect(other.status).toBe(201);
      expect((await http().get(`${ADMIN}/${id}`).set(editor.auth)).body.previousSlugs).toEqual([]);
    });
  });

  describe('public reads', () => {
    it('serves a published article with JSON-LD, ETag, Cache-Control, 304 and the server cache', async () => {
      const { slug } = await published({
        title: 'Reviewed piece',
        review: { reviewedBy: 'Dr. Samuel Okafor, PsyD', reviewedAt: '2026-11-02' },
        coverImage: { url: 'https://images.example.org/r.jpg', alt: 'Reeds' },
      });
      const res = await http().get(`${PUBLIC}/${slug}`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe(PUBLIC_CACHE);
      expect(res.headers.etag).toMatch(/^"[\w-]{32}"$/);
      expect(res.headers['x-cache']).toBe('MISS');
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        slug: 'reviewed-piece',
        title: 'Reviewed piece',
        excerpt: 'Most of us speak to ourselves more harshly than we would ever speak to a friend.',
        coverImage: { url: 'https://images.example.org/r.jpg', alt: 'Reeds' },
        cover: {
          url: 'https://images.example.org/r.jpg',
          alt: 'Reeds',
          width: null,
          height: null,
          srcset: null,
          mediaId: null,
        },
        tags: ['self-compassion', 'stress'],
        author: { ...ARTICLE_AUTHOR, slug: null, photo: null },
        publishedAt: expect.stringMatching(ISO),
        republishedAt: null,
        readingTimeMinutes: 1,
        body: ARTICLE_BODY,
        bodyHtml: expect.stringContaining('<h2 id="practical-steps">'),
        toc: expect.any(Array),
        wordCount: 51,
        seo: { title: 'Reviewed piece', description: res.body.excerpt },
        review: { reviewedBy: 'Dr. Samuel Okafor, PsyD', reviewedAt: '2026-11-02', slug: null },
        updatedAt: expect.stringMatching(ISO),
        // Nothing to escape here: the plain serialization of the schema.org object, in this member order.
        jsonLd: JSON.stringify({
          '@context': 'https://schema.org',
          '@type': 'MedicalWebPage',
          headline: 'Reviewed piece',
          description: res.body.excerpt,
          url: `${SITE}/articles/reviewed-piece`,
          mainEntityOfPage: `${SITE}/articles/reviewed-piece`,
          datePublished: res.body.publishedAt,
          dateModified: res.body.updatedAt,
          wordCount: 51,
          keywords: 'self-compassion, stress',
          image: { '@type': 'ImageObject', url: 'https://images.example.org/r.jpg', caption: 'Reeds' },
          author: { '@type': 'Person', name: 'Maya Lindqvist', honorificSuffix: 'LMFT' },
          lastReviewed: '2026-11-02',
          reviewedBy: { '@type': 'Person', name: 'Dr. Samuel Okafor, PsyD' },
          inLanguage: 'en',
        }),
      });

      const hit = await http().get(`${PUBLIC}/${slug}`);
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.headers.etag).toBe(res.headers.etag);
      expect(hit.headers['x-request-id']).toBeDefined();
      expect(hit.headers['x-content-type-options']).toBe('nosniff');
      expect(hit.body).toEqual(res.body);

      const notModified = await http().get(`${PUBLIC}/${slug}`).set('If-None-Match', res.headers.etag);
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
    });

    it('escapes <, >, & and U+2028/U+2029 in the JSON-LD so a title cannot end the script element', async () => {
      const title = 'Calm</script><script>alert(1)</script> & more';
      const { slug } = await published({
        title,
        excerpt: 'Tea <!-- and --> biscuits\u2028and\u2029rest',
        author: { name: '<img src=x onerror=alert(1)>', credentials: null },
      });
      const res = await http().get(`${PUBLIC}/${slug}`);
      expect(res.status).toBe(200);
      const url = `${SITE}/articles/${slug}`;
      expect(res.body.jsonLd).toBe(
        '{"@context":"https://schema.org","@type":"BlogPosting",' +
          '"headline":"Calm\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u0026 more",' +
          '"description":"Tea \\u003c!-- and --\\u003e biscuits\\u2028and\\u2029rest",' +
          `"url":"${url}","mainEntityOfPage":"${url}",` +
          `"datePublished":"${res.body.publishedAt}","dateModified":"${res.body.updatedAt}",` +
          '"wordCount":51,"keywords":"self-compassion, stress",' +
          '"author":{"@type":"Person","name":"\\u003cimg src=x onerror=alert(1)\\u003e"},"inLanguage":"en"}',
      );
      // Embedded verbatim, it neither closes the element nor opens a comment; parsed, it is the same data.
      const page = `<script type="application/ld+json">${res.body.jsonLd}</script>`;
      expect(page.match(/<\/script/gi)).toHaveLength(1);
      expect(JSON.parse(res.body.jsonLd)).toMatchObject({
        headline: title,
        description: 'Tea <!-- and --> biscuits\u2028and\u2029rest',
        author: { '@type': 'Person', name: '<img src=x onerror=alert(1)>' },
      });
    });

    it('answers hits from the cache with the headers of every response, and logs them', async () => {
      const { slug } = await published({ title: 'Straight from memory' });
      const url = `${PUBLIC}/${slug}`;
      const miss = await http().get(url);
      expect(miss.headers['x-cache']).toBe('MISS');
      // CORS_ORIGINS is set: the response depends on Origin, and on Accept-Encoding.
      expect(miss.headers.vary).toBe('Origin, accept-encoding');
      const security = Object.fromEntries(SECURITY_HEADERS.map((name) => [name, miss.headers[name]]));
      expect(Object.values(security)).not.toContain(undefined);
      const cached = {
        'x-cache': 'HIT',
        etag: miss.headers.etag,
        'cache-control': PUBLIC_CACHE,
        vary: miss.headers.vary,
      };
      logs.lines.length = 0;

      const notModified = await http().get(url).set('If-None-Match', miss.headers.etag).set('X-Request-Id', 'hit-304');
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      // The caller's X-Request-Id is only logged beside the server's own (clientRequestId).
      expect(notModified.headers).toMatchObject({
        ...security,
        ...cached,
        'x-request-id': expect.stringMatching(UUID),
      });
      expect(notModified.headers['content-type']).toBeUndefined();
      expect(notModified.headers['content-length']).toBeUndefined();

      const identity = await http().get(url).unset('Accept-Encoding').set('X-Request-Id', 'hit-200');
      expect(identity.status).toBe(200);
      expect(identity.headers).toMatchObject({
        ...security,
        ...cached,
        'x-request-id': expect.stringMatching(UUID),
        'content-type': JSON_TYPE,
        'content-length': String(Buffer.byteLength(JSON.stringify(miss.body))),
      });
      expect(identity.headers['content-encoding']).toBeUndefined();
      expect(identity.body).toEqual(miss.body);

      const compressed = await http().get(url).set('Accept-Encoding', 'gzip').set('X-Request-Id', 'hit-gzip');
      expect(compressed.headers).toMatchObject({
        ...security,
        ...cached,
        'x-request-id': expect.stringMatching(UUID),
        'content-encoding': 'gzip',
      });
      expect(compressed.body).toEqual(miss.body);

      const completed = logs.json().filter((line) => line.msg === 'request completed');
      const logged = (res: { headers: Record<string, string> }, clientRequestId: string, statusCode: number) => ({
        reqId: res.headers['x-request-id'],
        clientRequestId,
        method: 'GET',
        route: '/api/v1/articles/:slug',
        path: url,
        statusCode,
        durationMs: expect.any(Number),
      });
      expect(completed).toEqual([
        expect.objectContaining(logged(notModified, 'hit-304', 304)),
        expect.objectContaining(logged(identity, 'hit-200', 200)),
        expect.objectContaining(logged(compressed, 'hit-gzip', 200)),
      ]);
    });

    it('answers what browsers send (gzip, deflate, br) in brotli, the miss and every hit alike', async () => {
      const { slug } = await published({ title: 'Compressed once' });
      const url = `${PUBLIC}/${slug}`;
      const browser = () => http().get(url).set('Accept-Encoding', 'gzip, deflate, br');
      const miss = await browser();
      const hit = await browser();
      const crossOrigin = await browser().set('Origin', SITE);
      const identity = await http().get(url).unset('Accept-Encoding');
      expect([miss, hit, crossOrigin].map((res) => [res.headers['x-cache'], res.headers['content-encoding']])).toEqual([
        ['MISS', 'br'],
        ['HIT', 'br'],
        ['HIT', 'br'],
      ]);
      for (const res of [hit, crossOrigin, identity]) expect(res.body).toEqual(miss.body);
      expect(identity.headers['content-encoding']).toBeUndefined();
      // The body is worth compressing: brotli sends less than half of it.
      const compressedLength = Number(hit.headers['content-length']);
      expect(compressedLength).toBe(Number(miss.headers['content-length']));
      expect(compressedLength).toBeLessThan(Number(identity.headers['content-length']) / 2);
      expect(hit.headers.vary).toBe('Origin, accept-encoding');
      // For a CDN's purge: the route's tag and the article's.
      const id = (miss.body as { id: string }).id;
      for (const res of [miss, hit]) {
        expect([res.headers['cache-tag'], res.headers['surrogate-key']]).toEqual([
          `articles,article:${id}`,
          `articles article:${id}`,
        ]);
      }
      const list = await http().get(PUBLIC).query({ pageSize: '3' });
      const ids = (list.body as { data: { id: string }[] }).data.map((a) => `article:${a.id}`);
      expect(list.headers['cache-tag']).toBe(['articles', ...ids].join(','));
    });

    it('answers cross-origin reads from the cache with their CORS headers', async () => {
      const { slug } = await published({ title: 'Read from afar' });
      const first = await http().get(`${PUBLIC}/${slug}`).set('Origin', SITE);
      const hit = await http().get(`${PUBLIC}/${slug}`).set('Origin', SITE);
      expect([first.headers['x-cache'], hit.headers['x-cache']]).toEqual(['MISS', 'HIT']);
      expect(hit.headers['access-control-allow-origin']).toBe(SITE);
      expect(hit.headers['access-control-expose-headers']).toContain('ETag');
      const noOrigin = await http().get(`${PUBLIC}/${slug}`);
      expect(noOrigin.headers['x-cache']).toBe('HIT');
      expect(noOrigin.headers['access-control-allow-origin']).toBeUndefined();
      expect(noOrigin.headers['content-security-policy']).toBe(hit.headers['content-security-policy']);
      expect(noOrigin.text).toBe(first.text);
    });

    it('forgets cached responses when an article changes', async () => {
      const { id, slug } = await published({ title: 'Cache me' });
      await http().get(`${PUBLIC}/${slug}`);
      expect((await http().get(`${PUBLIC}/${slug}`)).headers['x-cache']).toBe('HIT');
      await patch(id, { title: 'Cache me again' });
      const fresh = await http().get(`${PUBLIC}/${slug}`);
      expect(fresh.headers['x-cache']).toBe('MISS');
      expect(fresh.body.title).toBe('Cache me again');
    });

    it('answers 404 for an unknown slug and 400 for a malformed one', async () => {
      expect((await http().get(`${PUBLIC}/no-such-article`)).status).toBe(404);
      expectInvalid(await http().get(`${PUBLIC}/Bad_Slug`), `${PUBLIC}/Bad_Slug`, [
        { field: 'slug', message: 'slug must be lowercase words joined by single hyphens (at most 120)' },
      ]);
    });
  });

  describe('lists, search and paging', () => {
    let t: TestApp;
    const titles = ['Paging alpha', 'Paging bravo', 'Paging charlie', 'Paging delta', 'Paging echo'];

    beforeAll(async () => {
      t = app();
      for (const [i, title] of titles.entries()) {
        await published({ title, tags: ['paging', ...(i % 2 ? ['odd'] : [])] }, 10_000 - i);
      }
    });

    const list = (query: Record<string, string | number>) => t.http().get(PUBLIC).query(query);

    it('lists summaries (no body) newest first, with the envelope and a cursor', async () => {
      const res = await list({ tag: 'paging', pageSize: 2 });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe(PUBLIC_CACHE);
      expect(titlesOf(res)).toEqual(['Paging echo', 'Paging delta']);
      expect(Object.keys(res.body.data[0]).sort()).toEqual(
        [
          'author',
          'cover',
          'coverImage',
          'excerpt',
          'id',
          'publishedAt',
          'readingTimeMinutes',
          'republishedAt',
          'slug',
          'tags',
          'title',
        ].sort(),
      );
      expect(res.body.meta).toEqual({ page: 1, pageSize: 2, total: 5, totalPages: 3, nextCursor: expect.any(String) });
    });

    it('walks every page with the cursor exactly as with page numbers', async () => {
      const byPage: string[] = [];
      for (let page = 1; page <= 3; page++) {
        byPage.push(...slugsOf(await list({ tag: 'paging', pageSize: 2, page })));
      }
      const byCursor: string[] = [];
      const pages: number[] = [];
      let cursor: string | undefined;
      do {
        const res = await list({ tag: 'paging', pageSize: 2, ...(cursor ? { cursor } : {}) });
        byCursor.push(...slugsOf(res));
        pages.push(res.body.meta.page);
        cursor = res.body.meta.nextCursor ?? undefined;
      } while (cursor);
      expect(byCursor).toEqual(byPage);
      expect(byCursor).toHaveLength(5);
      expect(pages).toEqual([1, 2, 3]);

      const byTitle = await list({ tag: 'paging', pageSize: 3, sort: 'title' });
      const next = await list({ tag: 'paging', pageSize: 3, sort: 'title', cursor: byTitle.body.meta.nextCursor });
      expect([...byTitle.body.data, ...next.body.data].map((a: { title: string }) => a.title)).toEqual(titles);
      expect(next.body.meta.nextCursor).toBeNull();
    });

    it('refuses a cursor of another list, a forged cursor, and cursor with page', async () => {
      const first = await list({ tag: 'paging', pageSize: 2 });
      const cursor = first.body.meta.nextCursor as string;
      const cursorError = [{ field: 'cursor', message: 'cursor is not a cursor of this list' }];
      expectInvalid(await list({ tag: 'odd', pageSize: 2, cursor }), PUBLIC, cursorError);
      expectInvalid(await list({ cursor: 'not-base64-json' }), PUBLIC, cursorError);
      const forged = Buffer.from(
        JSON.stringify([JSON.stringify([['-publishedAt'], null, null]), 2, ["'; DROP TABLE articles; --", 'x']]),
      ).toString('base64url');
      expectInvalid(await list({ cursor: forged }), PUBLIC, cursorError);
      expectInvalid(await list({ tag: 'paging', pageSize: 2, cursor, page: 2 }), PUBLIC, [
        { field: 'page', message: 'page and cursor cannot be combined' },
      ]);
    });

    it('searches title, excerpt, tags and body, ranks title matches first, and highlights safely', async () => {
      await published({
        title: 'Grounding when panic rises',
        body: 'Breathing slowly helps. <b>Grounding</b> means naming five things you see & hear "now".',
        tags: ['anxiety'],
      });
      await published({
        title: 'Evening routines',
        body: 'A short walk, then grounding exercises before bed.',
        tags: ['sleep'],
      });
      const res = await list({ q: 'grounding' });
      expect(res.status).toBe(200);
      expect(titlesOf(res)).toEqual(['Grounding when panic rises', 'Evening routines']);
      // Postgres drops tag-like text from snippets; everything else is escaped, and only <mark> is HTML.
      const snippet = res.body.data[0].highlight as string;
      expect(snippet).toContain('<mark>Grounding</mark>');
      expect(snippet).toContain('five things you see &amp; hear');
      expect(snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
      expect(res.body.data[1].highlight).toContain('short walk, then <mark>grounding</mark> exercises');
      expect(res.body.meta.nextCursor).toBeNull();

      const byTag = await list({ q: 'anxiety' });
      expect(titlesOf(byTag)).toEqual(['Grounding when panic rises']);
      const phrase = await list({ q: '"five things" -sleep' });
      expect(titlesOf(phrase)).toEqual(['Grounding when panic rises']);
    });

    it('ranks a title match above body-only matches however often they repeat the word, and highlights them', async () => {
      await published({ title: 'Equanimity for beginners', body: 'Steady attention, kindly held.', tags: [] }, 300);
      const repeated = Array.from({ length: 12 }, () => 'Equanimity grows with practice.').join(' ');
      await published({ title: 'Practice notes', body: `${repeated}\n\n## Later\n\nMore on equanimity.` }, 5);
      await published({ title: 'A short reflection', body: 'Once: equanimity.' }, 1);
      const res = await list({ q: 'equanimity' });
      expect(titlesOf(res)).toEqual(['Equanimity for beginners', 'Practice notes', 'A short reflection']);
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 3, totalPages: 1, nextCursor: null });
      const highlights = (res.body as { data: { highlight: string }[] }).data.map((a) => a.highlight);
      expect(highlights.map((h) => h.includes('<mark>Equanimity</mark>'))).toEqual([false, true, false]);
      expect(res.body.data[2].highlight).toBe('Once: <mark>equanimity</mark>');
      // Newest first on request: the order of the date, not of the match.
      expect(titlesOf(await list({ q: 'equanimity', sort: '-publishedAt' }))).toEqual([
        'A short reflection',
        'Practice notes',
        'Equanimity for beginners',
      ]);
    });

    it('finds a highlight deep in a long body, and the body’s start when only the title matches', async () => {
      const filler = Array.from({ length: 400 }, (_, i) => `Sentence ${i} about ordinary days.`).join(' ');
      await published({ title: 'Long read', body: `${filler} Then came serendipity, unexpectedly. ${filler}` });
      await published({ title: 'Serendipity', body: 'Chance meetings matter.' });
      const res = await list({ q: 'serendipity' });
      expect(titlesOf(res)).toEqual(['Serendipity', 'Long read']);
      expect(res.body.data[0].highlight).toBe('Chance meetings matter.');
      expect(res.body.data[1].highlight).toMatch(
        /about ordinary days\. Then came <mark>serendipity<\/mark>, unexpectedly\./,
      );
    });

    it.each([
      "'; DROP TABLE articles; --",
      '"unterminated',
      '!!! & | <-> :*',
      '<script>alert(1)</script>',
      "' OR 1=1 --",
      'the',
    ])('treats %j as plain search text', async (q) => {
      const res = await list({ q });
      expect(res.status).toBe(200);
      expect(res.body.meta.total).toBe(res.body.data.length);
    });

    it.each([
      [{ q: 'x'.repeat(201) }, [{ field: 'q', message: 'q must be shorter than or equal to 200 characters' }]],
      [{ q: '' }, [{ field: 'q', message: 'q must be longer than or equal to 1 characters' }]],
      [{ sort: 'relevance' }, [{ field: 'sort', message: 'sort by relevance needs a search (q)' }]],
      [
        { sort: 'views' },
        [
          {
            field: 'sort',
            message:
              'sort must be a comma-separated list of publishedAt, title, relevance, each optionally prefixed with -',
          },
        ],
      ],
      [
        { q: 'calm', cursor: 'abc' },
        [{ field: 'cursor', message: 'cursor paging is not available when sorting by relevance' }],
      ],
      [{ tag: 'Not A Tag' }, [{ field: 'tag', message: 'tag must be lowercase words joined by single hyphens' }]],
      [{ page: 0 }, [{ field: 'page', message: 'page must not be less than 1' }]],
      [{ pageSize: 101 }, [{ field: 'pageSize', message: 'pageSize must not be greater than 100' }]],
      [{ status: 'draft' }, [{ field: 'status', message: 'property status should not exist' }]],
    ])('refuses the query %j (400)', async (query, errors) => {
      expectInvalid(await list(query), PUBLIC, errors);
    });

    it('lists related articles by shared tags, and tags with counts', async () => {
      const related = await t.http().get(`${PUBLIC}/paging-alpha/related`).query({ limit: 2 });
      expect(related.status).toBe(200);
      expect(slugsOf(related)).toEqual(['paging-echo', 'paging-delta']);
      expect(related.body.meta).toEqual({ page: 1, pageSize: 2, total: 4, totalPages: 2 });
      const oddRelated = await t.http().get(`${PUBLIC}/paging-bravo/related`);
      // Bravo shares two tags (paging, odd) with delta: it comes first although echo is newer.
      expect(slugsOf(oddRelated)).toEqual(['paging-delta', 'paging-echo', 'paging-charlie']);
      expectInvalid(
        await t.http().get(`${PUBLIC}/paging-alpha/related`).query({ limit: 11 }),
        `${PUBLIC}/paging-alpha/related`,
        [{ field: 'limit', message: 'limit must not be greater than 10' }],
      );
      expect((await t.http().get(`${PUBLIC}/no-such/related`)).status).toBe(404);

      const tags = await t.http().get('/api/v1/tags').query({ pageSize: 100 });
      expect(tags.status).toBe(200);
      expect(tags.body.data).toEqual(
        expect.arrayContaining([
          { tag: 'paging', count: 5 },
          { tag: 'odd', count: 2 },
        ]),
      );
      expect(tags.body.data).not.toContainEqual(expect.objectContaining({ tag: 'scheduling' }));
    });

    it('lists every status for staff, filtered by status, tag and search', async () => {
      const res = await t
        .http()
        .get(ADMIN)
        .set(editor.auth)
        .query({ status: 'published', tag: 'paging', sort: 'title' });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(titlesOf(res)).toEqual(titles);
      expect(res.body.data[0]).toEqual({
        id: expect.stringMatching(UUID),
        slug: 'paging-alpha',
        title: 'Paging alpha',
        excerpt: expect.any(String),
        coverImage: null,
        cover: null,
        tags: ['paging'],
        author: { ...ARTICLE_AUTHOR, slug: null, photo: null },
        publishedAt: expect.stringMatching(ISO),
        republishedAt: null,
        readingTimeMinutes: 1,
        status: 'published',
        scheduled: false,
        version: 2,
        wordCount: 51,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      const drafts = await t.http().get(ADMIN).set(editor.auth).query({ status: 'draft', q: 'secret' });
      expect(slugsOf(drafts)).toEqual(['secret-draft']);
      expectInvalid(await t.http().get(ADMIN).set(editor.auth).query({ status: 'gone' }), ADMIN, [
        { field: 'status', message: 'status must be one of: draft, published, archived' },
      ]);
    });

    it('puts drafts (no publication date) after dated articles in a staff list by publishedAt, both ways', async () => {
      const tag = 'dated-or-not';
      const draft = await createArticle(app(), editor, { title: 'Undated draft', tags: [tag] });
      const older = await published({ title: 'Dated older', tags: [tag] }, 120);
      const newer = await published({ title: 'Dated newer', tags: [tag] }, 30);
      const ids = async (sort: string) =>
        ((await http().get(ADMIN).set(editor.auth).query({ tag, sort })).body.data as { id: string }[]).map(
          (a) => a.id,
        );
      expect(await ids('-publishedAt')).toEqual([newer.id, older.id, draft.id]);
      expect(await ids('publishedAt')).toEqual([older.id, newer.id, draft.id]);
    });

    it('publishes an RSS 2.0 feed with absolute links', async () => {
      const res = await t.http().get(`${PUBLIC}/feed.xml`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
      expect(res.headers['cache-control']).toBe(PUBLIC_CACHE);
      expect(XMLValidator.validate(res.text)).toBe(true);
      const rss = new XMLParser({ ignoreAttributes: false }).parse(res.text).rss;
      expect(rss['@_version']).toBe('2.0');
      const items = [rss.channel.item].flat();
      expect(items.length).toBeGreaterThan(5);
      expect(items.length).toBeLessThanOrEqual(20);
      for (const item of items) expect(item.link).toMatch(new RegExp(`^${SITE}/articles/[a-z0-9-]+$`));
      expect(items.map((i: { title: string }) => i.title)).not.toContain('Secret draft');
    });
  });

  describe('revisions and deletion', () => {
    it('keeps every version and restores an old one as a new version', async () => {
      const created = await create(articleBody({ title: 'Revised' }));
      const id = created.body.id as string;
      await patch(id, { title: 'Revised twice', body: 'New body.' });
      const revisions = await http().get(`${ADMIN}/${id}/revisions`).set(editor.auth);
      expect(revisions.status).toBe(200);
      expect(revisions.body.meta).toEqual({ page: 1, pageSize: 20, total: 2, totalPages: 1 });
      expect((revisions.body.data as { version: number; action: string }[]).map((r) => [r.version, r.action])).toEqual([
        [2, 'updated'],
        [1, 'created'],
      ]);
      const first = revisions.body.data[1];
      expect(first).toEqual({
        id: expect.stringMatching(UUID),
        version: 1,
        action: 'created',
        actor: { type: 'user', id: editor.user.id },
        createdAt: expect.stringMatching(ISO),
        fields: {
          slug: 'revised',
          title: 'Revised',
          excerpt: null,
          body: ARTICLE_BODY,
          tags: ['self-compassion', 'stress'],
          coverImage: null,
          coverMedia: null,
          author: { ...ARTICLE_AUTHOR, practitionerId: null },
          review: null,
          seo: null,
        },
      });

      const restored = await http().post(`${ADMIN}/${id}/revisions/${first.id}/restore`).set(editor.auth);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ title: 'Revised', body: ARTICLE_BODY, version: 3 });
      expect(await auditActions(id)).toEqual(['article.created', 'article.updated', 'article.restored']);

      const foreign = await http()
        .post(`${ADMIN}/${id}/revisions/00000000-0000-4000-8000-000000000000/restore`)
        .set(editor.auth);
      expectProblem(foreign, {
        code: 'not_found',
        detail: 'This article has no such revision.',
        instance: `${ADMIN}/${id}/revisions/00000000-0000-4000-8000-000000000000/restore`,
      });
    });

    it('deletes an article with its revisions (204), then answers 404', async () => {
      const created = await create(articleBody({ title: 'Short-lived' }));
      const id = created.body.id as string;
      expectNoContent(await http().delete(`${ADMIN}/${id}`).set(editor.auth));
      expect((await http().get(`${ADMIN}/${id}`).set(editor.auth)).status).toBe(404);
      expect((await http().get(`${ADMIN}/${id}/revisions`).set(editor.auth)).status).toBe(404);
      expect(await auditActions(id)).toEqual(['article.created', 'article.deleted']);
    });

    it('returns the article to staff with its ETag', async () => {
      const created = await create(articleBody({ title: 'Fetch me' }));
      const res = await http().get(`${ADMIN}/${created.body.id}`).set(editor.auth);
      expectJson(res, 200, created.body);
      expect(res.headers.etag).toBe('"v1"');
    });
  });
});
