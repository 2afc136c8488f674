import pg from 'pg';
import { stopEmbedded } from './global-setup.mjs';

export default async function globalTeardown() {
  const state = globalThis.__wellclinicTestDb;
  globalThis.__wellclinicTestDb = undefined;
  if (!state) return;
  if (state.servers) {
    await stopEmbedded(state);
    return;
  }
  if (!/test/i.test(state.name)) throw new Error(`Refusing to drop database "${state.name}"`);
  const client = new pg.Client({ connectionString: state.server });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${state.name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
