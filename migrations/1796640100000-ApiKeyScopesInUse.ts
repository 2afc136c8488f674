import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Removes the scopes `articles:read` and `hours:read` from stored keys: no route ever asked for them (articles and
 * hours are public reads), so a key keeps exactly what it could do. A key left with no scope stays (it was already
 * good for nothing but recognising its caller); admins see `scopes: []` and can revoke it. Not undone: the old
 * scopes carried no meaning to restore.
 */
export class ApiKeyScopesInUse1796640100000 implements MigrationInterface {
  name = 'ApiKeyScopesInUse1796640100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "api_keys"
          SET "scopes" = array_remove(array_remove("scopes", 'articles:read'), 'hours:read')
        WHERE "scopes" && ARRAY['articles:read', 'hours:read']::text[]`,
    );
  }

  public async down(): Promise<void> {
    // Nothing to restore: see above.
  }
}
