import { MigrationInterface, QueryRunner } from 'typeorm';

export class OperatingHours1795638926728 implements MigrationInterface {
  name = 'OperatingHours1795638926728';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "hours_schedules" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" character varying(64) NOT NULL, "name" character varying(100) NOT NULL, "time_zone" character varying(64) NOT NULL, "description" text, "periods" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_682d8e45a05afa7869ccbee8f0f" UNIQUE ("key"), CONSTRAINT "PK_c60a49554468c44fddc2919868c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "hours_exceptions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "schedule_id" uuid NOT NULL, "start_date" date NOT NULL, "end_date" date NOT NULL, "closed" boolean NOT NULL, "periods" jsonb NOT NULL, "label" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ea096667a9d01be498a8f9fa444" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_6e82183772e641ad0aed65e3ee" ON "hours_exceptions"  ("schedule_id", "start_date") `,
    );
    await queryRunner.query(
      `ALTER TABLE "hours_exceptions" ADD CONSTRAINT "FK_6e992101116e4f90d542db3baf4" FOREIGN KEY ("schedule_id") REFERENCES "hours_schedules"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hours_exceptions" DROP CONSTRAINT "FK_6e992101116e4f90d542db3baf4"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6e82183772e641ad0aed65e3ee"`);
    await queryRunner.query(`DROP TABLE "hours_exceptions"`);
    await queryRunner.query(`DROP TABLE "hours_schedules"`);
  }
}
