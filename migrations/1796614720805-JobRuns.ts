import type { MigrationInterface, QueryRunner } from 'typeorm';

export class JobRuns1796614720805 implements MigrationInterface {
  name = 'JobRuns1796614720805';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "job_runs" ("job" character varying(64) NOT NULL, "slot" TIMESTAMP WITH TIME ZONE NOT NULL, "ran_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5b204dbada7074731013b904105" PRIMARY KEY ("job", "slot"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "job_runs"`);
  }
}
