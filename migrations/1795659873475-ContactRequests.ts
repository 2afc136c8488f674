import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContactRequests1795659873475 implements MigrationInterface {
  name = 'ContactRequests1795659873475';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("scope" character varying(60) NOT NULL, "key" character varying(255) NOT NULL, "request_hash" character(64) NOT NULL, "response_status" smallint NOT NULL, "response_body" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_15de2f76fa9f27ad8f330983607" PRIMARY KEY ("scope", "key"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_idempotency_keys_expires" ON "idempotency_keys"  ("expires_at") `);
    await queryRunner.query(
      `CREATE TYPE "public"."contact_request_status" AS ENUM('new', 'in_progress', 'contacted', 'closed', 'spam')`,
    );
    await queryRunner.query(`CREATE TYPE "public"."contact_channel" AS ENUM('text', 'call', 'email')`);
    await queryRunner.query(
      `CREATE TYPE "public"."contact_preferred_time" AS ENUM('morning', 'afternoon', 'evening', 'any')`,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."contact_service_interest" AS ENUM('individual-therapy', 'couples-therapy', 'family-therapy', 'group-therapy', 'other')`,
    );
    await queryRunner.query(
      `CREATE TABLE "contact_requests" ("id" uuid NOT NULL, "reference" character varying(12) NOT NULL, "status" "public"."contact_request_status" NOT NULL DEFAULT 'new', "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "channel" "public"."contact_channel" NOT NULL, "preferred_time" "public"."contact_preferred_time", "service_interest" "public"."contact_service_interest", "name_cipher" text NOT NULL, "phone_cipher" text, "email_cipher" text, "message_cipher" text, "phone_index" character varying(64), "email_index" character varying(64), "consent_to_text" boolean NOT NULL, "expected_reply_by" TIMESTAMP WITH TIME ZONE NOT NULL, "assigned_to" uuid, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_1d5149b42a79d55b72607e8ecdf" UNIQUE ("reference"), CONSTRAINT "PK_5fc5cfa569e4e66051c6acde3b9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_requests_email_index" ON "contact_requests"  ("email_index") WHERE email_index IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_requests_phone_index" ON "contact_requests"  ("phone_index") WHERE phone_index IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_requests_status_changed" ON "contact_requests"  ("status", "status_changed_at") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_contact_requests_created" ON "contact_requests"  ("created_at", "id") `);
    await queryRunner.query(
      `CREATE TABLE "contact_request_notes" ("id" uuid NOT NULL, "contact_request_id" uuid NOT NULL, "body_cipher" text NOT NULL, "author_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_75eb2593023a54b96f35e7a876e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_request_notes_request" ON "contact_request_notes"  ("contact_request_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "contact_request_status_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contact_request_id" uuid NOT NULL, "from_status" character varying(20), "to_status" character varying(20) NOT NULL, "changed_by" uuid, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_e82b97cc1d2c164dc0b7df53ade" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_contact_request_status_changes_request" ON "contact_request_status_changes"  ("contact_request_id", "changed_at") `,
    );
    await queryRunner.query(`CREATE TYPE "public"."outbox_delivery_status" AS ENUM('pending', 'delivered', 'failed')`);
    await queryRunner.query(
      `CREATE TABLE "outbox_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "event" character varying(100) NOT NULL, "entity_id" uuid, "payload" jsonb NOT NULL, "url" character varying(2048) NOT NULL, "status" "public"."outbox_delivery_status" NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, "give_up_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_status" smallint, "last_error" character varying(300), "last_attempt_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_553a2a80e9203a20e34f9771f34" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_deliveries_created" ON "outbox_deliveries"  ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_deliveries_due" ON "outbox_deliveries"  ("next_attempt_at") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact_request_notes" ADD CONSTRAINT "FK_2943a750bd6453a13bfa2c18851" FOREIGN KEY ("contact_request_id") REFERENCES "contact_requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact_request_status_changes" ADD CONSTRAINT "FK_09dc96543ac485250e3f5a6e025" FOREIGN KEY ("contact_request_id") REFERENCES "contact_requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "contact_request_status_changes" DROP CONSTRAINT "FK_09dc96543ac485250e3f5a6e025"`,
    );
    await queryRunner.query(`ALTER TABLE "contact_request_notes" DROP CONSTRAINT "FK_2943a750bd6453a13bfa2c18851"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_outbox_deliveries_due"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_outbox_deliveries_created"`);
    await queryRunner.query(`DROP TABLE "outbox_deliveries"`);
    await queryRunner.query(`DROP TYPE "public"."outbox_delivery_status"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_request_status_changes_request"`);
    await queryRunner.query(`DROP TABLE "contact_request_status_changes"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_request_notes_request"`);
    await queryRunner.query(`DROP TABLE "contact_request_notes"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_requests_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_requests_status_changed"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_requests_phone_index"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_contact_requests_email_index"`);
    await queryRunner.query(`DROP TABLE "contact_requests"`);
    await queryRunner.query(`DROP TYPE "public"."contact_service_interest"`);
    await queryRunner.query(`DROP TYPE "public"."contact_preferred_time"`);
    await queryRunner.query(`DROP TYPE "public"."contact_channel"`);
    await queryRunner.query(`DROP TYPE "public"."contact_request_status"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_idempotency_keys_expires"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
