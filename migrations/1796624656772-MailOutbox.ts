import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MailOutbox1796624656772 implements MigrationInterface {
  name = 'MailOutbox1796624656772';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."mail_outbox_status" AS ENUM('pending', 'sent', 'failed')`);
    await queryRunner.query(
      `CREATE TABLE "mail_outbox" ("id" uuid NOT NULL, "kind" character varying(60) NOT NULL, "audience" character varying(60), "recipient_cipher" text, "entity_id" uuid, "params" jsonb NOT NULL, "status" "public"."mail_outbox_status" NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "sent_to" jsonb NOT NULL DEFAULT '[]', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, "give_up_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_error" character varying(300), "last_attempt_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fecc63c96385bc35a39ccf2a72e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_mail_outbox_created" ON "mail_outbox"  ("created_at", "id") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_mail_outbox_due" ON "mail_outbox"  ("next_attempt_at") WHERE status = 'pending'`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "notification_preferences" jsonb NOT NULL DEFAULT '{}'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "notification_preferences"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_mail_outbox_due"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_mail_outbox_created"`);
    await queryRunner.query(`DROP TABLE "mail_outbox"`);
    await queryRunner.query(`DROP TYPE "public"."mail_outbox_status"`);
  }
}
