import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What article reads need so that their cost does not grow with the table, kept by triggers on `articles`:
 * `article_counts` (articles per status, and per status and tag: `meta.total` without counting rows),
 * `article_tags` (each published article under each of its tags, by publication date: tag lists walk it) and
 * `article_search` (narrow rows with the search vectors, which move here from `articles`: finding the matches of a
 * common word visits small rows). Each trigger is per statement, with its transition tables, so that a bulk load is
 * one grouped write per table, and every write path (the API, the seed, SQL by hand) keeps them exact: they change in
 * the same statement, hence the same transaction, as the article. Counter rows are written in (status, tag) order, so
 * two writers never lock them in opposite orders.
 */
export class ArticleReadModel1796614157066 implements MigrationInterface {
  name = 'ArticleReadModel1796614157066';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // The search vector moves to article_search.
    await queryRunner.query(`DROP INDEX "public"."IDX_articles_search"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "search_vector"`);
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = $1 AND "name" = $2 AND "database" = current_database() AND "schema" = $3 AND "table" = $4`,
      ['GENERATED_COLUMN', 'search_vector', 'public', 'articles'],
    );
    // Published means dated: what live counts (published less scheduled) rely on.
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "CHK_articles_published_dated" CHECK (status <> 'published' OR published_at IS NOT NULL)`,
    );

    await queryRunner.query(
      `CREATE TABLE "article_counts" ("status" "public"."article_status" NOT NULL, "tag" text NOT NULL, "count" integer NOT NULL, CONSTRAINT "PK_5c8d582867f4bfd96597ca68382" PRIMARY KEY ("status", "tag"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "article_search" ("article_id" uuid NOT NULL, "status" "public"."article_status" NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, "tags" text array NOT NULL, "title_vector" tsvector NOT NULL, "search_vector" tsvector NOT NULL, CONSTRAINT "PK_02dc3bb313482ba02ee5262455f" PRIMARY KEY ("article_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "article_tags" ("article_id" uuid NOT NULL, "tag" text NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_3673bce90f8587ea41202992fe3" PRIMARY KEY ("article_id", "tag"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_article_tags_walk" ON "article_tags"  ("tag", "published_at", "article_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "article_search" ADD CONSTRAINT "FK_02dc3bb313482ba02ee5262455f" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_tags" ADD CONSTRAINT "FK_f8c9234a4c4cb37806387f0c9e9" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_article_search_vector" ON "article_search" USING GIN ("search_vector")`);
    // Without statistics the planner takes every search term as rare and always finds matches through the GIN
    // index. With them, a common term makes it test `@@` row by row instead (a sequential scan, or a walk in date
    // order), and each test reads the row's 4 kB vector: measured 10-40x slower than the index on 100,000 articles.
    await queryRunner.query(`ALTER TABLE "article_search" ALTER COLUMN "search_vector" SET STATISTICS 0`);

    await queryRunner.query(`CREATE FUNCTION "articles_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO article_search (article_id, status, published_at, tags, title_vector, search_vector)
          SELECT n.id, n.status, n.published_at, n.tags, to_tsvector('english'::regconfig, n.title),
                 article_search_vector(n.title, n.excerpt, n.tags, n.body_text)
          FROM new_articles n;
        INSERT INTO article_tags (article_id, tag, published_at)
          SELECT DISTINCT n.id, t.tag, n.published_at FROM new_articles n, unnest(n.tags) AS t(tag)
          WHERE n.status = 'published';
        INSERT INTO article_counts AS c (status, tag, count)
          SELECT n.status, k.tag, count(*) FROM new_articles n, LATERAL (SELECT '' UNION SELECT unnest(n.tags)) AS k(tag)
          GROUP BY n.status, k.tag ORDER BY n.status, k.tag
          ON CONFLICT (status, tag) DO UPDATE SET count = c.count + excluded.count;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE FUNCTION "articles_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Vectors are computed again only when what they are made of changed.
        UPDATE article_search s SET status = n.status, published_at = n.published_at, tags = n.tags,
            title_vector = CASE WHEN n.title = o.title THEN s.title_vector
                                ELSE to_tsvector('english'::regconfig, n.title) END,
            search_vector = CASE WHEN (n.title, n.excerpt, n.tags, n.body_text) = (o.title, o.excerpt, o.tags, o.body_text)
                                 THEN s.search_vector ELSE article_search_vector(n.title, n.excerpt, n.tags, n.body_text) END
          FROM new_articles n JOIN old_articles o ON o.id = n.id
          WHERE s.article_id = n.id
            AND (n.title, n.excerpt, n.tags, n.body_text, n.status, n.published_at)
                IS DISTINCT FROM (o.title, o.excerpt, o.tags, o.body_text, o.status, o.published_at);
        DELETE FROM article_tags t USING old_articles o JOIN new_articles n ON n.id = o.id
          WHERE t.article_id = o.id AND o.status = 'published'
            AND (n.status, n.published_at, n.tags) IS DISTINCT FROM (o.status, o.published_at, o.tags);
        INSERT INTO article_tags (article_id, tag, published_at)
          SELECT DISTINCT n.id, t.tag, n.published_at
          FROM new_articles n JOIN old_articles o ON o.id = n.id, unnest(n.tags) AS t(tag)
          WHERE n.status = 'published'
            AND (n.status, n.published_at, n.tags) IS DISTINCT FROM (o.status, o.published_at, o.tags);
        -- An edit that changes neither status nor tags cancels out here, and locks no counter.
        INSERT INTO article_counts AS c (status, tag, count)
          SELECT d.status, d.tag, sum(d.delta) FROM (
            SELECT n.status, k.tag, 1 AS delta FROM new_articles n, LATERAL (SELECT '' UNION SELECT unnest(n.tags)) AS k(tag)
            UNION ALL
            SELECT o.status, k.tag, -1 FROM old_articles o, LATERAL (SELECT '' UNION SELECT unnest(o.tags)) AS k(tag)
          ) d
          GROUP BY d.status, d.tag HAVING sum(d.delta) <> 0 ORDER BY d.status, d.tag
          ON CONFLICT (status, tag) DO UPDATE SET count = c.count + excluded.count;
        RETURN NULL;
      END $$`);
    // article_search and article_tags rows go with their article (ON DELETE CASCADE).
    await queryRunner.query(`CREATE FUNCTION "articles_after_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO article_counts AS c (status, tag, count)
          SELECT o.status, k.tag, -count(*) FROM old_articles o, LATERAL (SELECT '' UNION SELECT unnest(o.tags)) AS k(tag)
          GROUP BY o.status, k.tag ORDER BY o.status, k.tag
          ON CONFLICT (status, tag) DO UPDATE SET count = c.count + excluded.count;
        RETURN NULL;
      END $$`);
    // TRUNCATE articles needs CASCADE (other tables refer to it), which empties article_search and article_tags.
    await queryRunner.query(`CREATE FUNCTION "articles_after_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM article_counts;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "articles_after_insert" AFTER INSERT ON "articles"
      REFERENCING NEW TABLE AS new_articles FOR EACH STATEMENT EXECUTE FUNCTION "articles_after_insert"()`);
    await queryRunner.query(`CREATE TRIGGER "articles_after_update" AFTER UPDATE ON "articles"
      REFERENCING OLD TABLE AS old_articles NEW TABLE AS new_articles FOR EACH STATEMENT EXECUTE FUNCTION "articles_after_update"()`);
    await queryRunner.query(`CREATE TRIGGER "articles_after_delete" AFTER DELETE ON "articles"
      REFERENCING OLD TABLE AS old_articles FOR EACH STATEMENT EXECUTE FUNCTION "articles_after_delete"()`);
    await queryRunner.query(`CREATE TRIGGER "articles_after_truncate" AFTER TRUNCATE ON "articles"
      FOR EACH STATEMENT EXECUTE FUNCTION "articles_after_truncate"()`);

    // The articles there are (the ALTER TABLE above holds off every writer until this transaction ends).
    await queryRunner.query(`INSERT INTO article_search (article_id, status, published_at, tags, title_vector, search_vector)
      SELECT a.id, a.status, a.published_at, a.tags, to_tsvector('english'::regconfig, a.title),
             article_search_vector(a.title, a.excerpt, a.tags, a.body_text)
      FROM articles a`);
    await queryRunner.query(`INSERT INTO article_tags (article_id, tag, published_at)
      SELECT DISTINCT a.id, t.tag, a.published_at FROM articles a, unnest(a.tags) AS t(tag) WHERE a.status = 'published'`);
    await queryRunner.query(`INSERT INTO article_counts (status, tag, count)
      SELECT a.status, k.tag, count(*) FROM articles a, LATERAL (SELECT '' UNION SELECT unnest(a.tags)) AS k(tag)
      GROUP BY a.status, k.tag`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "articles_after_truncate" ON "articles"`);
    await queryRunner.query(`DROP TRIGGER "articles_after_delete" ON "articles"`);
    await queryRunner.query(`DROP TRIGGER "articles_after_update" ON "articles"`);
    await queryRunner.query(`DROP TRIGGER "articles_after_insert" ON "articles"`);
    await queryRunner.query(`DROP FUNCTION "articles_after_truncate"()`);
    await queryRunner.query(`DROP FUNCTION "articles_after_delete"()`);
    await queryRunner.query(`DROP FUNCTION "articles_after_update"()`);
    await queryRunner.query(`DROP FUNCTION "articles_after_insert"()`);
    await queryRunner.query(`ALTER TABLE "article_tags" DROP CONSTRAINT "FK_f8c9234a4c4cb37806387f0c9e9"`);
    await queryRunner.query(`ALTER TABLE "article_search" DROP CONSTRAINT "FK_02dc3bb313482ba02ee5262455f"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_article_tags_walk"`);
    await queryRunner.query(`DROP TABLE "article_tags"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_article_search_vector"`);
    await queryRunner.query(`DROP TABLE "article_search"`);
    await queryRunner.query(`DROP TABLE "article_counts"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "CHK_articles_published_dated"`);
    await queryRunner.query(
      `INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (current_database(), $1, $2, $3, $4, $5)`,
      [
        'public',
        'articles',
        'GENERATED_COLUMN',
        'search_vector',
        'article_search_vector(title, excerpt, tags, body_text)',
      ],
    );
    await queryRunner.query(
      `ALTER TABLE "articles" ADD "search_vector" tsvector GENERATED ALWAYS AS (article_search_vector(title, excerpt, tags, body_text)) STORED NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_articles_search" ON "articles" USING GIN ("search_vector")`);
  }
}
