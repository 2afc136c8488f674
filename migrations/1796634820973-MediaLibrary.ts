import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The media library: its items (alt text, dimensions, the files made from the upload) and, for the default storage,
 * the files themselves (bytea, keyed by content hash and name). Articles may take a media item as their cover.
 */
export class MediaLibrary1796634820973 implements MigrationInterface {
  name = 'MediaLibrary1796634820973';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "media_files" ("hash" character varying(32) NOT NULL, "name" character varying(32) NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_bbb2cbc048f5f1da85a9a376c9d" PRIMARY KEY ("hash", "name"))`,
    );
    await queryRunner.query(`CREATE TYPE "public"."media_format" AS ENUM('jpeg', 'png', 'webp', 'avif')`);
    await queryRunner.query(
      `CREATE TABLE "media_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" uuid, "updated_by" uuid, "hash" character varying(32) NOT NULL, "alt" character varying(250) NOT NULL, "format" "public"."media_format" NOT NULL, "width" integer NOT NULL, "height" integer NOT NULL, "upload_bytes" integer NOT NULL, "original" jsonb NOT NULL, "variants" jsonb NOT NULL, CONSTRAINT "PK_c23c721eba990b8d9c28c48592c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_media_items_hash" ON "media_items"  ("hash") `);
    await queryRunner.query(`CREATE INDEX "IDX_media_items_created" ON "media_items"  ("created_at", "id") `);
    await queryRunner.query(`ALTER TABLE "articles" ADD "cover_media_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "IDX_articles_cover_media" ON "articles"  ("cover_media_id") WHERE cover_media_id IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_articles_cover_media"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "cover_media_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_media_items_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_media_items_hash"`);
    await queryRunner.query(`DROP TABLE "media_items"`);
    await queryRunner.query(`DROP TYPE "public"."media_format"`);
    await queryRunner.query(`DROP TABLE "media_files"`);
  }
}
