import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Role } from '../common/access/roles.js';
import { EnvironmentVariables, type LogLevel, type NodeEnv, type RateLimitFailMode, splitList } from './environment.js';

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
    /** After SIGTERM: readiness fails and requests are still served this long, before the listener closes. */
    readonly shutdownDrainMs: number;
  };
  readonly database: {
    /** Undefined means the embedded PGlite database. */
    readonly url?: string;
    readonly pgliteDataDir: string;
    readonly poolMax: number;
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
    /** Client-side deadline of each query a request makes (migrations at startup are exempt). */
    readonly queryTimeoutMs: number;
    /** DB_PREPARED_STATEMENTS: the frequent writes run as named statements, parsed once per connection. */
    readonly preparedStatements: boolean;
    /** DB_GROUP_COMMIT: writes sent in one statement at most (1: group commit off). */
    readonly groupCommit: number;
    /** Streaming replicas for public reads (DATABASE_REPLICA_URLS); always empty on the embedded database. */
    readonly replicaUrls: readonly string[];
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
    /** How the other instances hear of an invalidation: resolved from CACHE_INVALIDATION ('auto'). */
    readonly invalidation: 'redis' | 'postgres' | 'off';
  };
  /** Base URL of the public website, without a trailing slash. */
  readonly publicSiteUrl: string;
  /** Where Prometheus scrapes: a port of its own, and/or the API's port with a bearer token. Unset: nowhere. */
  readonly metrics: { readonly port?: number; readonly token?: string };
  readonly auth: {
    /** The secret that signs: the first of JWT_SECRETS, or JWT_SECRET; in embedded mode without one, random per process. */
    readonly jwtSecret: string;
    /** Every secret that verifies, the signing one first (JWT_SECRETS; JWT_SECRET is a list of one). */
    readonly jwtSecrets: readonly string[];
    readonly jwtSecretGenerated: boolean;
    readonly jwtTtlSeconds: number;
    /** A session ends when not refreshed for this long, and in any case `sessionMaxAgeSeconds` after its sign-in. */
    readonly refreshTtlSeconds: number;
    readonly sessionMaxAgeSeconds: number;
    /** Roles that must use a second factor: until they enrol, their tokens allow enrolment only. */
    readonly mfaRequiredRoles: readonly Role[];
    /** The page reset emails link to (`?token=` is appended); undefined: no reset email is sent. */
    readonly passwordResetUrl?: string;
    readonly initialAdmin?: { readonly email: string; readonly password: string };
  };
  /** How long a draft preview token is valid. */
  readonly articles: { readonly previewTtlSeconds: number };
  readonly redisUrl?: string;
  readonly rateLimits: Readonly<Record<RateLimitPolicy, { readonly limit: number; readonly windowSeconds: number }>> & {
    /** `limit` counts failed attempts per IP; this one failed attempts per email (see the login policy). */
    readonly login: { readonly emailLimit: number };
    /** The budget of each `site` API key, which replaces the per-IP general ceiling for its requests. */
    readonly site: { readonly limit: number; readonly windowSeconds: number };
    /** Whether login and submission requests are refused (`closed`) or let through while Redis cannot count them. */
    readonly failMode: RateLimitFailMode;
  };
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
    readonly maxAgeDays: number;
  };
  readonly notifications: {
    readonly webhookUrls: readonly string[];
    readonly webhookSecret?: string;
    readonly dispatchIntervalMs: number;
    readonly retryForMs: number;
    /** WEBHOOK_ALLOW_PRIVATE_TARGETS: plain http and internal addresses allowed as webhook targets. */
    readonly allowPrivateTargets: boolean;
  };
  /** Email through SMTP; `smtpUrl` unset means email is off. Dispatch interval and retry window: `notifications`. */
  readonly mail: {
    readonly smtpUrl?: string;
    readonly from?: string;
    /** Without a trailing slash. */
    readonly staffAppUrl?: string;
  };
  /** The media library: where files are kept (a directory, else the database) and the URLs they are served at. */
  readonly media: {
    /** MEDIA_DIR, resolved; undefined: the database keeps the files. */
    readonly dir?: string;
    /** Prefixed to `/media/…` URLs; empty: root-relative URLs. Without a trailing slash. */
    readonly baseUrl: string;
    readonly processingConcurrency: number;
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
      shutdownDrainMs: env.SHUTDOWN_DRAIN_MS ?? (env.NODE_ENV === 'production' ? 5000 : 0),
    };
    this.database = {
      url: env.DATABASE_URL,
      pgliteDataDir: env.PGLITE_DATA_DIR === 'memory://' ? 'memory://' : resolve(env.PGLITE_DATA_DIR),
      poolMax: env.DATABASE_URL ? env.DB_POOL_MAX : 1,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      queryTimeoutMs: env.DB_QUERY_TIMEOUT_MS,
      preparedStatements: env.DB_PREPARED_STATEMENTS,
      groupCommit: env.DB_GROUP_COMMIT,
      replicaUrls: env.DATABASE_URL ? splitList(env.DATABASE_REPLICA_URLS) : [],
      migrateOnStart: env.DB_MIGRATE_ON_START,
      seedOnStart: env.DB_SEED_ON_START ?? (!env.DATABASE_URL && env.NODE_ENV !== 'production'),
      retryAfterSeconds: env.DB_RETRY_AFTER_SECONDS,
    };
    this.log = { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY };
    this.docs = { enabled: env.DOCS_ENABLED };
    this.cache = {
      maxAgeSeconds: env.CACHE_MAX_AGE_SECONDS,
      staleWhileRevalidateSeconds: env.CACHE_STALE_WHILE_REVALIDATE_SECONDS,
      responseTtlMs: env.RESPONSE_CACHE_TTL_MS,
      responseMaxBytes: env.RESPONSE_CACHE_MAX_MB * 1024 * 1024,
      invalidation:
        env.CACHE_INVALIDATION !== 'auto'
          ? env.CACHE_INVALIDATION
          : env.REDIS_URL
            ? 'redis'
            : env.DATABASE_URL
              ? 'postgres'
              : 'off',
    };
    this.publicSiteUrl = env.PUBLIC_SITE_URL.replace(/\/+$/, '');
    this.metrics = { port: env.METRICS_PORT, token: env.METRICS_TOKEN };
    const jwtSecrets = env.JWT_SECRETS
      ? splitList(env.JWT_SECRETS)
      : [env.JWT_SECRET ?? randomBytes(48).toString('base64url')];
    const staffApp = env.STAFF_APP_URL?.replace(/\/+$/, '');
    this.auth = {
      jwtSecret: jwtSecrets[0],
      jwtSecrets,
      jwtSecretGenerated: env.JWT_SECRET === undefined && env.JWT_SECRETS === undefined,
      jwtTtlSeconds: parseDurationSeconds(env.JWT_TTL),
      refreshTtlSeconds: parseDurationSeconds(env.REFRESH_TOKEN_TTL),
      sessionMaxAgeSeconds: parseDurationSeconds(env.SESSION_MAX_AGE),
      mfaRequiredRoles: (env.MFA_REQUIRED_ROLES === undefined
        ? env.NODE_ENV === 'production'
          ? ['admin', 'frontdesk']
          : []
        : splitList(env.MFA_REQUIRED_ROLES)) as Role[],
      passwordResetUrl: env.PASSWORD_RESET_URL ?? (staffApp ? `${staffApp}/reset-password` : undefined),
      initialAdmin:
        env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined,
    };
    this.articles = { previewTtlSeconds: env.ARTICLE_PREVIEW_TTL_MINUTES * 60 };
    this.redisUrl = env.REDIS_URL;
    this.rateLimits = {
      general: { limit: env.RATE_LIMIT_GENERAL_LIMIT, windowSeconds: env.RATE_LIMIT_GENERAL_WINDOW_SECONDS },
      login: {
        limit: env.RATE_LIMIT_LOGIN_LIMIT,
        windowSeconds: env.RATE_LIMIT_LOGIN_WINDOW_SECONDS,
        emailLimit: env.RATE_LIMIT_LOGIN_EMAIL_LIMIT,
      },
      submission: { limit: env.RATE_LIMIT_SUBMISSION_LIMIT, windowSeconds: env.RATE_LIMIT_SUBMISSION_WINDOW_SECONDS },
      site: { limit: env.RATE_LIMIT_SITE_LIMIT, windowSeconds: env.RATE_LIMIT_SITE_WINDOW_SECONDS },
      failMode: env.RATE_LIMIT_FAIL_MODE,
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
      maxAgeDays: env.CONTACT_MAX_AGE_DAYS,
    };
    this.notifications = {
      webhookUrls: splitList(env.NOTIFY_WEBHOOK_URLS),
      webhookSecret: env.NOTIFY_WEBHOOK_SECRET,
      dispatchIntervalMs: env.NOTIFY_DISPATCH_INTERVAL_MS,
      retryForMs: env.NOTIFY_RETRY_HOURS * 3_600_000,
      allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    };
    this.mail = {
      smtpUrl: env.SMTP_URL,
      from: env.SMTP_FROM,
      staffAppUrl: env.STAFF_APP_URL?.replace(/\/+$/, ''),
    };
    this.media = {
      dir: env.MEDIA_DIR === undefined ? undefined : resolve(env.MEDIA_DIR),
      baseUrl: env.MEDIA_BASE_URL?.replace(/\/+$/, '') ?? '',
      processingConcurrency: env.MEDIA_PROCESSING_CONCURRENCY,
    };
  }

  get embeddedDatabase(): boolean {
    return this.database.url === undefined;
  }

  get production(): boolean {
    return this.nodeEnv === 'production';
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
  'SHUTDOWN_DRAIN_MS',
  'JWT_SECRET',
  'JWT_SECRETS',
  'MFA_REQUIRED_ROLES',
  'PASSWORD_RESET_URL',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'REDIS_URL',
  'DATA_ENCRYPTION_KEY',
  'NOTIFY_WEBHOOK_SECRET',
  'METRICS_PORT',
  'METRICS_TOKEN',
  'SMTP_URL',
  'SMTP_FROM',
  'STAFF_APP_URL',
];

/**
 * Secrets that can also be given as a file, `<NAME>_FILE`: the convention of Docker and Kubernetes secrets, which
 * keeps them out of the process environment (and so out of `ps e`, crash dumps and child processes).
 */
export const FILE_VARIABLES = [
  'DATABASE_URL',
  'DATABASE_REPLICA_URLS',
  'JWT_SECRET',
  'JWT_SECRETS',
  'DATA_ENCRYPTION_KEY',
  'DATA_ENCRYPTION_KEYS',
  'ADMIN_PASSWORD',
  'NOTIFY_WEBHOOK_SECRET',
  'REDIS_URL',
  'METRICS_TOKEN',
  'SMTP_URL',
] as const;

export type SecretFileReader = (path: string) => string;
const readSecretFile: SecretFileReader = (path) => readFileSync(path, 'utf8');

/** Resolves `<NAME>_FILE` into `<NAME>`; the problems name the variable, never the file's content. */
function resolveFileVariables(
  env: Record<string, string | undefined>,
  read: SecretFileReader,
): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of FILE_VARIABLES) {
    const path = env[`${name}_FILE`]?.trim();
    if (!path) continue;
    if (env[name]?.trim()) {
      problems.push(`${name}_FILE: cannot be set together with ${name}`);
      continue;
    }
    let content: string;
    try {
      content = read(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`${name}_FILE: the file cannot be read (${code})`);
      continue;
    }
    // The whole content, less the line break that editors and `echo` leave at the end.
    content = content.replace(/\r?\n$/, '');
    if (content.trim() === '') problems.push(`${name}_FILE: the file is empty`);
    else values[name] = content;
  }
  return { values, problems };
}

/**
 * Validates every variable at once. Values are never echoed: some of them (DATABASE_URL) are secrets.
 */
export function loadConfig(env: Record<string, string | undefined>, readFile = readSecretFile): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const relevant: Record<string, string> = {};
  for (const key of [...known, ...OPTIONAL_VARIABLES]) {
    const value = env[key];
    if (value !== undefined) relevant[key] = value;
  }
  const fromFiles = resolveFileVariables(env, readFile);
  Object.assign(relevant, fromFiles.values);
  const parsed = plainToInstance(EnvironmentVariables, relevant, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: true, stopAtFirstError: true });
  const problems = [...fromFiles.problems, ...errors.map(describe)];
  problems.push(...crossFieldProblems(parsed, problems));
  if (problems.length > 0) throw new ConfigValidationError(problems.sort());
  return new AppConfig(parsed);
}

/** The integer variables, for rules that compare two of them. */
type NumericVariable = {
  [K in keyof EnvironmentVariables]-?: EnvironmentVariables[K] extends number ? K : never;
}[keyof EnvironmentVariables];

/** Rules that involve more than one variable; skipped for variables that are already invalid. */
function crossFieldProblems(env: EnvironmentVariables, already: string[]): string[] {
  const bad = new Set(already.map((p) => p.split(':')[0].replace(/_FILE$/, '')));
  const problems: string[] = [];
  if (env.NODE_ENV === 'production') {
    problems.push(...productionProblems(env, bad));
  } else {
    if (
      env.DATABASE_URL &&
      !env.JWT_SECRET &&
      !env.JWT_SECRETS &&
      !bad.has('JWT_SECRET') &&
      !bad.has('JWT_SECRETS') &&
      !bad.has('DATABASE_URL')
    ) {
      problems.push('JWT_SECRET: is required when DATABASE_URL is set (at least 32 characters)');
    }
    if (env.DATABASE_URL && !env.DATA_ENCRYPTION_KEY && !bad.has('DATA_ENCRYPTION_KEY') && !bad.has('DATABASE_URL')) {
      problems.push('DATA_ENCRYPTION_KEY: is required when DATABASE_URL is set (openssl rand -base64 32)');
    }
  }
  const lessThan = (lower: NumericVariable, higher: NumericVariable, reported: NumericVariable, message: string) => {
    if (env[lower] >= env[higher] && !bad.has(lower) && !bad.has(higher)) problems.push(`${reported}: ${message}`);
  };
  lessThan(
    'DB_STATEMENT_TIMEOUT_MS',
    'DB_QUERY_TIMEOUT_MS',
    'DB_STATEMENT_TIMEOUT_MS',
    'must be less than DB_QUERY_TIMEOUT_MS, so the server cancels a slow statement before the client gives up on its connection',
  );
  lessThan(
    'RATE_LIMIT_LOGIN_LIMIT',
    'RATE_LIMIT_LOGIN_EMAIL_LIMIT',
    'RATE_LIMIT_LOGIN_EMAIL_LIMIT',
    'must be greater than RATE_LIMIT_LOGIN_LIMIT, so an email under attack from several addresses is not locked out sooner than one address is',
  );
  if (env.JWT_SECRET && env.JWT_SECRETS && !bad.has('JWT_SECRET') && !bad.has('JWT_SECRETS')) {
    problems.push('JWT_SECRETS: cannot be set together with JWT_SECRET (JWT_SECRET is a list of one)');
  }
  if (env.NOTIFY_WEBHOOK_URLS.trim() && !env.NOTIFY_WEBHOOK_SECRET && !bad.has('NOTIFY_WEBHOOK_SECRET')) {
    problems.push('NOTIFY_WEBHOOK_SECRET: is required when NOTIFY_WEBHOOK_URLS is set (at least 16 characters)');
  }
  if (env.SMTP_URL && !env.SMTP_FROM && !bad.has('SMTP_FROM') && !bad.has('SMTP_URL')) {
    problems.push('SMTP_FROM: is required when SMTP_URL is set');
  }
  if (
    !env.WEBHOOK_ALLOW_PRIVATE_TARGETS &&
    !bad.has('NOTIFY_WEBHOOK_URLS') &&
    !bad.has('WEBHOOK_ALLOW_PRIVATE_TARGETS') &&
    splitList(env.NOTIFY_WEBHOOK_URLS).some((url) => !url.startsWith('https:'))
  ) {
    problems.push('NOTIFY_WEBHOOK_URLS: must be https URLs unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true');
  }
  if (env.CACHE_INVALIDATION === 'redis' && !env.REDIS_URL && !bad.has('REDIS_URL')) {
    problems.push('CACHE_INVALIDATION: redis needs REDIS_URL');
  }
  if (env.CACHE_INVALIDATION === 'postgres' && !env.DATABASE_URL && !bad.has('DATABASE_URL')) {
    problems.push('CACHE_INVALIDATION: postgres needs DATABASE_URL (the embedded database serves one instance)');
  }
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD) && !bad.has('ADMIN_EMAIL')) {
    problems.push(`${env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'}: must be set together with the other`);
  }
  return problems;
}

/**
 * Production never runs on what is convenient in development: a token secret that dies with the process, a key
 * generated next to the data it protects, or the single-process embedded database by accident.
 */
function productionProblems(env: EnvironmentVariables, bad: Set<string>): string[] {
  const problems: string[] = [];
  if (!env.DATABASE_URL && !env.ALLOW_EMBEDDED_IN_PRODUCTION && !bad.has('DATABASE_URL')) {
    problems.push(
      'DATABASE_URL: is required in production (or DATABASE_URL_FILE); to run on the embedded database anyway, set ALLOW_EMBEDDED_IN_PRODUCTION=true',
    );
  }
  if (!env.JWT_SECRET && !env.JWT_SECRETS && !bad.has('JWT_SECRET') && !bad.has('JWT_SECRETS')) {
    problems.push('JWT_SECRET: is required in production (or JWT_SECRET_FILE), at least 32 characters');
  }
  if (!env.DATA_ENCRYPTION_KEY && !bad.has('DATA_ENCRYPTION_KEY')) {
    problems.push(
      'DATA_ENCRYPTION_KEY: is required in production (or DATA_ENCRYPTION_KEY_FILE): openssl rand -base64 32',
    );
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
