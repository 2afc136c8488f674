import { assertTestDatabaseUrl, withDatabase } from './test-database.js';

describe('assertTestDatabaseUrl', () => {
  it.each([
    'postgres://app:pw@localhost:5432/wellclinic_test',
    'postgresql://localhost/test',
    'postgres://localhost/TEST_db',
    'postgres://localhost/myTestDb',
    'postgres://localhost/wellclinic_test_1764000000000_a1b2c3?sslmode=disable',
    'postgres://localhost/my%20test%20db',
    'postgres://localhost/tes%74ing',
    'postgres:///wellclinic_test',
  ])('accepts %s', (url) => {
    expect(() => assertTestDatabaseUrl(url)).not.toThrow();
  });

  it.each([
    ['postgres://app:pw@localhost:5432/postgres', 'postgres'],
    ['postgres://localhost/wellclinic', 'wellclinic'],
    ['postgres://localhost/', ''],
    ['postgres://localhost', ''],
    ['postgres://test:test@test-host:5432/production', 'production'],
    ['postgres://localhost/production?application_name=test', 'production'],
    ['postgres://localhost/production#test', 'production'],
    ['postgres://localhost/tes_t', 'tes_t'],
  ])('refuses %s', (url, name) => {
    expect(() => assertTestDatabaseUrl(url)).toThrow(
      new Error(`Refusing to run tests against database "${name}": its name must contain "test"`),
    );
  });

  it.each(['not a url', '', '/var/run/postgresql wellclinic_test', 'postgres://localhost/%E0%A4%A_test'])(
    'refuses the unparseable URL %j',
    (url) => {
      expect(() => assertTestDatabaseUrl(url)).toThrow(
        new Error('Refusing to run tests: the database URL cannot be parsed'),
      );
    },
  );

  it('does not echo the credentials of an unparseable URL', () => {
    expect(() => assertTestDatabaseUrl('postgres://admin:S3cretPw@localhost/%E0%A4%A')).toThrow(
      new Error('Refusing to run tests: the database URL cannot be parsed'),
    );
  });
});

describe('withDatabase', () => {
  it('replaces the database name and keeps the rest of the URL', () => {
    expect(withDatabase('postgres://app:pw@db.local:5432/postgres?sslmode=require', 'wellclinic_test_1')).toBe(
      'postgres://app:pw@db.local:5432/wellclinic_test_1?sslmode=require',
    );
  });

  it('adds a database name to a URL without one', () => {
    expect(withDatabase('postgres://localhost:5432', 'scratch_test')).toBe('postgres://localhost:5432/scratch_test');
  });

  it('gives a URL that passes the guard when the new name contains "test"', () => {
    const url = withDatabase('postgres://app:pw@localhost/postgres', 'wellclinic_scratch_test_ab12');

    expect(() => assertTestDatabaseUrl(url)).not.toThrow();
  });

  it('throws on an unparseable URL', () => {
    expect(() => withDatabase('not a url', 'x_test')).toThrow('Invalid URL');
  });
});
