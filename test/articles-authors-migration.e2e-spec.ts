import type { DataSource } from 'typeorm';
import { runPendingMigrations } from '../src/database/migration-runner.js';
import { migrateToJustBefore, useDatabaseBefore } from './utils/migrations-under-test.js';

const MIGRATION = 'ArticleAuthors1796640000000';

/** ArticleAuthors on articles stored before it: author texts become (hidden) practitioners the articles link to. */
describe('ArticleAuthors migration of existing articles', () => {
  const database = useDatabaseBefore(MIGRATION);
  let ds: DataSource;
  beforeAll(() => {
    ds = database();
  });

  /** An article as the schema before the migration stored it. */
  function article(n: number, author: string, credentials: string | null, reviewedBy: string | null = null) {
    return ds.query(
      `INSERT INTO articles (id, slug, title, excerpt, body, body_html, body_text, toc, word_count, reading_time_minutes,
         tags, author_name, author_credentials, reviewed_by, reviewed_at, status, published_at, updated_at)
       VALUES ($1, $2, $3, 'x', 'x', '<p>x</p>', 'x', '[]', 1, 1, '{}', $4, $5, $6, $7, 'published', $8, $8)`,
      [
        `00000000-0000-4000-8000-00000000000${n}`,
        `article-${n}`,
        `Article ${n}`,
        author,
        credentials,
        reviewedBy,
        reviewedBy ? '2026-01-01' : null,
        new Date(Date.UTC(2026, 0, n)),
      ],
    );
  }

  it('makes one hidden practitioner per author text, reuses one of the same name, and links the articles', async () => {
    // A published practitioner already has the name of one author (written differently), another has the slug
    // the new one would get.
    await ds.query(
      `INSERT INTO practitioners (slug, name, credentials, licenses, bio, bio_html, specialties, approaches, languages, published)
       VALUES ('priya-nair', 'Priya Nair', '{LPC}', '[]', '', '', '{}', '{}', '{}', true),
              ('ana-ruiz', 'Ana Ruiz Gómez', '{}', '[]', '', '', '{}', '{}', '{}', true)`,
    );
    await article(1, 'Ana Ruiz', 'LPC');
    await article(2, 'Ana Ruiz', 'LPC, PhD');
    await article(3, ' priya nair ', null, 'Dr. Priya Nair, LPC');
    await article(4, 'Zoë Éclair', null, 'Someone Unknown, MD');

    await runPendingMigrations(ds);

    expect(await ds.query(`SELECT slug, name, credentials, published FROM practitioners ORDER BY slug`)).toEqual([
      { slug: 'ana-ruiz', name: 'Ana Ruiz Gómez', credentials: [], published: true },
      // The newest article's credentials; a free slug; hidden until staff publish it.
      { slug: 'ana-ruiz-2', name: 'Ana Ruiz', credentials: ['LPC', 'PhD'], published: false },
      { slug: 'priya-nair', name: 'Priya Nair', credentials: ['LPC'], published: true },
      { slug: 'zoe-eclair', name: 'Zoë Éclair', credentials: [], published: false },
    ]);
    expect(
      await ds.query(
        `SELECT a.slug, a.author_name, au.slug AS author, rv.slug AS reviewer FROM articles a
         LEFT JOIN practitioners au ON au.id = a.author_practitioner_id
         LEFT JOIN practitioners rv ON rv.id = a.reviewed_by_practitioner_id ORDER BY a.slug`,
      ),
    ).toEqual([
      // Both articles of one author share one practitioner; the texts stay as they were.
      { slug: 'article-1', author_name: 'Ana Ruiz', author: 'ana-ruiz-2', reviewer: null },
      { slug: 'article-2', author_name: 'Ana Ruiz', author: 'ana-ruiz-2', reviewer: null },
      { slug: 'article-3', author_name: ' priya nair ', author: 'priya-nair', reviewer: 'priya-nair' },
      { slug: 'article-4', author_name: 'Zoë Éclair', author: 'zoe-eclair', reviewer: null },
    ]);
    // Deleting a practitioner unlinks their articles; it does not delete them.
    await ds.query(`DELETE FROM practitioners WHERE slug = 'zoe-eclair'`);
    expect(await ds.query(`SELECT author_practitioner_id FROM articles WHERE slug = 'article-4'`)).toEqual([
      { author_practitioner_id: null },
    ]);
  });

  it('down drops the links and keeps the practitioners; up again reuses them', async () => {
    // Down to before it, undoing the migrations that came later first.
    await migrateToJustBefore(ds, MIGRATION);
    const columns = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'articles' AND column_name LIKE '%practitioner%'`,
    );
    expect(columns).toEqual([]);
    await runPendingMigrations(ds);
    expect(await ds.query(`SELECT count(*)::int AS n FROM practitioners`)).toEqual([{ n: 4 }]);
    expect(
      await ds.query(
        `SELECT count(DISTINCT author_practitioner_id)::int AS n FROM articles WHERE author_practitioner_id IS NOT NULL`,
      ),
    ).toEqual([{ n: 3 }]);
  });
});
