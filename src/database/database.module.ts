import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FeatureRegistry } from '../common/feature/feature.js';
import { AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions, usesPreparedStatements } from './data-source-options.js';
import { DatabaseBootstrapService } from './database-bootstrap.service.js';
import { ReadReplicas } from './read-replicas.js';

@Module({})
export class DatabaseModule {
  /**
   * @param url the resolved connection URL: DATABASE_URL, or the embedded database's Unix socket.
   * @param features where the entities, first-run setup and seeders come from.
   */
  static forRoot(url: string, features: FeatureRegistry): DynamicModule {
    const logger = new Logger('Database');
    return {
      module: DatabaseModule,
      // ReadReplicas serves the features' public reads.
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions({
              url,
              entities: features.entities,
              poolMax: config.database.poolMax,
              connectTimeoutMs: config.database.connectTimeoutMs,
              statementTimeoutMs: config.database.statementTimeoutMs,
              keepIdleConnection: config.embeddedDatabase,
              // No network between the app and the embedded database to partition; and a connection closed at
              // a deadline would hand its single session to whoever connects first.
              queryTimeoutMs: config.embeddedDatabase ? undefined : config.database.queryTimeoutMs,
              preparedStatements: usesPreparedStatements(config.database.preparedStatements, config.embeddedDatabase),
              // A pooled connection that dies while idle (restart, network cut) must not crash the process;
              // the pool replaces it on the next checkout.
              onPoolError: (error) => logger.warn(`Idle database connection lost: ${error.message}`),
            }),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [DatabaseBootstrapService, ReadReplicas],
      exports: [ReadReplicas],
    };
  }
}
