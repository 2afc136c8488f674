import type { EntityManager } from 'typeorm';

/**
 * A named unit of demo content. Each seeder runs once per database, inside one transaction with the record
 * of its run, so a crash leaves nothing half-seeded and a second `npm run seed` does nothing.
 */
export interface Seeder {
  readonly name: string;
  run(manager: EntityManager): Promise<void>;
}
