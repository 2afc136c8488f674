import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795634384636 implements MigrationInterface {
  name = 'Foundation1795634384636';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "seed_runs" ("name" character varying(100) NOT NULL, "ran_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f17d28c235a3f7ece971efd9fa3" PRIMARY KEY ("name"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "seed_runs"`);
  }
}
