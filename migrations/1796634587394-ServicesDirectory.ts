import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The five values of the former fixed service list, created as services (hidden until staff describe them). */
const FORMER_SERVICES = [
  ['individual-therapy', 'Individual therapy', '{individuals}', 10],
  ['couples-therapy', 'Couples therapy', '{couples}', 20],
  ['family-therapy', 'Family therapy', '{families}', 30],
  ['group-therapy', 'Group therapy', '{groups}', 40],
  ['other', 'Other', '{}', 50],
] as const;

/**
 * Services become records. Testimonials and contact requests keep naming them by the same slug, now a foreign key to
 * `services.slug` instead of an enum: every stored value stays as it was (the columns change type in place).
 */
export class ServicesDirectory1796634587394 implements MigrationInterface {
  name = 'ServicesDirectory1796634587394';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "services" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" uuid, "updated_by" uuid, "slug" character varying(64) NOT NULL, "name" character varying(120) NOT NULL, "description" text NOT NULL, "description_html" text NOT NULL, "audiences" text array NOT NULL, "formats" text array NOT NULL, "session_length_minutes" smallint, "fee_min" integer, "fee_max" integer, "fee_currency" character(3), "sliding_scale_min" integer, "sliding_scale_note" character varying(300), "insurance_accepted" text array NOT NULL, "published" boolean NOT NULL DEFAULT false, "sort_order" integer NOT NULL DEFAULT '0', CONSTRAINT "UQ_02cf0d0f46e11d22d952f623670" UNIQUE ("slug"), CONSTRAINT "CHK_services_sliding_scale" CHECK (sliding_scale_min IS NULL OR sliding_scale_min <= fee_min), CONSTRAINT "CHK_services_fee" CHECK ((fee_min IS NULL) = (fee_max IS NULL) AND (fee_min IS NULL) = (fee_currency IS NULL) AND fee_min <= fee_max), CONSTRAINT "PK_ba2d347a3168a296416c6c5ccb2" PRIMARY KEY ("id"))`,
    );
    for (const [slug, name, audiences, sortOrder] of FORMER_SERVICES) {
      await queryRunner.query(
        `INSERT INTO "services" ("slug", "name", "description", "description_html", "audiences", "formats", "insurance_accepted", "published", "sort_order") VALUES ($1, $2, '', '', $3, '{}', '{}', false, $4)`,
        [slug, name, audiences, sortOrder],
      );
    }
    // In place, so that every stored value stays (TypeORM would drop and re-add the columns).
    await queryRunner.query(
      `ALTER TABLE "contact_requests" ALTER COLUMN "service_interest" TYPE character varying(64) USING "service_interest"::text`,
    );
    await queryRunner.query(`DROP TYPE "public"."contact_service_interest"`);
    await queryRunner.query(
      `ALTER TABLE "testimonials" ALTER COLUMN "service" TYPE character varying(64) USING "service"::text`,
    );
    await queryRunner.query(`DROP TYPE "public"."testimonial_service"`);
    await queryRunner.query(
      `ALTER TABLE "contact_requests" ADD CONSTRAINT "FK_contact_requests_service_interest" FOREIGN KEY ("service_interest") REFERENCES "services"("slug") ON DELETE RESTRICT ON UPDATE RESTRICT`,
    );
    await queryRunner.query(
      `ALTER TABLE "testimonials" ADD CONSTRAINT "FK_testimonials_service" FOREIGN KEY ("service") REFERENCES "services"("slug") ON DELETE RESTRICT ON UPDATE RESTRICT`,
    );
  }

  /**
   * Back to the enums. Refuses while a testimonial or contact request names a service outside the former five (one
   * added since): the enums cannot hold it, and silently clearing what a person asked for is not an undo.
   */
  public async down(queryRunner: QueryRunner): Promise<void> {
    const former = FORMER_SERVICES.map(([slug]) => `'${slug}'`).join(', ');
    const [{ count }] = (await queryRunner.query(
      `SELECT count(*)::int AS count FROM (SELECT "service" AS slug FROM "testimonials" UNION ALL SELECT "service_interest" FROM "contact_requests") named WHERE slug IS NOT NULL AND slug NOT IN (${former})`,
    )) as [{ count: number }];
    if (count > 0) {
      throw new Error(
        `ServicesDirectory down: ${count} testimonial(s) or contact request(s) name a service outside the former five (${former}); ` +
          'the old enums cannot hold them. Change or delete those rows first, then revert again.',
      );
    }
    await queryRunner.query(`ALTER TABLE "testimonials" DROP CONSTRAINT "FK_testimonials_service"`);
    await queryRunner.query(`ALTER TABLE "contact_requests" DROP CONSTRAINT "FK_contact_requests_service_interest"`);
    await queryRunner.query(`CREATE TYPE "public"."testimonial_service" AS ENUM(${former})`);
    await queryRunner.query(
      `ALTER TABLE "testimonials" ALTER COLUMN "service" TYPE "public"."testimonial_service" USING (CASE WHEN "service" IN (${former}) THEN "service" END)::"public"."testimonial_service"`,
    );
    await queryRunner.query(`CREATE TYPE "public"."contact_service_interest" AS ENUM(${former})`);
    await queryRunner.query(
      `ALTER TABLE "contact_requests" ALTER COLUMN "service_interest" TYPE "public"."contact_service_interest" USING (CASE WHEN "service_interest" IN (${former}) THEN "service_interest" END)::"public"."contact_service_interest"`,
    );
    await queryRunner.query(`DROP TABLE "services"`);
  }
}
