import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outboxes' due indexes get `id` after `next_attempt_at`: the claim orders by both, so with `next_attempt_at` alone
 * PostgreSQL read every pending entry up to now, dead ones included (each delivered row leaves one until vacuum), to
 * sort them and keep twenty. In the claim's order it walks the index and stops at the twentieth row it can lock
 * (`bench:contact`: 3.5 ms a claim with 8,000 such entries, 0.1 ms). Both indexes hold pending rows only: small to
 * build, though the build reads the whole table once under a lock that holds writes to it back meanwhile.
 */
export class OutboxDueOrder1796640300000 implements MigrationInterface {
  name = 'OutboxDueOrder1796640300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['outbox_deliveries', 'mail_outbox']) {
      await queryRunner.query(`DROP INDEX "public"."IDX_${table}_due"`);
      await queryRunner.query(
        `CREATE INDEX "IDX_${table}_due" ON "${table}" ("next_attempt_at", "id") WHERE status = 'pending'`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['outbox_deliveries', 'mail_outbox']) {
      await queryRunner.query(`DROP INDEX "public"."IDX_${table}_due"`);
      await queryRunner.query(
        `CREATE INDEX "IDX_${table}_due" ON "${table}" ("next_attempt_at") WHERE status = 'pending'`,
      );
    }
  }
}
