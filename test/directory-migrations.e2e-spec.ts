import { DataSource } from 'typeorm';
import { runPendingMigrations } from '../src/database/migration-runner.js';
import { createScratchDatabase, testDataSource } from './setup/test-database.js';
import { MIGRATION_NAMES as NAMES, migrateToJustBefore } from './utils/migrations-under-test.js';

/**
 * The directory's migrations on data stored before them: a database migrated up to just before one, rows written as
 * the old schema had them, then the rest of the migrations.
 */
describe('directory migrations of existing data', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let ds: DataSource;

  /** Migrates fully, then undoes every migration from `name` on. */
  const migrateUpTo = (name: string) => migrateToJustBefore(ds, name);

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    ds = await testDataSource(scratch.url, 1).initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await scratch.drop();
  });

  it('ServicesDirectory: an existing testimonial and contact request keep their service, now a service’s slug', async () => {
    await migrateUpTo('ServicesDirectory1796634587394');
    await ds.query(
      `INSERT INTO testimonials (id, quote, first_name, last_initial, service, source, consent_given_at, consent_text_version, consent_method)
       VALUES ('00000000-0000-4000-8000-000000000001', 'Helped a lot.', 'Ana', 'B', 'family-therapy', 'email', '2026-01-01T00:00:00Z', '2026-01', 'email'),
              ('00000000-0000-4000-8000-000000000002', 'Thank you.', 'Bo', 'C', NULL, 'email', '2026-01-01T00:00:00Z', '2026-01', 'email')`,
    );
    await ds.query(
      `INSERT INTO contact_requests (id, reference, status_changed_at, channel, service_interest, name_cipher, consent_to_text, expected_reply_by)
       VALUES ('00000000-0000-4000-8000-000000000003', 'CR-AAAAAA', now(), 'call', 'other', 'sealed', false, now())`,
    );

    await runPendingMigrations(ds);

    expect(await ds.query('SELECT id, service FROM testimonials ORDER BY id')).toEqual([
      { id: '00000000-0000-4000-8000-000000000001', service: 'family-therapy' },
      { id: '00000000-0000-4000-8000-000000000002', service: null },
    ]);
    expect(await ds.query('SELECT service_interest FROM contact_requests')).toEqual([{ service_interest: 'other' }]);
    // Each names a service record now: the foreign key holds them to it.
    expect(
      await ds.query(
        `SELECT t.service, s.name FROM testimonials t JOIN services s ON s.slug = t.service
         UNION ALL SELECT c.service_interest, s.name FROM contact_requests c JOIN services s ON s.slug = c.service_interest`,
      ),
    ).toEqual([
      { service: 'family-therapy', name: 'Family therapy' },
      { service: 'other', name: 'Other' },
    ]);
    await expect(ds.query(`DELETE FROM services WHERE slug = 'family-therapy'`)).rejects.toThrow(/foreign key/);
    await expect(
      ds.query(`UPDATE testimonials SET service = 'massage' WHERE id = '00000000-0000-4000-8000-000000000002'`),
    ).rejects.toThrow(/foreign key/);
  });

  it('ServicesDirectory down refuses while a row names a service added since, and changes nothing', async () => {
    await ds.query(
      `INSERT INTO services (slug, name, description, description_html, audiences, formats, insurance_accepted)
       VALUES ('art-therapy', 'Art therapy', '', '', '{}', '{}', '{}')`,
    );
    await ds.query(
      `UPDATE contact_requests SET service_interest = 'art-therapy' WHERE id = '00000000-0000-4000-8000-000000000003'`,
    );
    const undo = NAMES.length - NAMES.indexOf('ServicesDirectory1796634587394');
    for (let i = 0; i < undo - 1; i++) await ds.undoLastMigration({ transaction: 'all' });
    await expect(ds.undoLastMigration({ transaction: 'all' })).rejects.toThrow(
      /1 testimonial\(s\) or contact request\(s\) name a service outside the former five/,
    );
    expect(await ds.query('SELECT service_interest FROM contact_requests')).toEqual([
      { service_interest: 'art-therapy' },
    ]);
    await runPendingMigrations(ds);
    await ds.query(`UPDATE contact_requests SET service_interest = 'other'`);
    await ds.query(`DELETE FROM services WHERE slug = 'art-therapy'`);
  });

  it('ServicesDirectory down: back to the enums with the same values', async () => {
    const undo = NAMES.length - NAMES.indexOf('ServicesDirectory1796634587394');
    for (let i = 0; i < undo; i++) await ds.undoLastMigration({ transaction: 'all' });
    expect(await ds.query('SELECT service::text AS service FROM testimonials ORDER BY id')).toEqual([
      { service: 'family-therapy' },
      { service: null },
    ]);
    expect(await ds.query('SELECT service_interest::text AS s FROM contact_requests')).toEqual([{ s: 'other' }]);
    await runPendingMigrations(ds);
  });
});
