import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The clinic's locations; each may name an operating-hours schedule (its deletion clears the name). */
export class Locations1796635535094 implements MigrationInterface {
  name = 'Locations1796635535094';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "locations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" uuid, "updated_by" uuid, "slug" character varying(64) NOT NULL, "name" character varying(120) NOT NULL, "street" character varying(200) NOT NULL, "locality" character varying(100) NOT NULL, "region" character varying(100), "postal_code" character varying(20), "country" character(2) NOT NULL, "phone" character varying(16), "email" character varying(254), "latitude" double precision, "longitude" double precision, "hours_key" character varying(64), "accessibility_notes" character varying(1000), "parking_notes" character varying(1000), "telehealth_only" boolean NOT NULL DEFAULT false, "published" boolean NOT NULL DEFAULT false, "sort_order" integer NOT NULL DEFAULT '0', CONSTRAINT "UQ_3540a4df2635b9aab5c8538088c" UNIQUE ("slug"), CONSTRAINT "CHK_locations_geo" CHECK ((latitude IS NULL) = (longitude IS NULL)), CONSTRAINT "PK_7cc1c9e3853b94816c094825e74" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "locations" ADD CONSTRAINT "FK_locations_hours_key" FOREIGN KEY ("hours_key") REFERENCES "hours_schedules"("key") ON DELETE SET NULL ON UPDATE CASCADE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "locations" DROP CONSTRAINT "FK_locations_hours_key"`);
    await queryRunner.query(`DROP TABLE "locations"`);
  }
}
