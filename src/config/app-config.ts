import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { EnvironmentVariables, type LogLevel, type NodeEnv, splitList } from './environment.js';

export type TrustProxy = boolean | number | string[];

/** Named rate-limit policies: a general per-IP ceiling, login attempts, public submissions. */
export const RATE_LIMIT_POLICIES = ['general', 'login', 'submission'] as const;
export type RateLimitPolicy = (typeof RATE_LIMIT_POLICIES)[number];

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `3600`, `90s`, `15m`, `1h`, `1d` → seconds (the format is validated beforehand). */
export function parseDurationSeconds(value: string): number {
  const unit = value.at(-1) ?? '';
  return unit in DURATION_UNITS ? Number(value.slice(0, -1)) * DURATION_UNITS[unit] : Number(value);
}

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
  readonly cache: {
    readonly maxAgeSeconds: number;
    readonly staleWhileRevalidateSeconds: number;
    /** The in-memory response cache of public content (0: off). */
    readonly responseTtlMs: number;
    readonly responseMaxBytes: number;
  };
  /** Base URL of the public website, without a trailing slash. */
  readonly publicSiteUrl: string;
  readonly auth: {
    /** From JWT_SECRET; in embedded mode without one, random per process (tokens end with the process). */
    readonly jwtSecret: string;
    readonly jwtSecretGenerated: boolean;
    readonly jwtTtlSeconds: number;
    readonly initialAdmin?: { readonly email: string; readonly password: string };
  };
  readonly redisUrl?: string;
  readonly rateLimits: Readonly<Record<RateLimitPolicy, { readonly limit: number; readonly windowSeconds: number }>>;
  readonly dataEncryption: {
    /** Undefined only with the embedded database, which keeps a generated key next to its files. */
    readonly currentKey?: Buffer;
    readonly previousKeys: readonly Buffer[];
  };
  readonly contactRequests: {
    readonly defaultRegion: string;
    readonly replyWithinMinutes: number;
    readonly scheduleByChannel: Readonly<Record<'text' | 'call' | 'email', string>>;
    readonly crisisNotice: string;
    readonly retentionDays: number;
  };
  readonly notifications: {
    readonly webhookUrls: readonly string[];
    readonly webhookSecret?: string;
    readonly dispatchIntervalMs: number;
    readonly retryForMs: number;
  };

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
      responseTtlMs: env.RESPONSE_CACHE_TTL_MS,
      responseMaxBytes: env.RESPONSE_CACHE_MAX_MB * 1024 * 1024,
    };
    this.publicSiteUrl = env.PUBLIC_SITE_URL.replace(/\/+$/, '');
    this.auth = {
      jwtSecret: env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
      jwtSecretGenerated: env.JWT_SECRET === undefined,
      jwtTtlSeconds: parseDurationSeconds(env.JWT_TTL),
      initialAdmin:
        env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined,
    };
    this.redisUrl = env.REDIS_URL;
    this.rateLimits = {
      general: { limit: env.RATE_LIMIT_GENERAL_LIMIT, windowSeconds: env.RATE_LIMIT_GENERAL_WINDOW_SECONDS },
      login: { limit: env.RATE_LIMIT_LOGIN_LIMIT, windowSeconds: env.RATE_LIMIT_LOGIN_WINDOW_SECONDS },
      submission: { limit: env.RATE_LIMIT_SUBMISSION_LIMIT, windowSeconds: env.RATE_LIMIT_SUBMISSION_WINDOW_SECONDS },
    };
    const key = (value: string) => Buffer.from(value, 'base64');
    this.dataEncryption = {
      currentKey: env.DATA_ENCRYPTION_KEY ? key(env.DATA_ENCRYPTION_KEY.trim()) : undefined,
      previousKeys: splitList(env.DATA_ENCRYPTION_KEYS).map(key),
    };
    this.contactRequests = {
      defaultRegion: env.CONTACT_DEFAULT_REGION,
      replyWithinMinutes: env.CONTACT_REPLY_WITHIN_MINUTES,
      scheduleByChannel: {
        text: env.CONTACT_SCHEDULE_TEXT,
        call: env.CONTACT_SCHEDULE_CALL,
        email: env.CONTACT_SCHEDULE_EMAIL,
      },
      crisisNotice: env.CONTACT_CRISIS_NOTICE,
      retentionDays: env.CONTACT_RETENTION_DAYS,
    };
    this.notifications = {
      webhookUrls: splitList(env.NOTIFY_WEBHOOK_URLS),
      webhookSecret: env.NOTIFY_WEBHOOK_SECRET,
      dispatchIntervalMs: env.NOTIFY_DISPATCH_INTERVAL_MS,
      retryForMs: env.NOTIFY_RETRY_HOURS * 3_600_000,
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

/** Variables without a default: absent from `new EnvironmentVariables()`'s keys. */
const OPTIONAL_VARIABLES = [
  'DATABASE_URL',
  'DB_SEED_ON_START',
  'JWT_SECRET',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'REDIS_URL',
  'DATA_ENCRYPTION_KEY',
  'NOTIFY_WEBHOOK_SECRET',
];

/**
 * Validates every variable at once. Values are never echoed: some of them (DATABASE_URL) are secrets.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const relevant: Record<string, string> = {};
  for (const key of [...known, ...OPTIONAL_VARIABLES]) {
    const value = env[key];
    if (value !== undefined) relevant[key] = value;
  }
  const parsed = plainToInstance(EnvironmentVariables, relevant, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: true, stopAtFirstError: true });
  const problems = errors.map(describe);
  problems.push(...crossFieldProblems(parsed, problems));
  if (problems.length > 0) throw new ConfigValidationError(problems.sort());
  return new AppConfig(parsed);
}

/** Rules that involve more than one variable; skipped for variables that are already invalid. */
function crossFieldProblems(env: EnvironmentVariables, already: string[]): string[] {
  const bad = new Set(already.map((p) => p.split(':')[0]));
  const problems: string[] = [];
  if (env.DATABASE_URL && !env.JWT_SECRET && !bad.has('JWT_SECRET') && !bad.has('DATABASE_URL')) {
    problems.push('JWT_SECRET: is required when DATABASE_URL is set (at least 32 characters)');
  }
  if (env.DATABASE_URL && !env.DATA_ENCRYPTION_KEY && !bad.has('DATA_ENCRYPTION_KEY') && !bad.has('DATABASE_URL')) {
    problems.push('DATA_ENCRYPTION_KEY: is required when DATABASE_URL is set (openssl rand -base64 32)');
  }
  if (env.NOTIFY_WEBHOOK_URLS.trim() && !env.NOTIFY_WEBHOOK_SECRET && !bad.has('NOTIFY_WEBHOOK_SECRET')) {
    problems.push('NOTIFY_WEBHOOK_SECRET: is required when NOTIFY_WEBHOOK_URLS is set (at least 16 characters)');
  }
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD) && !bad.has('ADMIN_EMAIL')) {
    problems.push(`${env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'}: must be set together with the other`);
  }
  return problems;
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
