/**
 * `npm run seed`: brings the schema up to date, creates the configured first admin, then loads the demo
 * content that is not there yet. Safe to repeat. Targets DATABASE_URL, or the embedded database in
 * PGLITE_DATA_DIR (stop the API first).
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { FEATURE_REGISTRY } from '../app.module.js';
import { bootstrapDatabase } from '../database/bootstrap-database.js';
import { withCliDataSource } from './cli-data-source.js';

await withCliDataSource(async (dataSource, config, target) => {
  const { seeded } = await bootstrapDatabase(
    dataSource,
    config,
    new Logger('Seed'),
    { migrate: true, seed: true },
    FEATURE_REGISTRY,
  );
  console.log(
    seeded.length
      ? `Seeded ${target}: ${seeded.join(', ')}`
      : `Nothing to seed in ${target}: all demo content is present.`,
  );
});
