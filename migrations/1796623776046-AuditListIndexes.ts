import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the audit list's filters, so that its page and its capped count stay cheap in a log of millions of
 * events: `entity_type`, `action` and `actor_id` each lead an index in (`occurred_at`, `id`) order, which a page walks
 * newest (or oldest) first and a count stops reading at the cap; `entity_id` now leads its index, so that a filter on
 * the entity id alone finds its few events directly instead of reading the whole (entity_type, entity_id) index.
 * Building them holds off writes to the log (every audited change) for about 1.5 s per index and million events.
 */
export class AuditListIndexes1796623776046 implements MigrationInterface {
  name = 'AuditListIndexes1796623776046';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_5c7623cfe8d008e1c1fd758fbc"`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_events_entity" ON "audit_events"  ("entity_id", "entity_type") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_actor_walk" ON "audit_events"  ("actor_id", "occurred_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_action_walk" ON "audit_events"  ("action", "occurred_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_events_entity_type_walk" ON "audit_events"  ("entity_type", "occurred_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_entity_type_walk"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_action_walk"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_actor_walk"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_events_entity"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_5c7623cfe8d008e1c1fd758fbc" ON "audit_events" USING btree ("entity_type", "entity_id") `,
    );
  }
}
