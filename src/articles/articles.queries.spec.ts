import fc from 'fast-check';
import {
  ADMIN_SUMMARY_COLUMNS,
  countQuery,
  detailQuery,
  feedQuery,
  listQuery,
  type ListScope,
  type ListSort,
  type ListSpec,
  redirectQuery,
  relatedQuery,
  type SqlQuery,
  SUMMARY_COLUMNS,
  tagsQuery,
} from './articles.queries.js';

const NOW = new Date('2026-11-03T09:00:00Z');
const LIVE: ListScope = { live: true, now: NOW };
const VISIBLE = "a.status = 'published' AND a.published_at <= $1";
const NEWEST: ListSort[] = [{ field: 'publishedAt', direction: 'DESC' }];
const HEADLINE_OPTIONS =
  'StartSel=\u0002, StopSel=\u0003, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "';

const HOSTILE = ["x'); DROP TABLE articles; --", 'a" OR "1"="1', "O'Brien\\' OR 1=1 /* */", '$1', 'anxiety'];

const spec = (overrides: Partial<ListSpec> = {}): ListSpec => ({
  scope: LIVE,
  sort: NEWEST,
  limit: 20,
  offset: 0,
  ...overrides,
});

/** The `$n` placeholders of a statement, in order of appearance. */
const placeholders = (text: string): number[] => [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));

/** Every parameter is used, and only parameters that exist: `$1`…`$n` with n the number of values. */
function expectConsecutivePlaceholders({ text, values }: SqlQuery): void {
  expect([...new Set(placeholders(text))].sort((a, b) => a - b)).toEqual(values.map((_, i) => i + 1));
}

describe('listQuery', () => {
  it('lists live articles, newest first, by page', () => {
    expect(listQuery(spec({ offset: 40 }))).toEqual({
      text:
        `SELECT ${SUMMARY_COLUMNS} FROM (SELECT k.* FROM (SELECT a.id, a.published_at FROM articles a WHERE ${VISIBLE}) k` +
        ' ORDER BY k.published_at DESC, k.id DESC LIMIT $2 OFFSET $3) p JOIN articles a ON a.id = p.id' +
        ' ORDER BY p.published_at DESC, p.id DESC',
      values: [NOW, 20, 40],
    });
  });

  it('filters by tag and searches, with a highlight and relevance order', () => {
    expect(
      listQuery(
        spec({
          tag: 'anxiety',
          q: 'self compassion',
          sort: [
            { field: 'relevance', direction: 'DESC' },
            { field: 'publishedAt', direction: 'DESC' },
          ],
        }),
      ),
    ).toEqual({
      text:
        `SELECT ${SUMMARY_COLUMNS}, ts_headline('english', a.body_text, websearch_to_tsquery('english', $3), '${HEADLINE_OPTIONS}') AS highlight` +
        ' FROM (SELECT k.* FROM (SELECT a.id, a.published_at, ts_rank_cd(a.search_vector, query) AS rank' +
        " FROM articles a, websearch_to_tsquery('english', $3) AS query" +
        ` WHERE ${VISIBLE} AND a.tags @> ARRAY[$2]::text[] AND a.search_vector @@ query) k` +
        ' ORDER BY k.rank DESC, k.published_at DESC, k.id DESC LIMIT $4 OFFSET $5) p JOIN articles a ON a.id = p.id' +
        ' ORDER BY p.rank DESC, p.published_at DESC, p.id DESC',
      values: [NOW, 'anxiety', 'self compassion', 20, 0],
    });
  });

  it('continues after a keyset position with a row comparison when every term is descending', () => {
    expect(listQuery(spec({ after: ['2026-10-01T00:00:00.000Z', 'id-1'] }))).toEqual({
      text:
        `SELECT ${SUMMARY_COLUMNS} FROM (SELECT k.* FROM (SELECT a.id, a.published_at FROM articles a WHERE ${VISIBLE}) k` +
        ' WHERE (k.published_at, k.id) < ($2, $3) ORDER BY k.published_at DESC, k.id DESC LIMIT $4) p' +
        ' JOIN articles a ON a.id = p.id ORDER BY p.published_at DESC, p.id DESC',
      values: [NOW, '2026-10-01T00:00:00.000Z', 'id-1', 20],
    });
  });

  it('uses > in the row comparison when every term is ascending', () => {
    const { text, values } = listQuery(
      spec({ sort: [{ field: 'title', direction: 'ASC' }], after: ['Sleep', 'id-1'] }),
    );
    expect(text).toContain(' WHERE (k.title, k.id) > ($2, $3) ORDER BY k.title ASC, k.id ASC LIMIT $4)');
    expect(values).toEqual([NOW, 'Sleep', 'id-1', 20]);
  });

  it('expands mixed directions into alternatives', () => {
    const { text, values } = listQuery(
      spec({
        scope: { live: false, status: 'draft' },
        sort: [
          { field: 'title', direction: 'ASC' },
          { field: 'publishedAt', direction: 'DESC' },
        ],
        after: ['Sleep', '2026-10-01T00:00:00.000Z', 'id-1'],
      }),
    );
    expect({ text, values }).toEqual({
      text:
        `SELECT ${ADMIN_SUMMARY_COLUMNS} FROM (SELECT k.* FROM (SELECT a.id, a.title, a.published_at FROM articles a WHERE a.status = $1) k` +
        ' WHERE ((k.title > $2) OR (k.title = $2 AND k.published_at < $3) OR (k.title = $2 AND k.published_at = $3 AND k.id < $4))' +
        ' ORDER BY k.title ASC, k.published_at DESC, k.id DESC LIMIT $5) p JOIN articles a ON a.id = p.id' +
        ' ORDER BY p.title ASC, p.published_at DESC, p.id DESC',
      values: ['draft', 'Sleep', '2026-10-01T00:00:00.000Z', 'id-1', 20],
    });
  });

  it('breaks ties by id in the direction of the last term', () => {
    const { text } = listQuery(
      spec({
        sort: [
          { field: 'publishedAt', direction: 'DESC' },
          { field: 'title', direction: 'ASC' },
        ],
      }),
    );
    expect(text).toContain(' ORDER BY k.published_at DESC, k.title ASC, k.id ASC LIMIT');
    expect(text).toMatch(/ ORDER BY p\.published_at DESC, p\.title ASC, p\.id ASC$/);
  });

  it('orders by id alone, descending, without sort terms', () => {
    expect(listQuery(spec({ scope: { live: false }, sort: [] }))).toEqual({
      text:
        `SELECT ${ADMIN_SUMMARY_COLUMNS} FROM (SELECT k.* FROM (SELECT a.id FROM articles a WHERE TRUE) k` +
        ' ORDER BY k.id DESC LIMIT $1 OFFSET $2) p JOIN articles a ON a.id = p.id ORDER BY p.id DESC',
      values: [20, 0],
    });
  });

  it.each<[ListSort['field'], string]>([
    ['publishedAt', 'published_at'],
    ['title', 'title'],
    ['updatedAt', 'updated_at'],
    ['createdAt', 'created_at'],
  ])('sorts %s by the column %s, selected once in the inner query', (field, column) => {
    const { text } = listQuery(spec({ scope: { live: false }, sort: [{ field, direction: 'ASC' }] }));
    expect(text).toContain(
      `(SELECT a.id, a.${column} FROM articles a WHERE TRUE) k ORDER BY k.${column} ASC, k.id ASC`,
    );
  });

  describe('scopes', () => {
    it('restricts the live scope to published articles up to now ($1)', () => {
      const query = listQuery(spec({ tag: 'sleep' }));
      expect(query.values[0]).toBe(NOW);
      expect(query.text).toContain(`WHERE ${VISIBLE} AND a.tags @> ARRAY[$2]::text[]) k`);
      expect(query.text.startsWith(`SELECT ${SUMMARY_COLUMNS} FROM`)).toBe(true);
    });

    it('filters the staff scope by status, without a now parameter', () => {
      const query = listQuery(spec({ scope: { live: false, status: 'archived' }, tag: 'sleep' }));
      expect(query.values).toEqual(['archived', 'sleep', 20, 0]);
      expect(query.values.some((v) => v instanceof Date)).toBe(false);
      expect(query.text).toContain('WHERE a.status = $1 AND a.tags @> ARRAY[$2]::text[]) k');
      expect(query.text).not.toContain("'published'");
      expect(query.text.startsWith(`SELECT ${ADMIN_SUMMARY_COLUMNS} FROM`)).toBe(true);
    });

    it('shows every status in the staff scope without a status', () => {
      const query = listQuery(spec({ scope: { live: false }, tag: 'sleep' }));
      expect(query.values).toEqual(['sleep', 20, 0]);
      expect(query.text).toContain('WHERE a.tags @> ARRAY[$1]::text[]) k');
      expect(query.text).not.toContain('a.status =');
    });
  });

  describe('parameters', () => {
    const scopes: ListScope[] = [LIVE, { live: false }, { live: false, status: 'draft' }];
    const sorts: ListSort[][] = [
      [],
      NEWEST,
      [{ field: 'title', direction: 'ASC' }],
      [
        { field: 'relevance', direction: 'DESC' },
        { field: 'publishedAt', direction: 'ASC' },
      ],
      [
        { field: 'title', direction: 'DESC' },
        { field: 'updatedAt', direction: 'ASC' },
        { field: 'createdAt', direction: 'DESC' },
      ],
    ];
    const specs = fc
      .record({
        scope: fc.constantFrom(...scopes),
        tag: fc.option(fc.constantFrom(...HOSTILE), { nil: undefined }),
        q: fc.option(fc.constantFrom(...HOSTILE), { nil: undefined }),
        sort: fc.constantFrom(...sorts),
        limit: fc.integer({ min: 1, max: 100 }),
        offset: fc.integer({ min: 0, max: 10_000 }),
        keyset: fc.boolean(),
        afterValue: fc.constantFrom(...HOSTILE),
      })
      .map(({ keyset, afterValue, sort, ...rest }): ListSpec => ({
        ...rest,
        sort,
        after: keyset ? [...sort.map(() => afterValue), `${afterValue}-id`] : undefined,
      }));

    it('numbers the placeholders consecutively from $1, each one used, for any list', () => {
      fc.assert(
        fc.property(specs, (list) => expectConsecutivePlaceholders(listQuery(list))),
        { numRuns: 500 },
      );
    });

    it('passes tags, searches and keyset values only as parameters, for any list', () => {
      fc.assert(
        fc.property(specs, (list) => {
          const { text, values } = listQuery(list);
          for (const hostile of HOSTILE.filter((h) => h !== '$1')) expect(text).not.toContain(hostile);
          expect(text).not.toContain('DROP');
          if (list.tag !== undefined) expect(values).toContain(list.tag);
          if (list.q !== undefined) expect(values).toContain(list.q);
          for (const value of list.after ?? []) expect(values).toContain(value);
        }),
        { numRuns: 500 },
      );
    });

    it('keeps a hostile tag, search and cursor out of the text', () => {
      const tag = "x'); DROP TABLE articles; --";
      const q = "\"quoted\" OR '1'='1' -- ; SELECT pg_sleep(10)";
      const after = ["2026' OR '1'='1", "id'); DELETE FROM articles; --"];
      const query = listQuery(spec({ tag, q, after }));
      expect(query.values).toEqual([NOW, tag, q, ...after, 20]);
      for (const value of [tag, q, ...after, 'DROP', 'DELETE', 'pg_sleep']) expect(query.text).not.toContain(value);
    });

    it('uses LIMIT and OFFSET parameters, never literals', () => {
      const { text } = listQuery(spec({ limit: 7, offset: 1234 }));
      expect(text).toMatch(/ LIMIT \$2 OFFSET \$3\)/);
      expect(text).not.toContain('1234');
    });
  });
});

describe('countQuery', () => {
  it.each<[string, Pick<ListSpec, 'scope' | 'tag' | 'q'>, SqlQuery]>([
    [
      'live articles',
      { scope: LIVE },
      { text: `SELECT count(*)::int AS total FROM articles a WHERE ${VISIBLE}`, values: [NOW] },
    ],
    [
      'live articles with a tag and a search',
      { scope: LIVE, tag: 'sleep', q: 'rest' },
      {
        text:
          "SELECT count(*)::int AS total FROM articles a, websearch_to_tsquery('english', $3) AS query" +
          ` WHERE ${VISIBLE} AND a.tags @> ARRAY[$2]::text[] AND a.search_vector @@ query`,
        values: [NOW, 'sleep', 'rest'],
      },
    ],
    [
      'articles of one status',
      { scope: { live: false, status: 'draft' } },
      { text: 'SELECT count(*)::int AS total FROM articles a WHERE a.status = $1', values: ['draft'] },
    ],
    [
      'all articles',
      { scope: { live: false } },
      { text: 'SELECT count(*)::int AS total FROM articles a WHERE TRUE', values: [] },
    ],
    [
      'all articles matching a search',
      { scope: { live: false }, q: 'rest' },
      {
        text:
          "SELECT count(*)::int AS total FROM articles a, websearch_to_tsquery('english', $1) AS query" +
          ' WHERE TRUE AND a.search_vector @@ query',
        values: ['rest'],
      },
    ],
  ])('counts %s', (_label, filters, query) => {
    expect(countQuery(filters)).toEqual(query);
  });

  it('keeps a hostile tag and search out of the text', () => {
    const tag = "x'); DROP TABLE articles; --";
    const q = "'; SELECT 1; --";
    const query = countQuery({ scope: { live: false, status: "draft' OR '1'='1" }, tag, q });
    expect(query.values).toEqual(["draft' OR '1'='1", tag, q]);
    expect(query.text).toBe(
      "SELECT count(*)::int AS total FROM articles a, websearch_to_tsquery('english', $3) AS query" +
        ' WHERE a.status = $1 AND a.tags @> ARRAY[$2]::text[] AND a.search_vector @@ query',
    );
  });
});

describe('single-article and other public queries', () => {
  const slug = "x' OR '1'='1";

  it('reads a live article by slug', () => {
    const query = detailQuery(slug, NOW);
    expect(query).toEqual({
      text:
        `SELECT ${SUMMARY_COLUMNS}, a.body, a.body_html, a.toc, a.word_count, a.reviewed_by, a.reviewed_at::text AS reviewed_at,` +
        ` a.seo_title, a.seo_description, a.updated_at FROM articles a WHERE a.slug = $2 AND ${VISIBLE}`,
      values: [NOW, slug],
    });
    expectConsecutivePlaceholders(query);
  });

  it('finds the current slug of a renamed live article', () => {
    const query = redirectQuery(slug, NOW);
    expect(query).toEqual({
      text:
        'SELECT a.slug FROM article_slug_redirects r JOIN articles a ON a.id = r.article_id' +
        ` WHERE r.slug = $2 AND ${VISIBLE}`,
      values: [NOW, slug],
    });
    expectConsecutivePlaceholders(query);
  });

  it('finds related live articles by shared tags', () => {
    const tags = ["sleep'); --", 'anxiety'];
    const query = relatedQuery({ id: 'id-1', tags }, NOW, 3);
    expect(query).toEqual({
      text:
        `SELECT ${SUMMARY_COLUMNS}, count(*) OVER ()::int AS total FROM articles a` +
        ` WHERE ${VISIBLE} AND a.id <> $2 AND a.tags && $3::text[]` +
        ' ORDER BY cardinality(ARRAY(SELECT unnest(a.tags) INTERSECT SELECT unnest($3::text[]))) DESC, a.published_at DESC, a.id DESC' +
        ' LIMIT $4',
      values: [NOW, 'id-1', tags, 3],
    });
    expectConsecutivePlaceholders(query);
  });

  it('counts the tags of live articles', () => {
    const query = tagsQuery(NOW, 50, 100);
    expect(query).toEqual({
      text:
        'SELECT tag, count(*)::int AS count, count(*) OVER ()::int AS total FROM articles a, unnest(a.tags) AS tag' +
        ` WHERE ${VISIBLE} GROUP BY tag ORDER BY count DESC, tag ASC LIMIT $2 OFFSET $3`,
      values: [NOW, 50, 100],
    });
    expectConsecutivePlaceholders(query);
  });

  it('reads the newest live articles for the feed', () => {
    const query = feedQuery(NOW, 20);
    expect(query).toEqual({
      text: `SELECT ${SUMMARY_COLUMNS} FROM articles a WHERE ${VISIBLE} ORDER BY a.published_at DESC, a.id DESC LIMIT $2`,
      values: [NOW, 20],
    });
    expectConsecutivePlaceholders(query);
  });

  it('selects summaries without the body', () => {
    expect(SUMMARY_COLUMNS).not.toMatch(/\bbody/);
    expect(ADMIN_SUMMARY_COLUMNS).toBe(
      `${SUMMARY_COLUMNS}, a.status, a.word_count, a.version, a.created_at, a.updated_at`,
    );
  });
});
