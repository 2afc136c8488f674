import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `articles.republished_at`: when an archived article was last published again. Publishing an archived article now
 * keeps its first `published_at` instead of replacing it. Existing articles have none (null): a republication before
 * this migration already replaced the first date, which is not recorded anywhere to restore. Adding a nullable column
 * without a default is a catalog change: no rewrite, no wait.
 */
export class ArticleRepublishedAt1796640200000 implements MigrationInterface {
  name = 'ArticleRepublishedAt1796640200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" ADD "republished_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "republished_at"`);
  }
}
