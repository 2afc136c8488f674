/** Postgres SQLSTATEs and socket errors that mean "the database is not there right now", not "the query is wrong". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

const UNAVAILABLE_MESSAGES =
  /connection terminated|connection timeout|timeout exceeded when trying to connect|query read timeout|client has encountered a connection error|too many connections|connection is not established|the database system is (starting up|shutting down)/i;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

function* chain(error: unknown): Generator<ErrorLike> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as ErrorLike;
    yield e;
    current = e.driverError ?? e.cause;
  }
}

export function sqlState(error: unknown): string | undefined {
  for (const e of chain(error)) {
    // SQLSTATEs are five digits or capitals with at least one digit (EPIPE is a socket error, not one).
    if (typeof e.code === 'string' && /^(?=.*\d)[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of chain(error)) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/**
 * A unique index refused the write, and the index (its name or the duplicate key Postgres describes) matches
 * `key`: e.g. `/slug/i` for "Key (slug)=(…) already exists".
 */
export function isUniqueViolation(error: unknown, key: RegExp): boolean {
  if (sqlState(error) !== '23505') return false;
  for (const e of chain(error) as Iterable<ErrorLike & { detail?: unknown; constraint?: unknown }>) {
    if (typeof e.detail === 'string' && key.test(e.detail)) return true;
    if (typeof e.constraint === 'string' && key.test(e.constraint)) return true;
  }
  return false;
}
