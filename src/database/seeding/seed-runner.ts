import type { DataSource } from 'typeorm';
import { SeedRun } from './seed-run.entity.js';
import type { SeedContext, Seeder } from '../../common/feature/seeder.js';

const SEED_LOCK_KEY = 7_204_311_002;

/** Runs the seeders that have not run yet; returns the names of those that ran (and did not decline). */
export async function runSeeders(
  dataSource: DataSource,
  seeders: readonly Seeder[],
  context: SeedContext = { embeddedDatabase: false },
): Promise<string[]> {
  const ran: string[] = [];
  for (const seeder of seeders) {
    const didRun = await dataSource.transaction(async (manager) => {
      // Serializes concurrent seeders across instances; released with the transaction.
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      if (await manager.existsBy(SeedRun, { name: seeder.name })) return false;
      if ((await seeder.run(manager, context)) === false) return false;
      await manager.insert(SeedRun, { name: seeder.name });
      return true;
    });
    if (didRun) ran.push(seeder.name);
  }
  return ran;
}
