import type { LoggerService } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import type { FeatureRegistry } from '../common/feature/feature.js';
import { hasPendingMigrations, runPendingMigrations } from './migration-runner.js';
import { runSeeders } from './seeding/seed-runner.js';

/**
 * What a database needs before the app serves from it, in order: the schema, the features' setup (the configured
 * first admin), then (when asked) the features' demo content. Used at startup and by `npm run seed`.
 */
export async function bootstrapDatabase(
  dataSource: DataSource,
  config: AppConfig,
  logger: Pick<LoggerService, 'log' | 'warn'>,
  steps: { migrate: boolean; seed: boolean; now?: Date },
  features: Pick<FeatureRegistry, 'databaseSetup' | 'seeders'>,
): Promise<{ seeded: string[] }> {
  if (steps.migrate) {
    const applied = await runPendingMigrations(dataSource);
    logger.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Schema is up to date');
  } else if (await hasPendingMigrations(dataSource)) {
    logger.warn('There are pending migrations and DB_MIGRATE_ON_START is false: run `npm run migration:run`');
  }
  for (const setup of features.databaseSetup) {
    const done = await setup(dataSource, config);
    if (done) logger.log(done);
  }
  const seeded = steps.seed
    ? await runSeeders(dataSource, features.seeders, {
        embeddedDatabase: config.embeddedDatabase,
        config,
        now: steps.now,
      })
    : [];
  if (seeded.length) logger.log(`Seeded demo content: ${seeded.join(', ')}`);
  return { seeded };
}
