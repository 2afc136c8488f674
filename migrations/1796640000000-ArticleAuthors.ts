import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Slug rules of the practitioners at the time of writing, frozen here: lowercase ASCII kebab-case, 120 at most. */
function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
  return slug || 'practitioner';
}

function freeSlug(base: string, taken: Set<string>): string {
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base.slice(0, 120 - `-${n}`.length).replace(/-+$/, '')}-${n}`;
  taken.add(slug);
  return slug;
}

/**
 * Articles' author and reviewer refer to practitioners (the texts stay: they are the byline shown). Every distinct
 * author text becomes a practitioner, hidden, unless a practitioner of that name exists (then it is reused), and its
 * articles are linked; a reviewer text is linked when it, or what precedes its first comma ("Dr. Ana Ruiz, PsyD"),
 * without a leading "Dr.", is a practitioner's name. Names compare trimmed and case-insensitively.
 */
export class ArticleAuthors1796640000000 implements MigrationInterface {
  name = 'ArticleAuthors1796640000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" ADD "author_practitioner_id" uuid`);
    await queryRunner.query(`ALTER TABLE "articles" ADD "reviewed_by_practitioner_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "IDX_articles_author_published" ON "articles" ("author_practitioner_id", "published_at", "id") WHERE status = 'published' AND author_practitioner_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_articles_reviewer" ON "articles" ("reviewed_by_practitioner_id") WHERE reviewed_by_practitioner_id IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "FK_articles_author_practitioner" FOREIGN KEY ("author_practitioner_id") REFERENCES "practitioners"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "FK_articles_reviewed_by_practitioner" FOREIGN KEY ("reviewed_by_practitioner_id") REFERENCES "practitioners"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );

    // Each author text once, with the credentials of its newest article (split into the practitioners' list).
    const authors = (await queryRunner.query(
      `SELECT DISTINCT ON (lower(btrim(author_name))) btrim(author_name) AS name, author_credentials AS credentials
       FROM articles WHERE btrim(author_name) <> '' ORDER BY lower(btrim(author_name)), updated_at DESC, id DESC`,
    )) as { name: string; credentials: string | null }[];
    const existing = (await queryRunner.query(`SELECT lower(btrim(name)) AS name FROM practitioners`)) as {
      name: string;
    }[];
    const known = new Set(existing.map((row) => row.name));
    const taken = new Set(
      (
        (await queryRunner.query(
          `SELECT slug FROM practitioners UNION SELECT slug FROM practitioner_slug_redirects`,
        )) as { slug: string }[]
      ).map((row) => row.slug),
    );
    for (const author of authors) {
      if (known.has(author.name.toLowerCase())) continue;
      known.add(author.name.toLowerCase());
      const credentials = (author.credentials ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '');
      await queryRunner.query(
        `INSERT INTO practitioners (slug, name, credentials, licenses, bio, bio_html, specialties, approaches, languages, published)
         VALUES ($1, $2, $3, '[]', '', '', '{}', '{}', '{}', false)`,
        [freeSlug(slugOf(author.name), taken), author.name.slice(0, 120), credentials],
      );
    }
    // The oldest practitioner of a name when two share it: a stable choice.
    const byName = `(SELECT p.id FROM practitioners p WHERE lower(btrim(p.name)) = lower(btrim(%s)) ORDER BY p.created_at, p.id LIMIT 1)`;
    await queryRunner.query(
      `UPDATE articles SET author_practitioner_id = ${byName.replace('%s', 'author_name')} WHERE btrim(author_name) <> ''`,
    );
    await queryRunner.query(
      `UPDATE articles SET reviewed_by_practitioner_id = coalesce(${byName.replace('%s', 'reviewed_by')}, ${byName.replace('%s', String.raw`regexp_replace(split_part(reviewed_by, ',', 1), '^\s*Dr\.?\s+', '')`)}) WHERE reviewed_by IS NOT NULL`,
    );
  }

  /** The links go; the practitioners made from author texts stay (they may have been edited since). */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "FK_articles_reviewed_by_practitioner"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "FK_articles_author_practitioner"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_articles_reviewer"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_articles_author_published"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "reviewed_by_practitioner_id"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "author_practitioner_id"`);
  }
}
