import { DataSource } from 'typeorm';
import { FEATURE_REGISTRY } from '../app.module.js';
import { type AppConfig, loadConfig } from '../config/app-config.js';
import { loadDotEnv } from '../config/dotenv.js';
import { buildDataSourceOptions, describeDatabaseUrl } from '../database/data-source-options.js';
import { EmbeddedDatabase } from '../database/embedded-database.js';
import { runPendingMigrations } from '../database/migration-runner.js';
import { MAINTENANCE_STATEMENT_TIMEOUT_MS } from '../database/query-deadline.js';

/**
 * Runs a command-line task on a migrated database: DATABASE_URL, or the embedded database in
 * PGLITE_DATA_DIR (which only one process may open: stop the API first).
 */
export async function withCliDataSource<T>(
  task: (dataSource: DataSource, config: AppConfig, target: string, migrationsApplied: string[]) => Promise<T>,
): Promise<T> {
  loadDotEnv();
  const config = loadConfig(process.env);
  const embedded = config.database.url ? undefined : await EmbeddedDatabase.start(config.database.pgliteDataDir);
  const url = config.database.url ?? embedded?.url ?? '';
  const dataSource = new DataSource(
    buildDataSourceOptions({
      url,
      entities: FEATURE_REGISTRY.entities,
      poolMax: 1,
      connectTimeoutMs: config.database.connectTimeoutMs,
      // Maintenance work: no request waits on it.
      statementTimeoutMs: MAINTENANCE_STATEMENT_TIMEOUT_MS,
    }),
  );
  try {
    await dataSource.initialize();
    const applied = await runPendingMigrations(dataSource);
    const target = embedded ? `embedded database ${config.database.pgliteDataDir}` : describeDatabaseUrl(url);
    return await task(dataSource, config, target, applied);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}
