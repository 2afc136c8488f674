import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { FeatureRegistry } from '../common/feature/feature.js';
import { enableGroupCommit, groupCommitInFlight } from '../common/persistence/group-commit.js';
import { AppConfig } from '../config/app-config.js';
import { bootstrapDatabase } from './bootstrap-database.js';

/** Prepares the database (schema, first admin, demo content) before the app accepts requests. */
@Injectable()
export class DatabaseBootstrapService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly features: FeatureRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await bootstrapDatabase(
      this.dataSource,
      this.config,
      new Logger('Database'),
      {
        migrate: this.config.database.migrateOnStart,
        seed: this.config.database.seedOnStart,
        now: this.clock.now(),
      },
      this.features,
    );
    if (this.config.database.groupCommit > 1) {
      enableGroupCommit(this.dataSource, {
        maxUnits: this.config.database.groupCommit,
        maxInFlight: groupCommitInFlight(this.config.database.poolMax),
      });
    }
  }
}
