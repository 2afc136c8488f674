import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Practitioners, the services and locations they are linked to (by slug), and their old slugs. */
export class Practitioners1796636158535 implements MigrationInterface {
  name = 'Practitioners1796636158535';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "practitioners" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" uuid, "updated_by" uuid, "slug" character varying(120) NOT NULL, "name" character varying(120) NOT NULL, "pronouns" character varying(40), "job_title" character varying(120), "credentials" text array NOT NULL, "licenses" jsonb NOT NULL, "bio" text NOT NULL, "bio_html" text NOT NULL, "specialties" text array NOT NULL, "approaches" text array NOT NULL, "languages" text array NOT NULL, "telehealth" boolean NOT NULL DEFAULT false, "accepting_new_clients" boolean NOT NULL DEFAULT true, "accepting_new_clients_note" character varying(300), "sort_order" integer NOT NULL DEFAULT '0', "published" boolean NOT NULL DEFAULT false, CONSTRAINT "UQ_23a0c1f2cd9de883de306dc399a" UNIQUE ("slug"), CONSTRAINT "PK_88941574a3e4fe907d36ee2f8cc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_practitioners_public_order" ON "practitioners"  ("sort_order", "name", "id") WHERE published`,
    );
    await queryRunner.query(
      `CREATE TABLE "practitioner_services" ("practitioner_id" uuid NOT NULL, "service_slug" character varying(64) NOT NULL, CONSTRAINT "PK_d43c0e9fbb3afe4f3d33e631e04" PRIMARY KEY ("practitioner_id", "service_slug"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_practitioner_services_service" ON "practitioner_services"  ("service_slug") `,
    );
    await queryRunner.query(
      `CREATE TABLE "practitioner_locations" ("practitioner_id" uuid NOT NULL, "location_slug" character varying(64) NOT NULL, CONSTRAINT "PK_b889d7ae48755c26dd6a4921830" PRIMARY KEY ("practitioner_id", "location_slug"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_practitioner_locations_location" ON "practitioner_locations"  ("location_slug") `,
    );
    await queryRunner.query(
      `CREATE TABLE "practitioner_slug_redirects" ("slug" character varying(120) NOT NULL, "practitioner_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_75763aee022b3a390e8702db171" PRIMARY KEY ("slug"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_7ae9236af9b4f18f2ed721e4df" ON "practitioner_slug_redirects"  ("practitioner_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "practitioner_services" ADD CONSTRAINT "FK_b12bf8f67d7abbadd8d690ce1c7" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "practitioner_services" ADD CONSTRAINT "FK_practitioner_services_service" FOREIGN KEY ("service_slug") REFERENCES "services"("slug") ON DELETE RESTRICT ON UPDATE RESTRICT`,
    );
    await queryRunner.query(
      `ALTER TABLE "practitioner_locations" ADD CONSTRAINT "FK_d49da15dca40c945c5b2691138f" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "practitioner_locations" ADD CONSTRAINT "FK_practitioner_locations_location" FOREIGN KEY ("location_slug") REFERENCES "locations"("slug") ON DELETE RESTRICT ON UPDATE RESTRICT`,
    );
    await queryRunner.query(
      `ALTER TABLE "practitioner_slug_redirects" ADD CONSTRAINT "FK_7ae9236af9b4f18f2ed721e4df9" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "practitioner_slug_redirects" DROP CONSTRAINT "FK_7ae9236af9b4f18f2ed721e4df9"`,
    );
    await queryRunner.query(
      `ALTER TABLE "practitioner_locations" DROP CONSTRAINT "FK_practitioner_locations_location"`,
    );
    await queryRunner.query(`ALTER TABLE "practitioner_locations" DROP CONSTRAINT "FK_d49da15dca40c945c5b2691138f"`);
    await queryRunner.query(`ALTER TABLE "practitioner_services" DROP CONSTRAINT "FK_practitioner_services_service"`);
    await queryRunner.query(`ALTER TABLE "practitioner_services" DROP CONSTRAINT "FK_b12bf8f67d7abbadd8d690ce1c7"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7ae9236af9b4f18f2ed721e4df"`);
    await queryRunner.query(`DROP TABLE "practitioner_slug_redirects"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_practitioner_locations_location"`);
    await queryRunner.query(`DROP TABLE "practitioner_locations"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_practitioner_services_service"`);
    await queryRunner.query(`DROP TABLE "practitioner_services"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_practitioners_public_order"`);
    await queryRunner.query(`DROP TABLE "practitioners"`);
  }
}
