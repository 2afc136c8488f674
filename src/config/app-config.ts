import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { resolve } from 'node:path';
import { EnvironmentVariables, type LogLevel, type NodeEnv } from './environment.js';

export type TrustProxy = boolean | number | string[];

/** The one typed configuration object. Nothing else in the code base reads `process.env`. */
export class AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly corsOrigins: true | string[] | false;
    readonly trustProxy: TrustProxy;
    readonly shutdownTimeoutMs: number;
  };
  readonly database: {
    /** Undefined means the embedded PGlite database. */
    readonly url?: string;
    readonly pgliteDataDir: string;
    readonly poolMax: number;
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
    readonly migrateOnStart: boolean;
    readonly seedOnStart: boolean;
    readonly retryAfterSeconds: number;
  };
  readonly log: { readonly level: LogLevel; readonly pretty: boolean };
  readonly docs: { readonly enabled: boolean };
  readonly cache: { readonly maxAgeSeconds: number; readonly staleWhileRevalidateSeconds: number };

  constructor(env: EnvironmentVariables) {
    this.nodeEnv = env.NODE_ENV;
    this.http = {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    };
    this.database = {
      url: env.DATABASE_URL,
      pgliteDataDir: env.PGLITE_DATA_DIR === 'memory://' ? 'memory://' : resolve(env.PGLITE_DATA_DIR),
      poolMax: env.DATABASE_URL ? env.DB_POOL_MAX : 1,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      migrateOnStart: env.DB_MIGRATE_ON_START,
      seedOnStart: env.DB_SEED_ON_START ?? !env.DATABASE_URL,
      retryAfterSeconds: env.DB_RETRY_AFTER_SECONDS,
    };
    this.log = { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY };
    this.docs = { enabled: env.DOCS_ENABLED };
    this.cache = {
      maxAgeSeconds: env.CACHE_MAX_AGE_SECONDS,
      staleWhileRevalidateSeconds: env.CACHE_STALE_WHILE_REVALIDATE_SECONDS,
    };
  }

  get embeddedDatabase(): boolean {
    return this.database.url === undefined;
  }
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Validates every variable at once. Values are never echoed: some of them (DATABASE_URL) are secrets.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const relevant: Record<string, string> = {};
  for (const key of [...known, 'DATABASE_URL', 'DB_SEED_ON_START']) {
    const value = env[key];
    if (value !== undefined) relevant[key] = value;
  }
  const parsed = plainToInstance(EnvironmentVariables, relevant, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) throw new ConfigValidationError(errors.map(describe).sort());
  return new AppConfig(parsed);
}

function describe(error: ValidationError): string {
  const rules = Object.values(error.constraints ?? {}).map((message) =>
    message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
  );
  return `${error.property}: ${rules.join('; ')}`;
}

function parseCorsOrigins(raw: string): true | string[] | false {
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length === 0) return false;
  if (origins.includes('*')) return true;
  return origins;
}

function parseTrustProxy(raw: string): TrustProxy {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',').map((a) => a.trim());
}
