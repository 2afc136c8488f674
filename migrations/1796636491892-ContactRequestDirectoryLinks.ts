import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contact request may name a location and a preferred practitioner (by slug). Neither can be deleted while a request
 * names it (what the person asked for stays); a practitioner's rename follows into the request (see README).
 */
export class ContactRequestDirectoryLinks1796636491892 implements MigrationInterface {
  name = 'ContactRequestDirectoryLinks1796636491892';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contact_requests" ADD "location" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "contact_requests" ADD "preferred_practitioner" character varying(120)`);
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_requests_preferred_practitioner" ON "contact_requests"  ("preferred_practitioner") WHERE preferred_practitioner IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_requests_location" ON "contact_requests"  ("location") WHERE location IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact_requests" ADD CONSTRAINT "FK_contact_requests_location" FOREIGN KEY ("location") REFERENCES "locations"("slug") ON DELETE RESTRICT ON UPDATE RESTRICT`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact_requests" ADD CONSTRAINT "FK_contact_requests_preferred_practitioner" FOREIGN KEY ("preferred_practitioner") REFERENCES "practitioners"("slug") ON DELETE RESTRICT ON UPDATE CASCADE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "contact_requests" DROP CONSTRAINT "FK_contact_requests_preferred_practitioner"`,
    );
    await queryRunner.query(`ALTER TABLE "contact_requests" DROP CONSTRAINT "FK_contact_requests_location"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_requests_location"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_requests_preferred_practitioner"`);
    await queryRunner.query(`ALTER TABLE "contact_requests" DROP COLUMN "preferred_practitioner"`);
    await queryRunner.query(`ALTER TABLE "contact_requests" DROP COLUMN "location"`);
  }
}
