import { isDatabaseUnavailable, sqlState } from './database-errors.js';

function codedError(message: string, code: unknown): Error {
  return Object.assign(new Error(message), { code });
}

describe('sqlState', () => {
  it('reads the code of the error itself', () => {
    expect(sqlState(codedError('duplicate key', '23505'))).toBe('23505');
    expect(sqlState({ code: '40P01' })).toBe('40P01');
  });

  it('reads a TypeORM driverError', () => {
    expect(sqlState({ message: 'query failed', driverError: { code: '23503' } })).toBe('23503');
  });

  it('follows a cause chain', () => {
    const error = new Error('outer', { cause: new Error('middle', { cause: codedError('inner', '57014') }) });

    expect(sqlState(error)).toBe('57014');
  });

  it('follows driverError and cause links mixed', () => {
    expect(sqlState({ cause: { driverError: { cause: { code: '40001' } } } })).toBe('40001');
  });

  it('prefers driverError to cause when an error has both', () => {
    expect(sqlState({ driverError: { code: '23505' }, cause: { code: '23503' } })).toBe('23505');
  });

  it('prefers the outermost SQLSTATE', () => {
    expect(sqlState({ code: '23505', driverError: { code: '23503' } })).toBe('23505');
  });

  it('skips codes that are not SQLSTATEs on the way down', () => {
    expect(sqlState({ code: 'ECONNREFUSED', cause: { code: '08006' } })).toBe('08006');
    expect(sqlState({ code: 23505, driverError: { code: '23505' } })).toBe('23505');
  });

  it.each([
    ['a lower-case code', { code: '57p01' }],
    ['a 4-character code', { code: '2350' }],
    ['a 6-character code', { code: '235050' }],
    ['a numeric code', { code: 23505 }],
    ['no code', new Error('plain')],
    ['an empty object', {}],
  ])('returns undefined for %s', (_label, error) => {
    expect(sqlState(error)).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', '23505'],
    ['a number', 23505],
    ['a boolean', true],
  ])('returns undefined for %s', (_label, value) => {
    expect(sqlState(value)).toBeUndefined();
  });

  it('stops on a null or primitive link', () => {
    expect(sqlState({ driverError: null, cause: '23505' })).toBeUndefined();
  });

  it('terminates on a cyclic cause chain', () => {
    const a: { message: string; cause?: unknown } = { message: 'a' };
    const b = { message: 'b', cause: a };
    a.cause = b;

    expect(sqlState(a)).toBeUndefined();
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

describe('isDatabaseUnavailable', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'EAI_AGAIN',
    '08000',
    '08001',
    '08003',
    '08004',
    '08006',
    '53300',
    '57P01',
    '57P02',
    '57P03',
  ])('is true for code %s on the error, its driverError and its cause', (code) => {
    expect(isDatabaseUnavailable(codedError('x', code))).toBe(true);
    expect(isDatabaseUnavailable({ message: 'query failed', driverError: { code } })).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: codedError('x', code) }))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'connection timeout',
    'timeout exceeded when trying to connect',
    // pg's query_timeout (DB_QUERY_TIMEOUT_MS): a database that stopped answering.
    'Query read timeout',
    'Client has encountered a connection error and is not queryable',
    'sorry, too many connections for role "app"',
    'Connection is not established with mysql database',
    'the database system is starting up',
    'FATAL: the database system is shutting down',
  ])('is true for the message %j', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
    expect(isDatabaseUnavailable({ driverError: { message } })).toBe(true);
  });

  it.each([
    ['a unique violation', codedError('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', codedError('syntax error at or near "SELEC"', '42601')],
    ['a statement timeout', codedError('canceling statement due to statement timeout', '57014')],
    ['a serialization failure', codedError('could not serialize access', '40001')],
    ['a plain Error', new Error('relation "article" does not exist')],
    ['a lower-case code', codedError('x', 'econnrefused')],
    ['a non-string message', { message: 42, code: 1 }],
    ['an empty object', {}],
  ])('is false for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string naming an outage code', 'ECONNREFUSED'],
    ['a string with an outage message', 'Connection terminated unexpectedly'],
    ['a number', 57],
  ])('is false for %s', (_label, value) => {
    expect(isDatabaseUnavailable(value)).toBe(false);
  });
});
