import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditClientRequestId1796590534504 implements MigrationInterface {
  name = 'AuditClientRequestId1796590534504';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "client_request_id" character varying(128)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "client_request_id"`);
  }
}
