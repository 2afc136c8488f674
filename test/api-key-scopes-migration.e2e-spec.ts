import type { DataSource } from 'typeorm';
import { runPendingMigrations } from '../src/database/migration-runner.js';
import { useDatabaseBefore } from './utils/migrations-under-test.js';

const MIGRATION = 'ApiKeyScopesInUse1796640100000';

/** ApiKeyScopesInUse on keys stored before it: the scopes no route asked for go, the keys and their other scopes stay. */
describe('ApiKeyScopesInUse migration of existing keys', () => {
  const database = useDatabaseBefore(MIGRATION);
  let ds: DataSource;
  beforeAll(() => {
    ds = database();
  });

  it('strips articles:read and hours:read from stored keys, keeping every key and its other scopes', async () => {
    const keys: [string, string[]][] = [
      ['Widget', ['articles:read', 'hours:read', 'testimonials:read']],
      ['Hours only', ['hours:read']],
      ['Website', ['site']],
      ['Site and articles', ['articles:read', 'site']],
    ];
    for (const [i, [name, scopes]] of keys.entries()) {
      await ds.query(`INSERT INTO api_keys (name, prefix, secret_hash, scopes) VALUES ($1, $2, $3, $4)`, [
        name,
        `wck_${i}`,
        String(i).repeat(64),
        scopes,
      ]);
    }

    await runPendingMigrations(ds);

    expect(await ds.query(`SELECT name, scopes, revoked_at FROM api_keys ORDER BY name`)).toEqual([
      // A key left with no scope stays, for an admin to see (`scopes: []`) and revoke.
      { name: 'Hours only', scopes: [], revoked_at: null },
      { name: 'Site and articles', scopes: ['site'], revoked_at: null },
      { name: 'Website', scopes: ['site'], revoked_at: null },
      { name: 'Widget', scopes: ['testimonials:read'], revoked_at: null },
    ]);
  });
});
