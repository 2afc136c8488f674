import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Articles1795649191508 implements MigrationInterface {
  name = 'Articles1795649191508';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Immutable wrapper for the generated search column (array_to_string is only STABLE in general, but
    // is deterministic for text[]): title (A) > excerpt and tags (B) > body (C), English stemming.
    await queryRunner.query(
      `CREATE FUNCTION article_search_vector(title text, excerpt text, tags text[], body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(excerpt, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C') $$`,
    );
    await queryRunner.query(`CREATE TYPE "public"."article_status" AS ENUM('draft', 'published', 'archived')`);
    // TypeORM creates its bookkeeping table before migrations only while some entity has a generated column, and
    // none has since ArticleReadModel: create it as TypeORM does, so that a fresh database migrates.
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "typeorm_metadata" ("type" character varying NOT NULL, "database" character varying, "schema" character varying, "table" character varying, "name" character varying, "value" text)`,
    );
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
      `CREATE TABLE "articles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(120) NOT NULL, "title" character varying(200) NOT NULL, "excerpt" character varying(500) NOT NULL, "custom_excerpt" character varying(500), "body" text NOT NULL, "body_html" text NOT NULL, "body_text" text NOT NULL, "toc" jsonb NOT NULL, "word_count" integer NOT NULL, "reading_time_minutes" integer NOT NULL, "tags" text array NOT NULL, "cover_image_url" character varying(2048), "cover_image_alt" character varying(250), "author_name" character varying(100) NOT NULL, "author_credentials" character varying(50), "reviewed_by" character varying(150), "reviewed_at" date, "seo_title" character varying(70), "seo_description" character varying(160), "status" "public"."article_status" NOT NULL DEFAULT 'draft', "published_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "created_by" uuid, "updated_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "search_vector" tsvector GENERATED ALWAYS AS (article_search_vector(title, excerpt, tags, body_text)) STORED NOT NULL, CONSTRAINT "UQ_1123ff6815c5b8fec0ba9fec370" UNIQUE ("slug"), CONSTRAINT "PK_0a6e2c450d83e0b6052c2793334" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_articles_published" ON "articles"  ("published_at", "id") WHERE status = 'published'`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_articles_tags" ON "articles" USING GIN ("tags")`);
    await queryRunner.query(`CREATE INDEX "IDX_articles_search" ON "articles" USING GIN ("search_vector")`);
    await queryRunner.query(
      `CREATE TABLE "article_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" uuid NOT NULL, "version" integer NOT NULL, "action" character varying(20) NOT NULL, "snapshot" jsonb NOT NULL, "actor_type" character varying(20) NOT NULL, "actor_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e5a3375569c46d93baa9fe4bfe4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_4b0312f66a9d33a9ed864a981e" ON "article_revisions"  ("article_id", "version") `,
    );
    await queryRunner.query(
      `CREATE TABLE "article_slug_redirects" ("slug" character varying(120) NOT NULL, "article_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d4990ee49b62f921b334ed9689d" PRIMARY KEY ("slug"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_6c05a58c50dce6b76ab9ac8b38" ON "article_slug_redirects"  ("article_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "article_revisions" ADD CONSTRAINT "FK_d710c0a22d74814285c06f8994d" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_slug_redirects" ADD CONSTRAINT "FK_6c05a58c50dce6b76ab9ac8b385" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "article_slug_redirects" DROP CONSTRAINT "FK_6c05a58c50dce6b76ab9ac8b385"`);
    await queryRunner.query(`ALTER TABLE "article_revisions" DROP CONSTRAINT "FK_d710c0a22d74814285c06f8994d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6c05a58c50dce6b76ab9ac8b38"`);
    await queryRunner.query(`DROP TABLE "article_slug_redirects"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4b0312f66a9d33a9ed864a981e"`);
    await queryRunner.query(`DROP TABLE "article_revisions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_articles_published"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_articles_search"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_articles_tags"`);
    await queryRunner.query(`DROP TABLE "articles"`);
    await queryRunner.query(`DROP FUNCTION article_search_vector(text, text, text[], text)`);
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = $1 AND "name" = $2 AND "database" = current_database() AND "schema" = $3 AND "table" = $4`,
      ['GENERATED_COLUMN', 'search_vector', 'public', 'articles'],
    );
    await queryRunner.query(`DROP TYPE "public"."article_status"`);
  }
}
