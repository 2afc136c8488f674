import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the content events need to be emitted exactly once: when an article's going live was announced, and when a
 * contact request's lateness was, each with a partial index on what is still to announce. What was live or overdue
 * before events existed is marked announced here, so the first sweep does not announce the past.
 */
export class ContentEvents1796624865933 implements MigrationInterface {
  name = 'ContentEvents1796624865933';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" ADD "went_live_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "contact_requests" ADD "overdue_announced_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE "articles" SET "went_live_at" = now() WHERE status = 'published' AND published_at <= now()`,
    );
    await queryRunner.query(
      `UPDATE "contact_requests" SET "overdue_announced_at" = now() WHERE status = 'new' AND expected_reply_by < now()`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_articles_go_live_due" ON "articles"  ("published_at") WHERE status = 'published' AND went_live_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_requests_overdue_due" ON "contact_requests"  ("expected_reply_by") WHERE status = 'new' AND overdue_announced_at IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_requests_overdue_due"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_articles_go_live_due"`);
    await queryRunner.query(`ALTER TABLE "contact_requests" DROP COLUMN "overdue_announced_at"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "went_live_at"`);
  }
}
