import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from 'typeorm';
import {
  type Answer,
  expectSqlSnapshot,
  RecordingDatabase,
  renderSqlSnapshot,
  type SqlSnapshotEntry,
} from '../../test/utils/sql-snapshot.js';
import { applyEdits, deriveFields, snapshotOf } from './article-content.js';
import { ArticleRevision } from './article-revision.entity.js';
import { ArticleSlugRedirect } from './article-slug.entity.js';
import { Article } from './article.entity.js';
import { Practitioner } from '../practitioners/index.js';
import {
  ADMIN_SUMMARY_COLUMNS,
  countQuery,
  detailQuery,
  feedQuery,
  listQuery,
  RANKED_PER_GROUP,
  type ListScope,
  type ListSort,
  type ListSpec,
  redirectQuery,
  relatedQuery,
  SEARCH_COUNT_CAP,
  type SqlQuery,
  SUMMARY_COLUMNS,
  tagsOfQuery,
  tagsQuery,
} from './articles.queries.js';
import { ArticlesRepository, type ListFilter } from './articles.repository.js';

const SNAPSHOT = fileURLToPath(new URL('./queries/articles.repository.sql', import.meta.url));
const REGENERATE = 'npm run test:unit -- --testPathPatterns articles.queries';

const NOW = new Date('2026-11-03T09:00:00Z');
const LIVE: ListScope = { live: true, now: NOW };
const NEWEST: ListSort[] = [{ field: 'publishedAt', direction: 'DESC' }];
const ARTICLE_ID = '5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a';
const REVISION_ID = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const EDITOR_ID = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';
const PRACTITIONER_ID = '3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d';
const PUBLISHER_ID = '7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8';

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

/** A draft as created on NOW by an editor, with its derived fields. */
function draft(): Article {
  const snapshot = applyEdits(
    undefined,
    { title: 'Being Kind to Yourself', body: 'Pause and notice.', tags: ['self-compassion'], author: { name: 'Maya' } },
    'being-kind-to-yourself',
  );
  return Object.assign(new Article(), {
    ...snapshot,
    ...deriveFields(snapshot),
    id: ARTICLE_ID,
    status: 'draft',
    publishedAt: null,
    version: 1,
    createdBy: EDITOR_ID,
    updatedBy: EDITOR_ID,
    createdAt: NOW,
    updatedAt: NOW,
  } satisfies Partial<Article>);
}

/** Counts are read as `[{ total }]`. */
const COUNTED: Answer[] = [{ match: /::int AS total\b/, rows: [{ total: 0 }] }];

/** Sort terms as the API writes them: `by('-relevance', 'title')`. */
const by = (...terms: string[]): ListSort[] =>
  terms.map((term) => ({
    field: term.replace(/^-/, '') as ListSort['field'],
    direction: term.startsWith('-') ? 'DESC' : 'ASC',
  }));

const filter = (overrides: Partial<ListFilter> = {}): ListFilter => ({
  sort: NEWEST,
  limit: 20,
  offset: 0,
  ...overrides,
});

interface SnapshotCase {
  method: keyof ArticlesRepository;
  /** What the representative arguments show. */
  situation: string;
  run: (articles: ArticlesRepository, manager: EntityManager, db: RecordingDatabase) => Promise<unknown>;
  answers?: (db: RecordingDatabase) => Answer[];
}

/** Every query the repository sends, each method with arguments that show its SQL's variants. */
const CASES: SnapshotCase[] = [
  {
    method: 'listLive',
    situation: 'newest first, page 3',
    run: (a) => a.listLive(NOW, filter({ offset: 40 })),
    answers: () => COUNTED,
  },
  {
    method: 'listLive',
    situation: 'a tag, newest first: a walk of article_tags, counted by the counters less the scheduled',
    run: (a) => a.listLive(NOW, filter({ tag: 'anxiety', offset: 20 })),
    answers: () => COUNTED,
  },
  {
    method: 'listLive',
    situation: 'a search, best match first: title matches, then the newest ranked, counted up to the cap',
    run: (a) => a.listLive(NOW, filter({ q: 'self compassion', sort: by('-relevance') })),
    answers: () => COUNTED,
  },
  {
    method: 'listLive',
    situation: 'a search, newest first',
    run: (a) => a.listLive(NOW, filter({ q: 'grounding', sort: by('-publishedAt') })),
    answers: () => COUNTED,
  },
  {
    method: 'listLive',
    situation: 'a tag and a search, best match first',
    run: (a) =>
      a.listLive(NOW, filter({ tag: 'anxiety', q: 'self compassion', sort: by('-relevance', '-publishedAt') })),
    answers: () => COUNTED,
  },
  {
    method: 'listLive',
    situation: 'after a cursor, every term descending: a row comparison',
    run: (a) => a.listLive(NOW, filter({ after: [new Date('2026-10-01T00:00:00Z'), ARTICLE_ID] })),
    answers: () => COUNTED,
  },
  {
    method: 'listLive',
    situation: 'after a cursor, mixed directions: the expanded form',
    run: (a) =>
      a.listLive(
        NOW,
        filter({ sort: by('title', '-publishedAt'), after: ['Sleep', new Date('2026-10-01T00:00:00Z'), ARTICLE_ID] }),
      ),
    answers: () => COUNTED,
  },
  {
    method: 'listLive',
    situation: 'one practitioner’s, newest first: their index, counted in it',
    run: (a) => a.listLive(NOW, filter({ author: PRACTITIONER_ID })),
    answers: () => COUNTED,
  },
  {
    method: 'listLive',
    situation: 'one practitioner’s with a tag, after a cursor',
    run: (a) =>
      a.listLive(
        NOW,
        filter({ author: PRACTITIONER_ID, tag: 'anxiety', after: [new Date('2026-10-01T00:00:00Z'), ARTICLE_ID] }),
      ),
    answers: () => COUNTED,
  },
  { method: 'publishedPractitioner', situation: 'by slug', run: (a) => a.publishedPractitioner('elena-marsh') },
  { method: 'practitionerRenamedTo', situation: 'an old slug', run: (a) => a.practitionerRenamedTo('elena-m') },
  {
    method: 'linkedPractitioners',
    situation: 'the public’s: published ones only',
    run: (a) => a.linkedPractitioners([PRACTITIONER_ID], false),
  },
  {
    method: 'linkedPractitioners',
    situation: 'staff’s: hidden ones too',
    run: (a) => a.linkedPractitioners([PRACTITIONER_ID, PRACTITIONER_ID], true),
  },
  {
    method: 'practitionerIds',
    situation: 'the slugs a request names',
    run: (a, m) => a.practitionerIds(['elena-marsh', 'samuel-okafor'], m),
  },
  {
    method: 'existingPractitioners',
    situation: 'the links of a revision being restored',
    run: (a, m) => a.existingPractitioners([PRACTITIONER_ID], m),
  },
  { method: 'findLive', situation: 'by slug', run: (a) => a.findLive('being-kind-to-yourself', NOW) },
  { method: 'renamedTo', situation: 'an old slug', run: (a) => a.renamedTo('be-kind-to-yourself', NOW) },
  { method: 'findLiveTags', situation: 'by slug', run: (a) => a.findLiveTags('being-kind-to-yourself', NOW) },
  {
    method: 'related',
    situation: 'three sharing tags',
    run: (a) => a.related({ id: ARTICLE_ID, tags: ['self-compassion', 'anxiety'] }, NOW, 3),
  },
  { method: 'tagCounts', situation: 'page 2 of 50', run: (a) => a.tagCounts(NOW, 50, 50) },
  { method: 'feed', situation: 'the 20 newest', run: (a) => a.feed(NOW, 20) },
  {
    method: 'listAny',
    situation: 'every status, last updated first',
    run: (a, m) => a.listAny(undefined, filter({ sort: by('-updatedAt') }), m),
    answers: () => COUNTED,
  },
  {
    method: 'listAny',
    situation: 'drafts with a tag and a search, best match first',
    run: (a, m) => a.listAny('draft', filter({ tag: 'sleep', q: 'rest', sort: by('-relevance', '-updatedAt') }), m),
    answers: () => COUNTED,
  },
  { method: 'findById', situation: 'any status', run: (a) => a.findById(ARTICLE_ID) },
  { method: 'findForUpdate', situation: 'locked for a change', run: (a, m) => a.findForUpdate(ARTICLE_ID, m) },
  { method: 'slugsLike', situation: 'for a new slug', run: (a, m) => a.slugsLike('being-kind-to-yourself', m) },
  { method: 'claimSlug', situation: 'a free slug', run: (a, m) => a.claimSlug('being-kind-to-yourself', m) },
  {
    method: 'redirect',
    situation: 'the old slug of a renamed article',
    run: (a, m) => a.redirect('be-kind-to-yourself', ARTICLE_ID, m),
  },
  { method: 'previousSlugs', situation: 'of an article', run: (a) => a.previousSlugs(ARTICLE_ID) },
  { method: 'delete', situation: 'with its revisions and old slugs', run: (a, m) => a.delete(ARTICLE_ID, m) },
  {
    method: 'slugsWithCover',
    situation: 'the articles a media item is the cover of',
    run: (a, m) => a.slugsWithCover(ARTICLE_ID, m),
  },
  {
    method: 'save',
    situation: 'a new draft',
    run: (a, m) => a.save(Object.assign(draft(), { id: undefined, createdAt: undefined, updatedAt: undefined }), m),
    answers: () => [
      {
        match: /^INSERT INTO "articles"/,
        rows: [{ id: ARTICLE_ID, status: 'draft', version: 1, created_at: NOW, updated_at: NOW }],
      },
    ],
  },
  {
    method: 'save',
    situation: 'the next version: published',
    run: (a, m) =>
      a.save(Object.assign(draft(), { status: 'published', publishedAt: NOW, version: 2, updatedBy: PUBLISHER_ID }), m),
    answers: (db) => [
      { match: /^SELECT .* FROM "articles"/, rows: [db.rawRow(Article, draft())] },
      { match: /^UPDATE "articles"/, rows: [{ updated_at: NOW }] },
    ],
  },
  {
    method: 'insertRevision',
    situation: 'the revision of a change',
    run: (a, m) =>
      a.insertRevision(
        {
          articleId: ARTICLE_ID,
          version: 2,
          action: 'published',
          snapshot: snapshotOf(draft()),
          actorType: 'user',
          actorId: PUBLISHER_ID,
        },
        m,
      ),
    answers: () => [{ match: /^INSERT INTO "article_revisions"/, rows: [{ id: REVISION_ID, created_at: NOW }] }],
  },
  {
    method: 'revisions',
    situation: 'page 2 of 20: the page, then the count',
    run: (a) => a.revisions(ARTICLE_ID, { skip: 20, take: 20 }),
    answers: () => [{ match: /COUNT\(/i, rows: [{ cnt: 21 }] }],
  },
  { method: 'findRevision', situation: 'one of an article', run: (a, m) => a.findRevision(ARTICLE_ID, REVISION_ID, m) },
  {
    method: 'lastRevisionVersion',
    situation: 'the latest status change (what a preview token is bound to)',
    run: (a) => a.lastRevisionVersion(ARTICLE_ID, ['created', 'published', 'unpublished', 'archived']),
    answers: () => [{ match: /MAX\(/, rows: [{ MAX: 3 }] }],
  },
  {
    method: 'dueToGoLive',
    situation: 'scheduled articles whose time came, locked',
    run: (a, m) => a.dueToGoLive(NOW, 200, m),
  },
  {
    method: 'markWentLive',
    situation: 'their going live announced',
    run: (a, m) => a.markWentLive([ARTICLE_ID], NOW, m),
  },
];

describe('ArticlesRepository SQL (queries/articles.repository.sql)', () => {
  let db: RecordingDatabase;
  let articles: ArticlesRepository;

  beforeAll(async () => {
    db = await RecordingDatabase.create([Article, ArticleRevision, ArticleSlugRedirect, Practitioner]);
    articles = new ArticlesRepository(db.dataSource);
  });

  const record = async (): Promise<SqlSnapshotEntry[]> => {
    const entries: SqlSnapshotEntry[] = [];
    for (const c of CASES) {
      const statements = await db.record((manager) => c.run(articles, manager, db), c.answers?.(db));
      entries.push({ name: `ArticlesRepository.${c.method} (${c.situation})`, statements });
    }
    return entries;
  };

  it('is what the repository sends, as committed', async () => {
    const entries = await record();
    for (const { name, statements } of entries)
      expect({ name, sent: statements.length > 0 }).toEqual({ name, sent: true });
    expectSqlSnapshot(
      SNAPSHOT,
      renderSqlSnapshot(
        [
          'Every query ArticlesRepository sends, recorded by src/articles/articles.queries.spec.ts: do not edit.',
          `Regenerate: UPDATE_SQL_SNAPSHOTS=1 ${REGENERATE}`,
          'Each statement: its parameters, then its SQL (formatted for reading; control characters as \\uXXXX).',
        ],
        entries,
      ),
      REGENERATE,
    );
  });

  it('covers every query method of the repository', () => {
    const own = Object.getOwnPropertyNames(ArticlesRepository.prototype).filter(
      (name) => name !== 'constructor' && name !== 'rows',
    );
    const used = new Set(CASES.map((c) => c.method));
    expect(
      [...own, 'findById', 'findForUpdate', 'save'].filter((name) => !used.has(name as keyof ArticlesRepository)),
    ).toEqual([]);
  });
});

describe('listQuery', () => {
  it('restricts the live scope to published articles up to now ($1)', () => {
    const query = listQuery(spec({ tag: 'sleep', sort: by('title') }));
    expect(query.values).toEqual([NOW, 'sleep', 20, 0]);
    expect(query.text).toContain("a.status = 'published' AND a.published_at <= $1 AND a.tags @> ARRAY[$2]::text[]");
    expect(query.text.startsWith(`SELECT ${SUMMARY_COLUMNS} FROM`)).toBe(true);
  });

  describe('a live tag list by date', () => {
    it.each<[string, ListSort[]]>([
      ['DESC', NEWEST],
      ['ASC', by('publishedAt')],
    ])('walks article_tags (published articles only) up to now, %s', (direction, sort) => {
      const { text, values } = listQuery(spec({ tag: 'sleep', sort }));
      expect(text).toContain(
        '(SELECT t.article_id AS id, t.published_at FROM article_tags t WHERE t.tag = $2 AND t.published_at <= $1) k' +
          ` ORDER BY k.published_at ${direction}, k.id ${direction} LIMIT $3 OFFSET $4`,
      );
      expect(text).not.toContain('a.tags @>');
      expect(values).toEqual([NOW, 'sleep', 20, 0]);
    });

    it('seeks to a cursor in the same index', () => {
      const { text } = listQuery(spec({ tag: 'sleep', after: ['2026-10-01T00:00:00.000Z', 'id-1'] }));
      expect(text).toContain(
        'FROM article_tags t WHERE t.tag = $2 AND t.published_at <= $1) k WHERE (k.published_at, k.id) < ($3, $4)',
      );
    });

    it('is not used by staff lists, nor by other orders', () => {
      for (const other of [
        spec({ tag: 'sleep', scope: { live: false, status: 'published' } }),
        spec({ tag: 'sleep', sort: by('-publishedAt', 'title') }),
      ]) {
        expect(listQuery(other).text).not.toContain('article_tags');
      }
    });
  });

  describe('searches', () => {
    const search = (overrides: Partial<ListSpec>) => listQuery(spec({ q: 'calm', ...overrides }));

    it('find matches through article_search, and highlight only the returned rows', () => {
      const { text } = search({ sort: by('-publishedAt') });
      expect(text).toContain(
        "FROM article_search s, websearch_to_tsquery('english', $2) AS query WHERE s.search_vector @@ query AND s.status = 'published' AND s.published_at <= $1",
      );
      expect(text).not.toContain('a.search_vector');
      // The headline is computed in the outer query, after the page's LIMIT.
      expect(text.indexOf('ts_headline')).toBeLessThan(text.indexOf(' FROM ('));
      expect(text.lastIndexOf('LIMIT')).toBeLessThan(text.indexOf(') p JOIN articles a'));
    });

    it('orders by relevance as: title matches first, then the ranked, then newest, ids last', () => {
      const { text } = search({ sort: by('-relevance') });
      expect(text).toMatch(
        / ORDER BY p\.in_title DESC, p\.rank DESC NULLS LAST, p\.published_at DESC NULLS LAST, p\.id DESC$/,
      );
      expect(search({ sort: by('relevance') }).text).toMatch(
        / ORDER BY p\.in_title ASC, p\.rank ASC NULLS FIRST, p\.published_at ASC NULLS FIRST, p\.id ASC$/,
      );
    });

    it(`ranks only the newest ${RANKED_PER_GROUP} of each group`, () => {
      expect(search({ sort: by('-relevance') }).text).toContain(
        `CASE WHEN row_number() OVER (PARTITION BY m.in_title ORDER BY m.published_at DESC NULLS LAST, m.id DESC) <= ${RANKED_PER_GROUP} THEN ts_rank_cd(m.vector, m.query) END AS rank`,
      );
    });

    it(`sorts only offset + limit + ${RANKED_PER_GROUP} matches in the default relevance order, every match in others`, () => {
      for (const sort of [by('-relevance'), by('-relevance', '-publishedAt')]) {
        const { text, values } = search({ sort, limit: 10, offset: 30 });
        expect(text).toContain('ORDER BY in_title DESC, s.published_at DESC NULLS LAST, s.article_id DESC LIMIT $3) m');
        expect(values).toEqual([NOW, 'calm', 30 + 10 + RANKED_PER_GROUP, 10, 30]);
      }
      for (const sort of [by('relevance'), by('-relevance', 'title'), by('title', '-relevance')]) {
        expect(search({ sort }).text).not.toContain('s.article_id DESC LIMIT');
      }
    });

    it('reads the article rows of the matches only for sorts article_search cannot answer', () => {
      expect(search({ sort: by('-relevance') }).text).not.toContain('JOIN articles a ON a.id = s.article_id');
      expect(search({ sort: by('title') }).text).toContain(
        'FROM article_search s JOIN articles a ON a.id = s.article_id, websearch_to_tsquery',
      );
    });

    it('filters staff searches by status in article_search, and by tag there too', () => {
      const { text, values } = search({
        scope: { live: false, status: 'draft' },
        tag: 'sleep',
        sort: by('-relevance'),
      });
      expect(text).toContain('WHERE s.search_vector @@ query AND s.status = $1 AND s.tags @> ARRAY[$2]::text[]');
      expect(values.slice(0, 3)).toEqual(['draft', 'sleep', 'calm']);
    });
  });

  it('filters the staff scope by status, without a now parameter, and shows every status without one', () => {
    const drafts = listQuery(spec({ scope: { live: false, status: 'archived' }, tag: 'sleep' }));
    expect(drafts.values).toEqual(['archived', 'sleep', 20, 0]);
    expect(drafts.text).toContain('WHERE a.status = $1 AND a.tags @> ARRAY[$2]::text[]) k');
    expect(drafts.text).not.toContain("'published'");
    expect(drafts.text.startsWith(`SELECT ${ADMIN_SUMMARY_COLUMNS} FROM`)).toBe(true);
    const all = listQuery(spec({ scope: { live: false }, tag: 'sleep' }));
    expect(all.values).toEqual(['sleep', 20, 0]);
    expect(all.text).not.toContain('a.status =');
  });

  describe('keyset (cursor) predicates', () => {
    it('compares rows with < when every term is descending', () => {
      const { text, values } = listQuery(spec({ after: ['2026-10-01T00:00:00.000Z', 'id-1'] }));
      expect(text).toContain(
        ' WHERE (k.published_at, k.id) < ($2, $3) ORDER BY k.published_at DESC, k.id DESC LIMIT $4)',
      );
      expect(text).not.toContain('OFFSET');
      expect(values).toEqual([NOW, '2026-10-01T00:00:00.000Z', 'id-1', 20]);
    });

    it('compares rows with > when every term is ascending', () => {
      const { text, values } = listQuery(spec({ sort: by('title'), after: ['Sleep', 'id-1'] }));
      expect(text).toContain(' WHERE (k.title, k.id) > ($2, $3) ORDER BY k.title ASC, k.id ASC LIMIT $4)');
      expect(values).toEqual([NOW, 'Sleep', 'id-1', 20]);
    });

    it('expands mixed directions into alternatives, each term in its own direction', () => {
      const { text } = listQuery(
        spec({ sort: by('title', '-publishedAt'), after: ['Sleep', '2026-10-01T00:00:00.000Z', 'id-1'] }),
      );
      expect(text).toContain(
        ' WHERE ((k.title > $2) OR (k.title = $2 AND k.published_at < $3) OR (k.title = $2 AND k.published_at = $3 AND k.id < $4))',
      );
    });
  });

  it('breaks ties by id in the direction of the last term, and by id alone, descending, without terms', () => {
    const { text } = listQuery(spec({ sort: by('-publishedAt', 'title') }));
    expect(text).toContain(' ORDER BY k.published_at DESC, k.title ASC, k.id ASC LIMIT');
    expect(text).toMatch(/ ORDER BY p\.published_at DESC, p\.title ASC, p\.id ASC$/);
    expect(listQuery(spec({ scope: { live: false }, sort: [] })).text).toMatch(/ ORDER BY p\.id DESC$/);
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

    it('numbers the placeholders consecutively from $1, each one used, for any list and its count', () => {
      fc.assert(
        fc.property(specs, (list) => {
          expectConsecutivePlaceholders(listQuery(list));
          expectConsecutivePlaceholders(countQuery(list));
        }),
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
      const { text, values } = listQuery(spec({ limit: 7, offset: 1234 }));
      expect(text).toMatch(/ LIMIT \$2 OFFSET \$3\)/);
      expect(text).not.toContain('1234');
      expect(values).toEqual([NOW, 7, 1234]);
    });
  });
});

describe('countQuery', () => {
  it('keeps a hostile status, tag and search out of the text', () => {
    const tag = "x'); DROP TABLE articles; --";
    const q = "'; SELECT 1; --";
    const query = countQuery({ scope: { live: false, status: "draft' OR '1'='1" }, tag, q });
    expect(query.values).toEqual(["draft' OR '1'='1", tag, q]);
    for (const value of [tag, q, "'1'='1"]) expect(query.text).not.toContain(value);
  });

  it('counts a search with the same filters as the list, up to the cap and one', () => {
    const filters = { scope: LIVE, tag: 'sleep', q: 'rest' };
    const where = (text: string) => /FROM article_search s.*? WHERE (.*?)( ORDER BY| LIMIT|\) k)/.exec(text)?.[1];
    const count = countQuery(filters).text;
    expect(where(count)).toBe(where(listQuery(spec({ ...filters, sort: by('-publishedAt') })).text));
    expect(count).toContain(`LIMIT ${SEARCH_COUNT_CAP + 1}) m`);
    expect(count).toMatch(
      new RegExp(
        `^SELECT least\\(count\\(\\*\\), ${SEARCH_COUNT_CAP}\\)::int AS total, count\\(\\*\\) > ${SEARCH_COUNT_CAP} AS capped`,
      ),
    );
  });

  it('reads live totals from the published counters less the scheduled articles', () => {
    expect(countQuery({ scope: LIVE })).toEqual({
      text:
        "SELECT ((SELECT coalesce(sum(c.count), 0) FROM article_counts c WHERE c.status = 'published' AND c.tag = '')" +
        " - (SELECT count(*) FROM articles a WHERE a.status = 'published' AND a.published_at > $1))::int AS total",
      values: [NOW],
    });
    expect(countQuery({ scope: LIVE, tag: 'sleep' })).toEqual({
      text:
        "SELECT ((SELECT coalesce(sum(c.count), 0) FROM article_counts c WHERE c.status = 'published' AND c.tag = $2)" +
        ' - (SELECT count(*) FROM article_tags t WHERE t.tag = $2 AND t.published_at > $1))::int AS total',
      values: [NOW, 'sleep'],
    });
  });

  it('reads staff totals from the counters of a status, or of every status', () => {
    expect(countQuery({ scope: { live: false, status: 'draft' }, tag: 'sleep' })).toEqual({
      text: 'SELECT coalesce(sum(c.count), 0)::int AS total FROM article_counts c WHERE c.tag = $1 AND c.status = $2',
      values: ['sleep', 'draft'],
    });
    expect(countQuery({ scope: { live: false } })).toEqual({
      text: "SELECT coalesce(sum(c.count), 0)::int AS total FROM article_counts c WHERE c.tag = ''",
      values: [],
    });
  });
});

describe('single-article and other public queries', () => {
  const slug = "x' OR '1'='1";

  it.each<[string, SqlQuery]>([
    ['detailQuery', detailQuery(slug, NOW)],
    ['redirectQuery', redirectQuery(slug, NOW)],
    ['tagsOfQuery', tagsOfQuery(slug, NOW)],
    ['feedQuery', feedQuery(NOW, 20)],
  ])('%s binds every value, now first, and restricts to live articles', (_name, query) => {
    expectConsecutivePlaceholders(query);
    expect(query.values[0]).toBe(NOW);
    expect(query.text).toContain("a.status = 'published' AND a.published_at <= $1");
    expect(query.text).not.toContain("x' OR");
    expect(query.text).not.toContain('sleep');
  });

  it('relatedQuery counts shared tags in article_tags (published articles) up to now, binding every value', () => {
    const query = relatedQuery({ id: 'id-1', tags: ["sleep'); --", 'anxiety'] }, NOW, 3);
    expectConsecutivePlaceholders(query);
    expect(query.values).toEqual([NOW, 'id-1', ["sleep'); --", 'anxiety'], 3]);
    expect(query.text).toContain(
      'FROM article_tags t WHERE t.tag = ANY($3::text[]) AND t.published_at <= $1 AND t.article_id <> $2 GROUP BY t.article_id',
    );
    expect(query.text).not.toContain('sleep');
  });

  it('tagsQuery counts from the published counters less the scheduled articles, now first', () => {
    const query = tagsQuery(NOW, 50, 100);
    expectConsecutivePlaceholders(query);
    expect(query.values).toEqual([NOW, 50, 100]);
    expect(query.text).toContain('FROM article_counts c LEFT JOIN (SELECT tag, count(*) AS count FROM articles a');
    expect(query.text).toContain("WHERE a.status = 'published' AND a.published_at > $1 GROUP BY tag) f");
  });

  it('selects summaries without the body', () => {
    expect(SUMMARY_COLUMNS).not.toMatch(/\bbody/);
    expect(ADMIN_SUMMARY_COLUMNS).toBe(
      `${SUMMARY_COLUMNS}, a.status, a.word_count, a.version, a.created_at, a.updated_at`,
    );
  });
});
