import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints managed through the API, announced events fanned out by the dispatcher, and deliveries tied to
 * their endpoint. Deliveries already in the outbox keep no endpoint here: the secret that signs them is only known
 * at startup, when NOTIFY_WEBHOOK_URLS becomes endpoints and each URL's earlier deliveries move to its endpoint
 * (importEnvironmentEndpoints); pending ones whose URL is no longer configured are failed then.
 */
export class WebhookEndpoints1796624613821 implements MigrationInterface {
  name = 'WebhookEndpoints1796624613821';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."webhook_endpoint_source" AS ENUM('api', 'environment')`);
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoints" ("id" uuid NOT NULL, "url" character varying(2048) NOT NULL, "description" character varying(500), "events" text array NOT NULL, "active" boolean NOT NULL DEFAULT true, "secret" text NOT NULL, "previous_secret" text, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "source" "public"."webhook_endpoint_source" NOT NULL DEFAULT 'api', "failing_since" TIMESTAMP WITH TIME ZONE, "disabled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_endpoints_created" ON "webhook_endpoints"  ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_webhook_endpoints_environment_url" ON "webhook_endpoints"  ("url") WHERE source = 'environment'`,
    );
    await queryRunner.query(
      `CREATE TABLE "outbox_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "event" character varying(100) NOT NULL, "entity_id" uuid, "payload" jsonb NOT NULL, "traceparent" character varying(55), "give_up_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6689a16c00d09b8089f6237f1d2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_outbox_events_created" ON "outbox_events"  ("created_at", "id") `);
    await queryRunner.query(`ALTER TABLE "outbox_deliveries" ADD "endpoint_id" uuid`);
    await queryRunner.query(`ALTER TABLE "outbox_deliveries" ADD "last_duration_ms" integer`);
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_deliveries_endpoint" ON "outbox_deliveries"  ("endpoint_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "outbox_deliveries" ADD CONSTRAINT "FK_bc19eb88d5a89e0925482ea870d" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_deliveries" DROP CONSTRAINT "FK_bc19eb88d5a89e0925482ea870d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_outbox_deliveries_endpoint"`);
    await queryRunner.query(`ALTER TABLE "outbox_deliveries" DROP COLUMN "last_duration_ms"`);
    await queryRunner.query(`ALTER TABLE "outbox_deliveries" DROP COLUMN "endpoint_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_outbox_events_created"`);
    await queryRunner.query(`DROP TABLE "outbox_events"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_webhook_endpoints_environment_url"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_webhook_endpoints_created"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
    await queryRunner.query(`DROP TYPE "public"."webhook_endpoint_source"`);
  }
}
