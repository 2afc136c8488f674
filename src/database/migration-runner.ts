import { MigrationExecutor, type DataSource } from 'typeorm';
import { withMaintenanceTransaction } from './query-deadline.js';

/** An arbitrary but fixed key: every instance of this API takes the same lock. */
export const MIGRATION_LOCK_KEY = 7_204_311_001;

/**
 * Applies pending migrations in one transaction that first takes a transaction-level advisory lock, so that instances
 * starting together run them once: the others wait for the lock, then find nothing pending. The lock is released by
 * the commit or the rollback, never by a separate statement, which is what makes it work through PgBouncer in
 * transaction pooling (a session-level `pg_advisory_lock` there is held by whichever server connection ran it, and
 * its unlock may reach another one). Returns the names of the migrations it applied. Neither the wait nor the
 * migrations have the request deadlines: they run in a maintenance transaction.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  return withMaintenanceTransaction(dataSource, async (_manager, queryRunner) => {
    await queryRunner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    // 'all' with a transaction already open: the executor runs every migration in ours and leaves commit to us.
    executor.transaction = 'all';
    const applied = await executor.executePendingMigrations();
    return applied.map((m) => m.name);
  });
}

export async function hasPendingMigrations(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations();
}
