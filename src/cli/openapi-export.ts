/**
 * `npm run openapi:export`: boots the app on a throw-away in-memory database, takes the document it serves
 * at /docs-json and writes it, normalized, to openapi.json at the repository root (or the path given).
 * Reads nothing from the shell's environment or `.env`, so every machine writes the same bytes.
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createApp } from '../app.factory.js';
import { createRootLogger } from '../common/logging/logger.js';
import { serializeOpenApiDocument } from '../common/openapi/serialize.js';

const target = process.argv[2] ?? fileURLToPath(new URL('../../../openapi.json', import.meta.url));

const running = await createApp({
  env: { PGLITE_DATA_DIR: 'memory://', DB_SEED_ON_START: 'false', NOTIFY_DISPATCH_INTERVAL_MS: '0' },
  logger: createRootLogger({ level: 'error', pretty: false }),
});
try {
  const response = await running.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
  if (response.statusCode !== 200) throw new Error(`GET /docs-json answered ${response.statusCode}`);
  await writeFile(target, serializeOpenApiDocument(response.json<object>()));
  console.log(`Wrote ${target}`);
} finally {
  await running.close();
}
