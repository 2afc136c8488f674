import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';

/**
 * A named unit of demo content. Each seeder runs once per database, inside one transaction with the record
 * of its run, so a crash leaves nothing half-seeded and a second `npm run seed` does nothing.
 */
export interface Seeder {
  readonly name: string;
  /** `false` when it declined to seed: its run is not recorded, so the next seeding asks it again. */
  run(manager: EntityManager, context: SeedContext): Promise<void | false>;
}

/** What a seeder may need to know about where it seeds. */
export interface SeedContext {
  /** The embedded database (no DATABASE_URL): a local demo, never a server that may be production. */
  embeddedDatabase: boolean;
  /** The app's configuration (encryption keys for demo personal data); absent in narrow tests. */
  config?: AppConfig;
  /** The instant demo content is dated from: the app's clock, so a test that moves time seeds in its time. */
  now?: Date;
}

/** When the seeders' context leaves it out: the machine's time. */
export function seedTime(context: SeedContext): Date {
  return context.now ?? new Date();
}
