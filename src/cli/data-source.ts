/**
 * The DataSource the TypeORM CLI loads (`npm run migration:*`). With DATABASE_URL it targets Postgres;
 * without it, the embedded database in PGLITE_DATA_DIR (stop the API first: PGlite serves one process).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { FEATURE_REGISTRY } from '../app.module.js';
import { loadConfig } from '../config/app-config.js';
import { loadDotEnv } from '../config/dotenv.js';
import { buildDataSourceOptions } from '../database/data-source-options.js';
import { EmbeddedDatabase } from '../database/embedded-database.js';
import { MAINTENANCE_STATEMENT_TIMEOUT_MS } from '../database/query-deadline.js';

loadDotEnv();
const config = loadConfig(process.env);

let url = config.database.url;
if (!url) {
  const embedded = await EmbeddedDatabase.start(config.database.pgliteDataDir, { keepProcessAlive: false });
  url = embedded.url;
  process.once('beforeExit', () => void embedded.stop());
}

export default new DataSource(
  buildDataSourceOptions({
    url,
    entities: FEATURE_REGISTRY.entities,
    poolMax: config.database.poolMax,
    connectTimeoutMs: config.database.connectTimeoutMs,
    // Maintenance work: no request waits on it.
    statementTimeoutMs: MAINTENANCE_STATEMENT_TIMEOUT_MS,
  }),
);
