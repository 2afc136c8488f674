import type { LoggerService } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ensureInitialAdmin } from '../users/initial-admin.js';
import { hasPendingMigrations, runPendingMigrations } from './migration-runner.js';
import { runSeeders } from './seeding/seed-runner.js';
import { SEEDERS } from './seeding/seeders.js';

/**
 * What a database needs before the app serves from it, in order: the schema, the configured first admin,
 * then (when asked) the demo content. Used at startup and by `npm run seed`.
 */
export async function bootstrapDatabase(
  dataSource: DataSource,
  config: AppConfig,
  logger: Pick<LoggerService, 'log' | 'warn'>,
  steps: { migrate: boolean; seed: boolean; now?: Date },
): Promise<{ seeded: string[] }> {
  if (steps.migrate) {
    const applied = await runPendingMigrations(dataSource);
    logger.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Schema is up to date');
  } else if (await hasPendingMigrations(dataSource)) {
    logger.warn('There are pending migrations and DB_MIGRATE_ON_START is false: run `npm run migration:run`');
  }
  const adminId = await ensureInitialAdmin(dataSource, config);
  if (adminId) logger.log(`Created the first admin from ADMIN_EMAIL (user ${adminId})`);
  const seeded = steps.seed
    ? await runSeeders(dataSource, SEEDERS, { embeddedDatabase: config.embeddedDatabase, config, now: steps.now })
    : [];
  if (seeded.length) logger.log(`Seeded demo content: ${seeded.join(', ')}`);
  return { seeded };
}
