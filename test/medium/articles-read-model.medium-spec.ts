import fc from 'fast-check';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdminArticlesService } from '../../src/articles/admin-articles.service.js';
import type { ArticleStatus } from '../../src/articles/article.entity.js';
import {
  countQuery,
  type ListScope,
  type ListSort,
  listQuery,
  RANKED_PER_GROUP,
  relatedQuery,
  SEARCH_COUNT_CAP,
  type SqlQuery,
  tagsQuery,
} from '../../src/articles/articles.queries.js';
import { ArticlesService } from '../../src/articles/articles.service.js';
import type { AuditContext } from '../../src/common/audit/audit-log.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import { useTestApp } from '../utils/test-app.js';

/**
 * What article reads count and walk instead of the articles themselves (article_counts, article_tags, article_search,
 * kept by triggers; migration ArticleReadModel), on a database of this file's own so that every row is known:
 * after any sequence of changes they say what count(*) and the articles say; tag lists and searches come out in the
 * documented order, from the indexes.
 */

const HOUR = 60 * 60 * 1000;
const START = new Date('2031-05-06T08:00:00.000Z');
const TAGS = ['calm', 'sleep', 'grief', 'focus'] as const;
const STATUSES: ArticleStatus[] = ['draft', 'published', 'archived'];
/** The instants live totals are checked at: before, between and after the publication times the operations use. */
const INSTANTS = [-72, -0.5, 0, 0.5, 72].map((hours) => new Date(START.getTime() + hours * HOUR));
const NEWEST: ListSort[] = [{ field: 'publishedAt', direction: 'DESC' }];

const editor = (): AuditContext => ({
  actor: { type: 'user', id: randomUUID() },
  requestId: null,
  clientRequestId: null,
});

type Operation =
  | { kind: 'create'; tags: string[] }
  | { kind: 'publish'; target: number; hours: number | null }
  | { kind: 'unpublish' | 'archive' | 'delete' | 'edit'; target: number }
  | { kind: 'retag'; target: number; tags: string[] };

const tags = fc.subarray([...TAGS]);
const target = fc.nat({ max: 1000 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), tags }),
  fc.record({
    kind: fc.constant('publish' as const),
    target,
    // Backdated, now (no publishedAt), or scheduled: some inside the INSTANTS, some beyond.
    hours: fc.constantFrom(-48, -1, null, 0.25, 1, 48, 100),
  }),
  fc.record({ kind: fc.constantFrom('unpublish' as const, 'archive' as const, 'delete' as const), target }),
  // An edit that changes neither status nor tags: the counters must not move.
  fc.record({ kind: fc.constant('edit' as const), target }),
  fc.record({ kind: fc.constant('retag' as const), target, tags }),
);

describe('article read model (medium: counters, tag index and search rows on the database)', () => {
  const clock = new ManualClock(START);
  const app = useTestApp({ isolatedDatabase: true, clock });
  const admin = () => app().app.get(AdminArticlesService);
  const reader = () => app().app.get(ArticlesService);
  const db = () => app().app.get(DataSource);
  const run = async <T>({ text, values }: SqlQuery): Promise<T[]> => db().query<T[]>(text, values);

  afterEach(() => clock.set(START));

  /** Applies one operation the way staff would; a refused status change (409) is part of the sequence too. */
  async function apply(op: Operation): Promise<void> {
    if (op.kind === 'create') {
      await admin().create(
        {
          title: `Steady ${randomBytes(4).toString('hex')}`,
          body: 'Notice the breath.',
          tags: op.tags,
          author: { name: 'Maya' },
        },
        editor(),
      );
      return;
    }
    const ids = (await db().query<{ id: string }[]>('SELECT id FROM articles ORDER BY created_at, id')).map(
      (r) => r.id,
    );
    if (ids.length === 0) return;
    const id = ids[op.target % ids.length];
    try {
      if (op.kind === 'publish') {
        const publishedAt = op.hours === null ? undefined : new Date(START.getTime() + op.hours * HOUR).toISOString();
        await admin().publish(id, { publishedAt }, undefined, editor());
      } else if (op.kind === 'unpublish') await admin().unpublish(id, undefined, editor());
      else if (op.kind === 'archive') await admin().archive(id, undefined, editor());
      else if (op.kind === 'delete') await admin().remove(id, undefined, editor());
      else if (op.kind === 'edit')
        await admin().update(id, { title: `Edited ${randomBytes(4).toString('hex')}` }, undefined, editor());
      else if (op.kind === 'retag') await admin().update(id, { tags: op.tags }, undefined, editor());
    } catch (error) {
      if (!(error instanceof AppException && error.code === 'invalid_transition')) throw error;
    }
  }

  /** The counters, tag rows and search rows are exactly what the articles say. */
  async function expectReadModelExact(): Promise<void> {
    const counters = await db().query<{ status: string; tag: string; count: number }[]>(
      `SELECT status::text, tag, count FROM article_counts WHERE count <> 0 ORDER BY 1, 2`,
    );
    const counted = await db().query<{ status: string; tag: string; count: number }[]>(
      `SELECT status::text, '' AS tag, count(*)::int AS count FROM articles GROUP BY status
       UNION ALL SELECT status::text, tag, count(*)::int FROM articles, unnest(tags) AS tag GROUP BY status, tag
       ORDER BY 1, 2`,
    );
    expect(counters).toEqual(counted);
    expect(await db().query(`SELECT * FROM article_counts WHERE count < 0`)).toEqual([]);

    const differences = async (a: string, b: string) =>
      (await db().query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ((${a}) EXCEPT ALL (${b})) d`))[0].n;
    const tagRows = `SELECT article_id, tag, published_at FROM article_tags`;
    const publishedTags = `SELECT id, unnest(tags), published_at FROM articles WHERE status = 'published'`;
    expect([await differences(tagRows, publishedTags), await differences(publishedTags, tagRows)]).toEqual([0, 0]);
    const searchRows = `SELECT article_id, status, published_at, tags, title_vector, search_vector FROM article_search`;
    const fromArticles = `SELECT id, status, published_at, tags, to_tsvector('english', title),
        article_search_vector(title, excerpt, tags, body_text) FROM articles`;
    expect([await differences(searchRows, fromArticles), await differences(fromArticles, searchRows)]).toEqual([0, 0]);
  }

  /** Every total a list or the tag list can show equals count(*) under the visibility rule, at each instant. */
  async function expectTotalsExact(): Promise<void> {
    for (const now of INSTANTS) {
      const live: ListScope = { live: true, now };
      for (const tag of [undefined, ...TAGS]) {
        const [{ total }] = await run<{ total: number }>(countQuery({ scope: live, tag }));
        const [{ n }] = await db().query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM articles WHERE status = 'published' AND published_at <= $1
             AND ($2::text IS NULL OR tags @> ARRAY[$2::text])`,
          [now, tag ?? null],
        );
        expect({ now, tag, total }).toEqual({ now, tag, total: n });
      }
      const tagCounts = (await run<{ tag: string; count: number }>(tagsQuery(now, 100, 0))).map(({ tag, count }) => ({
        tag,
        count,
      }));
      expect(tagCounts).toEqual(
        await db().query(
          `SELECT tag, count(*)::int AS count FROM articles, unnest(tags) AS tag
            WHERE status = 'published' AND published_at <= $1 GROUP BY tag ORDER BY count DESC, tag ASC`,
          [now],
        ),
      );
    }
    for (const status of [undefined, ...STATUSES]) {
      for (const tag of [undefined, ...TAGS]) {
        const [{ total }] = await run<{ total: number }>(countQuery({ scope: { live: false, status }, tag }));
        const [{ n }] = await db().query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM articles WHERE ($1::article_status IS NULL OR status = $1)
             AND ($2::text IS NULL OR tags @> ARRAY[$2::text])`,
          [status ?? null, tag ?? null],
        );
        expect({ status, tag, total }).toEqual({ status, tag, total: n });
      }
    }
  }

  /** The tag lists, walked in article_tags, hold what sorting the articles with the tag gives, in that order. */
  async function expectTagListsUnchanged(): Promise<void> {
    for (const now of INSTANTS) {
      for (const tag of TAGS) {
        for (const direction of ['DESC', 'ASC'] as const) {
          const walked = await run<{ id: string }>(
            listQuery({
              scope: { live: true, now },
              tag,
              sort: [{ field: 'publishedAt', direction }],
              limit: 100,
              offset: 0,
            }),
          );
          const sorted = await db().query<{ id: string }[]>(
            `SELECT id FROM articles WHERE status = 'published' AND published_at <= $1 AND tags @> ARRAY[$2::text]
              ORDER BY published_at ${direction}, id ${direction} LIMIT 100`,
            [now, tag],
          );
          expect(walked.map((r) => r.id)).toEqual(sorted.map((r) => r.id));
        }
      }
    }
  }

  /** Related articles, counted in article_tags, are those sharing the most tags, then the newest, as before. */
  async function expectRelatedUnchanged(): Promise<void> {
    const articles = await db().query<{ id: string; tags: string[] }[]>(
      `SELECT id, tags FROM articles WHERE status = 'published' AND cardinality(tags) > 0 ORDER BY id LIMIT 3`,
    );
    for (const article of articles) {
      const related = await run<{ id: string; total: number }>(relatedQuery(article, START, 10));
      const reference = await db().query<{ id: string; total: number }[]>(
        `SELECT a.id, count(*) OVER ()::int AS total FROM articles a
          WHERE a.status = 'published' AND a.published_at <= $1 AND a.id <> $2 AND a.tags && $3::text[]
          ORDER BY cardinality(ARRAY(SELECT unnest(a.tags) INTERSECT SELECT unnest($3::text[]))) DESC,
            a.published_at DESC, a.id DESC LIMIT 10`,
        [START, article.id, article.tags],
      );
      expect(related.map(({ id, total }) => ({ id, total }))).toEqual(reference);
    }
  }

  it('equal count(*) and the articles after any sequence of create, publish, unpublish, archive, delete and retag', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (operations) => {
        for (const op of operations) await apply(op);
        await expectReadModelExact();
        await expectTotalsExact();
        await expectTagListsUnchanged();
        await expectRelatedUnchanged();
      }),
      {
        numRuns: 15,
        // First, one sequence that goes through every kind of change and state, whatever the random ones do.
        examples: [
          [
            [
              { kind: 'create', tags: ['calm', 'sleep'] },
              { kind: 'create', tags: ['grief'] },
              { kind: 'create', tags: [] },
              { kind: 'publish', target: 0, hours: -48 },
              { kind: 'publish', target: 1, hours: 0.25 },
              { kind: 'archive', target: 2 },
              { kind: 'retag', target: 0, tags: ['focus', 'calm'] },
              { kind: 'edit', target: 1 },
              { kind: 'publish', target: 2, hours: null },
              { kind: 'archive', target: 2 },
              { kind: 'unpublish', target: 1 },
              { kind: 'delete', target: 0 },
            ],
          ],
        ],
      },
    );
  }, 120_000);

  it('stay exact through bulk SQL: a many-row INSERT, a mixed UPDATE, a DELETE, and an edit that locks no counter', async () => {
    const prefix = `bulk-${randomBytes(3).toString('hex')}`;
    await db().query(
      `INSERT INTO articles (slug, title, excerpt, body, body_html, body_text, toc, word_count, reading_time_minutes, tags,
         author_name, status, published_at)
       SELECT $1 || '-' || i, 'Bulk ' || i, '', 'Body', '<p>Body</p>', 'Body', '[]', 1, 1,
         CASE i % 3 WHEN 0 THEN ARRAY['calm', 'sleep'] WHEN 1 THEN ARRAY['grief'] ELSE ARRAY[]::text[] END,
         'Maya', (ARRAY['draft','published','archived'])[1 + i % 3]::article_status,
         CASE WHEN i % 3 = 0 THEN NULL ELSE $2::timestamptz - i * interval '1 hour' END
       FROM generate_series(1, 60) AS i`,
      [prefix, START],
    );
    await expectReadModelExact();
    await db().query(
      `UPDATE articles SET status = 'published', published_at = $2::timestamptz + interval '1 hour', tags = ARRAY['focus']
        WHERE slug LIKE $1 || '-%' AND title LIKE 'Bulk 1%'`,
      [prefix, START],
    );
    await expectReadModelExact();
    await db().query(`DELETE FROM articles WHERE slug LIKE $1 || '-%' AND title LIKE 'Bulk 2%'`, [prefix]);
    await expectReadModelExact();
    await expectTotalsExact();

    // An edit that changes neither status nor tags: no counter row is written (nor locked).
    const before = await db().query(`SELECT xmin::text, status, tag FROM article_counts ORDER BY status, tag`);
    await db().query(`UPDATE articles SET title = title || '!' WHERE slug LIKE $1 || '-%'`, [prefix]);
    expect(await db().query(`SELECT xmin::text, status, tag FROM article_counts ORDER BY status, tag`)).toEqual(before);
    await expectReadModelExact();
  });

  describe('reads', () => {
    /** Inserts `count` published articles in one statement; `row(i)` gives each one's title, body text and hours. */
    async function insertPublished(
      count: number,
      row: { title: string; text: string; tags?: string[]; hoursAgo: string },
    ): Promise<void> {
      await db().query(
        `INSERT INTO articles (slug, title, excerpt, body, body_html, body_text, toc, word_count, reading_time_minutes,
           tags, author_name, status, published_at)
         SELECT $1 || '-' || i, ${row.title}, '', ${row.text}, '', ${row.text}, '[]', 1, 1, $3::text[], 'Maya',
           'published', $2::timestamptz - (${row.hoursAgo}) * interval '1 hour'
         FROM generate_series(1, ${count}) AS i`,
        [`r-${randomBytes(4).toString('hex')}`, START, row.tags ?? []],
      );
    }

    const search = (q: string, sort: string, page = 1, pageSize = 100) => reader().list({ q, sort, page, pageSize });

    it(`puts title matches first, then ranks the newest ${RANKED_PER_GROUP} other matches, then the older newest first`, async () => {
      const word = `zephyr${randomBytes(3).toString('hex')}`;
      // The oldest match of all, but in a title.
      await insertPublished(1, { title: `'Title ' || '${word}'`, text: `'plain'`, hoursAgo: '10000' });
      // 110 body matches, one an hour; every fifth says the word three times (ranks higher).
      await insertPublished(110, {
        title: `'Body ' || i`,
        text: `CASE WHEN i % 5 = 0 THEN '${word} ${word} ${word} and more' ELSE 'once ${word} and more' END`,
        hoursAgo: 'i',
      });
      // The densest body of all, but older than the 100 newest: it is not ranked, so it comes last.
      await insertPublished(1, { title: `'Dense'`, text: `repeat('${word} ', 20)`, hoursAgo: '5000' });

      const all = [
        ...(await search(word, '-relevance', 1, 100)).items,
        ...(await search(word, '-relevance', 2, 100)).items,
      ];
      const titles = all.map((i) => i.article.title);
      expect(titles).toHaveLength(112);
      expect(titles[0]).toBe(`Title ${word}`);
      const ranked = titles.slice(1, 1 + RANKED_PER_GROUP);
      const hours = (title: string) => Number(title.replace('Body ', ''));
      // The ranked are the 100 newest body matches: the dense ones (every fifth) first, newest first within a rank.
      expect(ranked.map(hours).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(ranked.slice(0, 20).map(hours)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 5));
      // Then the rest, newest first: the older body matches and the densest body of all.
      expect(titles.slice(1 + RANKED_PER_GROUP)).toEqual([
        ...Array.from({ length: 10 }, (_, i) => `Body ${101 + i}`),
        'Dense',
      ]);

      // Small pages (a top-N of offset + limit + 100 each) give the same order, as does the full ascending order reversed.
      const paged: string[] = [];
      for (let page = 1; page <= 6; page++)
        paged.push(...(await search(word, '-relevance', page, 20)).items.map((i) => i.article.title));
      expect(paged).toEqual(titles);
      const ascending = [
        ...(await search(word, 'relevance', 1, 100)).items,
        ...(await search(word, 'relevance', 2, 100)).items,
      ];
      expect(ascending.map((i) => i.article.title).reverse()).toEqual(titles);
      expect((await search(word, '-relevance', 1, 5)).total).toBe(112);
    });

    it(`counts a search exactly up to ${SEARCH_COUNT_CAP.toLocaleString('en')} matches, and says when the total is a lower bound`, async () => {
      const word = `quokka${randomBytes(3).toString('hex')}`;
      await insertPublished(SEARCH_COUNT_CAP + 1, { title: `'Many ' || i`, text: `'${word}'`, hoursAgo: 'i' });
      const capped = await search(word, '-publishedAt', 1, 20);
      expect({ total: capped.total, lowerBound: capped.totalIsLowerBound, cursor: typeof capped.nextCursor }).toEqual({
        total: SEARCH_COUNT_CAP,
        lowerBound: true,
        cursor: 'string',
      });
      // The last counted page still has a next page.
      const last = await search(word, '-publishedAt', SEARCH_COUNT_CAP / 20, 20);
      expect(last.nextCursor).not.toBeNull();
      const staff = await admin().list({ q: word, page: 1, pageSize: 20 });
      expect(staff.meta).toEqual({
        page: 1,
        pageSize: 20,
        total: SEARCH_COUNT_CAP,
        totalPages: 500,
        totalIsLowerBound: true,
      });

      await db().query(`DELETE FROM articles WHERE title = 'Many 1' AND body_text = $1`, [word]);
      const exact = await search(word, '-publishedAt', SEARCH_COUNT_CAP / 20, 20);
      expect({ total: exact.total, lowerBound: exact.totalIsLowerBound, cursor: exact.nextCursor }).toEqual({
        total: SEARCH_COUNT_CAP,
        lowerBound: false,
        cursor: null,
      });
      await db().query(`DELETE FROM articles WHERE body_text = $1`, [word]);
    });

    describe('plans (EXPLAIN on a few thousand articles)', () => {
      const word = `wombat${randomBytes(3).toString('hex')}`;

      beforeAll(async () => {
        for (const [i, tag] of ['alpha', 'beta', 'gamma', 'delta'].entries()) {
          await insertPublished(800, {
            title: `'Plan ' || i`,
            text: `'${word} ' || i`,
            tags: [tag, 'plans'],
            hoursAgo: `i * 4 + ${i}`,
          });
        }
        await db().query('VACUUM ANALYZE articles, article_tags, article_search, article_counts');
      }, 60_000);

      /** Every node of the plan of `query`, as "<node type> on <relation> using <index>". */
      async function plan(query: SqlQuery): Promise<string[]> {
        const [
          {
            'QUERY PLAN': [root],
          },
        ] = await db().query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
          `EXPLAIN (FORMAT JSON) ${query.text}`,
          query.values,
        );
        const nodes: string[] = [];
        const visit = (node: PlanNode) => {
          nodes.push(
            [
              node['Node Type'],
              node['Relation Name'] && `on ${node['Relation Name']}`,
              node['Index Name'] && `using ${node['Index Name']}`,
            ]
              .filter(Boolean)
              .join(' '),
          );
          node.Plans?.forEach(visit);
        };
        visit(root.Plan);
        return nodes;
      }
      const live: ListScope = { live: true, now: START };

      it('walks article_tags for a tag list, page 1 and deep, without sorting or scanning the articles', async () => {
        for (const offset of [0, 600]) {
          const nodes = await plan(listQuery({ scope: live, tag: 'beta', sort: NEWEST, limit: 20, offset }));
          expect(nodes).toEqual(
            expect.arrayContaining([
              expect.stringMatching(/^Index (Only )?Scan on article_tags using IDX_article_tags_walk$/),
            ]),
          );
          expect(nodes.filter((n) => /Sort|Seq Scan/.test(n))).toEqual([]);
        }
      });

      it('counts a list or a tag list from the counters and an index range, never from the articles', async () => {
        for (const tag of [undefined, 'beta']) {
          const nodes = await plan(countQuery({ scope: live, tag }));
          expect(nodes.filter((n) => /Seq Scan on (articles|article_tags)/.test(n))).toEqual([]);
          expect(nodes).toEqual(
            expect.arrayContaining([
              expect.stringMatching(
                /Index (Only )?Scan on article_tags|Index Only Scan on articles using IDX_articles_published/,
              ),
            ]),
          );
        }
      });

      it('serves a deep page of the public list from the published index', async () => {
        const nodes = await plan(listQuery({ scope: live, sort: NEWEST, limit: 20, offset: 2000 }));
        expect(nodes).toContain('Index Only Scan on articles using IDX_articles_published');
        expect(nodes.filter((n) => /Sort|Seq Scan/.test(n))).toEqual([]);
      });

      it('finds the matches of a word in every article through the GIN index, never by reading each vector', async () => {
        for (const query of [
          listQuery({ scope: live, q: word, sort: [{ field: 'relevance', direction: 'DESC' }], limit: 20, offset: 0 }),
          listQuery({ scope: live, q: word, sort: NEWEST, limit: 20, offset: 0 }),
          countQuery({ scope: live, q: word }),
        ]) {
          const nodes = await plan(query);
          expect(nodes).toContain('Bitmap Index Scan using IDX_article_search_vector');
          expect(nodes.filter((n) => /Seq Scan on article_search|Index Scan.* on article_search/.test(n))).toEqual([]);
        }
      });
    });
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
