import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { hasPendingMigrations, runPendingMigrations } from './migration-runner.js';
import { runSeeders } from './seeding/seed-runner.js';
import { SEEDERS } from './seeding/seeders.js';

/** Brings the schema up to date (and seeds demo content when asked) before the app accepts requests. */
@Injectable()
export class DatabaseBootstrapService implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.database.migrateOnStart) {
      const applied = await runPendingMigrations(this.dataSource);
      this.logger.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Schema is up to date');
    } else if (await hasPendingMigrations(this.dataSource)) {
      this.logger.warn('There are pending migrations and DB_MIGRATE_ON_START is false: run `npm run migration:run`');
    }
    if (this.config.database.seedOnStart) {
      const seeded = await runSeeders(this.dataSource, SEEDERS);
      if (seeded.length) this.logger.log(`Seeded demo content: ${seeded.join(', ')}`);
    }
  }
}
