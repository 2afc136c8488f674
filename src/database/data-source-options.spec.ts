import { buildDataSourceOptions, usesPreparedStatements } from './data-source-options.js';
import { DeadlineClient } from './query-deadline.js';

const settings = {
  url: 'postgres://app@127.0.0.1:5432/app',
  entities: [],
  poolMax: 4,
  connectTimeoutMs: 1000,
  statementTimeoutMs: 2000,
};
const extra = (overrides: Partial<Parameters<typeof buildDataSourceOptions>[0]>) =>
  (buildDataSourceOptions({ ...settings, ...overrides }) as { extra: Record<string, unknown> }).extra;

describe('buildDataSourceOptions', () => {
  it("gives the pool the app's client, with prepared statements as asked", () => {
    expect(extra({ queryTimeoutMs: 3000, preparedStatements: true })).toMatchObject({
      Client: DeadlineClient,
      query_timeout: 3000,
      preparedStatements: true,
    });
    expect(extra({ queryTimeoutMs: 3000, preparedStatements: false })).toMatchObject({
      Client: DeadlineClient,
      preparedStatements: false,
    });
    // Without a deadline (the embedded database) the client still prepares when asked.
    const undeadlined = extra({ preparedStatements: true });
    expect(undeadlined).toMatchObject({ Client: DeadlineClient, preparedStatements: true });
    expect(undeadlined).not.toHaveProperty('query_timeout');
  });

  it("leaves pg's own client to the CLI scripts (no deadline, nothing prepared)", () => {
    const plain = extra({});
    expect(plain).not.toHaveProperty('Client');
    expect(plain).not.toHaveProperty('preparedStatements');
  });
});

describe('usesPreparedStatements', () => {
  it('follows DB_PREPARED_STATEMENTS, never on the embedded database', () => {
    expect(usesPreparedStatements(true, false)).toBe(true);
    expect(usesPreparedStatements(false, false)).toBe(false);
    expect(usesPreparedStatements(true, true)).toBe(false);
    expect(usesPreparedStatements(false, true)).toBe(false);
  });
});
