import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_events.sequence`: the order events were written in. Events of one transaction share `occurred_at`, and were
 * ordered by their random ids; the list now orders by (`occurred_at`, `sequence`), a total order that keeps theirs.
 * Existing events are numbered in the table's physical order (their insertion order, near enough). Adding the column
 * rewrites the table, and the four walk indexes are rebuilt: writes to the log (every audited change) wait for it,
 * about 3 s per million events on a small server.
 */
export class AuditEventSequence1796635887488 implements MigrationInterface {
  name = 'AuditEventSequence1796635887488';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_4e139cc590fd5127ecc451472e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_actor_walk"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_action_walk"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_entity_type_walk"`);
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "sequence" bigint GENERATED ALWAYS AS IDENTITY NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_actor_walk" ON "audit_events"  ("actor_id", "occurred_at", "sequence") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_action_walk" ON "audit_events"  ("action", "occurred_at", "sequence") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_entity_type_walk" ON "audit_events"  ("entity_type", "occurred_at", "sequence") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_audit_events_walk" ON "audit_events"  ("occurred_at", "sequence") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_walk"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_entity_type_walk"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_action_walk"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_actor_walk"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "sequence"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_entity_type_walk" ON "audit_events" ("entity_type", "occurred_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_action_walk" ON "audit_events" ("action", "occurred_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_actor_walk" ON "audit_events" ("actor_id", "occurred_at", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_4e139cc590fd5127ecc451472e" ON "audit_events" ("occurred_at") `);
  }
}
