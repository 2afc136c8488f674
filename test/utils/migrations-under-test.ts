import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { runPendingMigrations } from '../../src/database/migration-runner.js';
import { createScratchDatabase, testDataSource } from '../setup/test-database.js';

/** The app's migrations' names, in the order they run. */
export const MIGRATION_NAMES = MIGRATIONS.map((m) => new m().name ?? m.name);

/** Migrates fully, then undoes every migration from `name` on: the schema as it was just before `name`. */
export async function migrateToJustBefore(ds: DataSource, name: string): Promise<void> {
  const at = MIGRATION_NAMES.indexOf(name);
  if (at < 0) throw new Error(`no migration named ${name}`);
  await runPendingMigrations(ds);
  for (let i = 0; i < MIGRATION_NAMES.length - at; i++) await ds.undoLastMigration({ transaction: 'all' });
}

/**
 * A scratch database of the enclosing describe block whose schema is as it was just before the migration `name`: for
 * tests of what that migration does to rows stored before it. Dropped after the block.
 */
export function useDatabaseBefore(name: string): () => DataSource {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let ds: DataSource | undefined;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    ds = await testDataSource(scratch.url, 1).initialize();
    await migrateToJustBefore(ds, name);
  });
  afterAll(async () => {
    await ds?.destroy();
    await scratch?.drop();
  });
  return () => {
    if (!ds) throw new Error('the database is not ready (used outside its describe block?)');
    return ds;
  };
}
