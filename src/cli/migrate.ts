/**
 * `npm run migrate` (`node dist/src/cli/migrate.js` in a deployment's migration job): applies the pending migrations
 * to DATABASE_URL (or the embedded database) in one transaction under the migration lock, exactly as an instance does
 * at startup with DB_MIGRATE_ON_START, and says which it applied. Safe to run while instances start: they wait for the
 * lock, then find nothing pending.
 */
import 'reflect-metadata';
import { withCliDataSource } from './cli-data-source.js';

await withCliDataSource((_dataSource, _config, target, applied) => {
  console.log(
    applied.length === 0
      ? `Migrated ${target}: nothing pending.`
      : `Migrated ${target}: applied ${applied.length} (${applied.join(', ')}).`,
  );
  return Promise.resolve();
});
