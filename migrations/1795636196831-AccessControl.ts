import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccessControl1795636196831 implements MigrationInterface {
  name = 'AccessControl1795636196831';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "secret_hash" character(64) NOT NULL, "scopes" text array NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_fef9aa4a1cf4f8c063ac5d75f2" ON "api_keys"  ("secret_hash") `);
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_type" character varying(16) NOT NULL, "actor_id" uuid, "action" character varying(64) NOT NULL, "entity_type" character varying(64) NOT NULL, "entity_id" uuid, "request_id" character varying(128), "metadata" jsonb NOT NULL, CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ca8b6643903c59afdda3494914" ON "audit_events"  ("actor_type", "actor_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5c7623cfe8d008e1c1fd758fbc" ON "audit_events"  ("entity_type", "entity_id") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_4e139cc590fd5127ecc451472e" ON "audit_events"  ("occurred_at") `);
    // Hand-added: the audit log is append-only at the database level, whatever the application does.
    await queryRunner.query(`CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`);
    await queryRunner.query(`CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_events"
            FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"()`);
    await queryRunner.query(`CREATE TYPE "public"."user_role" AS ENUM('admin', 'editor', 'frontdesk')`);
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "display_name" character varying(100) NOT NULL, "role" "public"."user_role" NOT NULL, "active" boolean NOT NULL DEFAULT true, "password_hash" character varying(255) NOT NULL, "token_version" integer NOT NULL DEFAULT '0', "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TYPE "public"."user_role"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4e139cc590fd5127ecc451472e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5c7623cfe8d008e1c1fd758fbc"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ca8b6643903c59afdda3494914"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP FUNCTION "audit_events_append_only"()`);
    await queryRunner.query(`DROP INDEX "public"."IDX_fef9aa4a1cf4f8c063ac5d75f2"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
