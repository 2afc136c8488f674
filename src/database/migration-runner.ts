import { MigrationExecutor, type DataSource } from 'typeorm';
import { withMaintenanceConnection } from './query-deadline.js';

/** An arbitrary but fixed key: every instance of this API takes the same lock. */
export const MIGRATION_LOCK_KEY = 7_204_311_001;

/**
 * Applies pending migrations in one transaction while holding a session-level advisory lock, so that
 * instances starting together run them once: the others wait, then find nothing pending.
 * Returns the names of the migrations it applied. Neither the wait nor the migrations have the request deadlines:
 * they run on a maintenance connection.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  return withMaintenanceConnection(dataSource, async (queryRunner) => {
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'all';
      const applied = await executor.executePendingMigrations();
      return applied.map((m) => m.name);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

export async function hasPendingMigrations(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations();
}
