import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TraceContext1796617483408 implements MigrationInterface {
  name = 'TraceContext1796617483408';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "trace_id" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "outbox_deliveries" ADD "traceparent" character varying(55)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_deliveries" DROP COLUMN "traceparent"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "trace_id"`);
  }
}
