/**
 * `npm run seed`: brings the schema up to date, then loads the demo content that is not there yet.
 * Safe to repeat. Targets DATABASE_URL, or the embedded database in PGLITE_DATA_DIR (stop the API first).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { loadDotEnv } from '../config/dotenv.js';
import { buildDataSourceOptions, describeDatabaseUrl } from '../database/data-source-options.js';
import { EmbeddedDatabase } from '../database/embedded-database.js';
import { runPendingMigrations } from '../database/migration-runner.js';
import { runSeeders } from '../database/seeding/seed-runner.js';
import { SEEDERS } from '../database/seeding/seeders.js';

loadDotEnv();
const config = loadConfig(process.env);
const embedded = config.database.url ? undefined : await EmbeddedDatabase.start(config.database.pgliteDataDir);
const url = config.database.url ?? embedded!.url;
const dataSource = new DataSource(
  buildDataSourceOptions({
    url,
    poolMax: 1,
    connectTimeoutMs: config.database.connectTimeoutMs,
    statementTimeoutMs: config.database.statementTimeoutMs,
  }),
);

try {
  await dataSource.initialize();
  await runPendingMigrations(dataSource);
  const ran = await runSeeders(dataSource, SEEDERS);
  const target = embedded ? `embedded database ${config.database.pgliteDataDir}` : describeDatabaseUrl(url);
  console.log(
    ran.length ? `Seeded ${target}: ${ran.join(', ')}` : `Nothing to seed in ${target}: all demo content is present.`,
  );
} finally {
  await dataSource.destroy();
  await embedded?.stop();
}
