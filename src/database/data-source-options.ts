import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { DeadlineClient } from './query-deadline.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface DatabaseConnectionSettings {
  url: string;
  /** Every entity (FeatureRegistry.entities), so the app, the TypeORM CLI and the tests see the same schema. */
  entities: readonly (new (...args: never[]) => unknown)[];
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /**
   * Client-side deadline of each query (pg's `query_timeout`): the server's statement_timeout cannot help
   * when the network stops carrying bytes. Unset for CLI scripts, whose work may be long.
   */
  queryTimeoutMs?: number;
  /**
   * Run the statements registered with `preparedStatement` as named ones, parsed once per connection
   * (DB_PREPARED_STATEMENTS). Off behind a pooler that moves sessions between statements (PgBouncer before 1.21 in
   * transaction pooling): a statement prepared on one server connection does not exist on the next.
   */
  preparedStatements?: boolean;
  /** Called when an idle pooled connection dies (database restart, network cut). Must not throw. */
  onPoolError?: (error: Error) => void;
  /**
   * Never close an idle connection: the embedded database is one session, which another process could take
   * while the pool holds none.
   */
  keepIdleConnection?: boolean;
}

/**
 * Whether the app's pool prepares its frequent writes: as DB_PREPARED_STATEMENTS says, never on the embedded
 * database, whose one session outlives every connection to it (statements prepared through one would pile up there).
 */
export function usesPreparedStatements(setting: boolean, embeddedDatabase: boolean): boolean {
  return setting && !embeddedDatabase;
}

/** The one DataSource definition, shared by the app, the TypeORM CLI and the test harness. */
export function buildDataSourceOptions(settings: DatabaseConnectionSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: [...settings.entities],
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'all',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into Postgres 13+ and PGlite; uuid-ossp is not available on PGlite.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: settings.poolMax,
    // pg-pool applies it both to opening a connection and to waiting for a pooled one.
    connectTimeoutMS: settings.connectTimeoutMs,
    poolErrorHandler: settings.onPoolError ?? (() => undefined),
    extra: {
      max: settings.poolMax,
      idleTimeoutMillis: settings.keepIdleConnection ? 0 : 30_000,
      statement_timeout: settings.statementTimeoutMs,
      ...(settings.queryTimeoutMs ? { query_timeout: settings.queryTimeoutMs } : {}),
      ...(settings.queryTimeoutMs || settings.preparedStatements
        ? { Client: DeadlineClient, preparedStatements: settings.preparedStatements === true }
        : {}),
      application_name: 'well-clinic-api',
    },
  };
}

/** The URL without credentials, for logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
