import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Practitioners and locations may show a media library item as their photo (with an optional alt text of their own).
 * As for article covers, no foreign key: deleting an item in use is refused by the media library's usage registry,
 * and the partial indexes answer its question (who shows this item?).
 */
export class DirectoryPhotos1796638659705 implements MigrationInterface {
  name = 'DirectoryPhotos1796638659705';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "locations" ADD "photo_media_id" uuid`);
    await queryRunner.query(`ALTER TABLE "locations" ADD "photo_alt" character varying(250)`);
    await queryRunner.query(`ALTER TABLE "practitioners" ADD "photo_media_id" uuid`);
    await queryRunner.query(`ALTER TABLE "practitioners" ADD "photo_alt" character varying(250)`);
    await queryRunner.query(
      `CREATE INDEX "IDX_locations_photo_media" ON "locations"  ("photo_media_id") WHERE photo_media_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_practitioners_photo_media" ON "practitioners"  ("photo_media_id") WHERE photo_media_id IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_practitioners_photo_media"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_locations_photo_media"`);
    await queryRunner.query(`ALTER TABLE "practitioners" DROP COLUMN "photo_alt"`);
    await queryRunner.query(`ALTER TABLE "practitioners" DROP COLUMN "photo_media_id"`);
    await queryRunner.query(`ALTER TABLE "locations" DROP COLUMN "photo_alt"`);
    await queryRunner.query(`ALTER TABLE "locations" DROP COLUMN "photo_media_id"`);
  }
}
