import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Testimonials1795658995904 implements MigrationInterface {
  name = 'Testimonials1795658995904';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."testimonial_change_op" AS ENUM('upsert', 'delete')`);
    await queryRunner.query(
      `CREATE TABLE "testimonial_changes" ("seq" BIGSERIAL NOT NULL, "op" "public"."testimonial_change_op" NOT NULL, "testimonial_id" uuid NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "testimonial" jsonb, CONSTRAINT "PK_33bcc7e0ba8692ed6f4aee2bf64" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_testimonial_changes_testimonial" ON "testimonial_changes"  ("testimonial_id") `,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."testimonial_service" AS ENUM('individual-therapy', 'couples-therapy', 'family-therapy', 'group-therapy', 'other')`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."testimonial_source" AS ENUM('website', 'email', 'in-person', 'other')`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."testimonial_status" AS ENUM('pending', 'approved', 'rejected', 'withdrawn')`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."testimonial_consent_method" AS ENUM('web-form', 'email', 'signed-form', 'verbal')`,
    );
    await queryRunner.query(
      `CREATE TABLE "testimonials" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "quote" character varying(1000), "first_name" character varying(40), "last_initial" character varying(1), "service" "public"."testimonial_service", "rating" smallint, "source" "public"."testimonial_source" NOT NULL, "status" "public"."testimonial_status" NOT NULL DEFAULT 'pending', "spam" boolean NOT NULL DEFAULT false, "featured" boolean NOT NULL DEFAULT false, "sort_order" integer NOT NULL DEFAULT '0', "consent_given_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consent_text_version" character varying(40) NOT NULL, "consent_method" "public"."testimonial_consent_method" NOT NULL, "approved_at" TIMESTAMP WITH TIME ZONE, "approved_by" uuid, "rejected_at" TIMESTAMP WITH TIME ZONE, "rejected_by" uuid, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "withdrawn_by" uuid, "version" integer NOT NULL DEFAULT '1', "created_by" uuid, "updated_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_testimonials_erased" CHECK ((status = 'withdrawn') = (quote IS NULL AND first_name IS NULL AND last_initial IS NULL)), CONSTRAINT "CHK_testimonials_rating" CHECK (rating BETWEEN 1 AND 5), CONSTRAINT "PK_63b03c608bd258f115a0a4a1060" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_testimonials_status_created" ON "testimonials"  ("status", "created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_testimonials_status_created"`);
    await queryRunner.query(`DROP TABLE "testimonials"`);
    await queryRunner.query(`DROP TYPE "public"."testimonial_consent_method"`);
    await queryRunner.query(`DROP TYPE "public"."testimonial_status"`);
    await queryRunner.query(`DROP TYPE "public"."testimonial_source"`);
    await queryRunner.query(`DROP TYPE "public"."testimonial_service"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_testimonial_changes_testimonial"`);
    await queryRunner.query(`DROP TABLE "testimonial_changes"`);
    await queryRunner.query(`DROP TYPE "public"."testimonial_change_op"`);
  }
}
