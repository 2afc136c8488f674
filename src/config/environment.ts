import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { HEAP_GROWING_PERCENT as DEFAULT_HEAP_GROWING_PERCENT, MAX_HEAP_GROWING_PERCENT } from './heap-growth.js';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { isIP } from 'node:net';
import { ROLES } from '../common/access/roles.js';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

/** An integer variable within bounds. */
function EnvInt(min: number, max: number): PropertyDecorator {
  // applyDecorators registers in array order, so the type rule is checked (and reported) first.
  return applyDecorators(Transform(toInt), IsInt(), Min(min), Max(max));
}

/** A boolean variable: true/false, 1/0, yes/no, on/off. */
function EnvBool(): PropertyDecorator {
  return applyDecorators(Transform(toBool), IsBoolean());
}

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** A variable that may be unset (or empty, which counts as unset); when set, it must pass `rules`, in order. */
function OptionalEnv(...rules: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(Transform(emptyToUndefined), IsOptional(), ...rules);
}

/** An optional integer variable within bounds. */
function OptionalEnvInt(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    Transform((params) => toInt({ value: emptyToUndefined(params) })),
    IsOptional(),
    IsInt(),
    Min(min),
    Max(max),
  );
}

/** An optional boolean variable. */
function OptionalEnvBool(): PropertyDecorator {
  return applyDecorators(
    Transform((params) => toBool({ value: emptyToUndefined(params) })),
    IsOptional(),
    IsBoolean(),
  );
}

/** A non-empty string. */
function EnvText(): PropertyDecorator {
  return applyDecorators(IsString(), MinLength(1));
}

/** The key of an operating-hours schedule. */
function EnvScheduleKey(): PropertyDecorator {
  return Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'must be a schedule key such as text-line' });
}

const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Fastify's trust-proxy forms: a boolean, a hop count, or addresses, CIDRs and named ranges. */
@ValidatorConstraint({ name: 'isTrustProxy' })
class IsTrustProxy implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    if (value === 'true' || value === 'false' || /^\d{1,2}$/.test(value)) return true;
    return value.split(',').every((entry) => isProxyAddress(entry.trim()));
  }

  defaultMessage(): string {
    return 'must be true, false, a hop count, or a comma-separated list of addresses, CIDRs, loopback, linklocal or uniquelocal';
  }
}

/** Base64 of exactly 32 bytes: an AES-256 key. */
const isKey = (value: string): boolean =>
  /^[A-Za-z0-9+/_-]{43}=?$/.test(value) && Buffer.from(value, 'base64').length === 32;

@ValidatorConstraint({ name: 'isEncryptionKey' })
class IsEncryptionKey implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isKey(value.trim());
  }

  defaultMessage(): string {
    return 'must be 32 random bytes in base64 (openssl rand -base64 32)';
  }
}

@ValidatorConstraint({ name: 'isEncryptionKeyList' })
class IsEncryptionKeyList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && splitList(value).every(isKey);
  }

  defaultMessage(): string {
    return 'must be a comma-separated list of base64 keys of 32 bytes';
  }
}

@ValidatorConstraint({ name: 'isSecretList' })
class IsSecretList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const secrets = splitList(value);
    return secrets.length > 0 && secrets.every((secret) => secret.length >= 32);
  }

  defaultMessage(): string {
    return 'must be a comma-separated list of secrets of at least 32 characters each';
  }
}

@ValidatorConstraint({ name: 'isRoleList' })
class IsRoleList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && splitList(value).every((role) => (ROLES as readonly string[]).includes(role));
  }

  defaultMessage(): string {
    return `must be a comma-separated list of roles (${ROLES.join(', ')})`;
  }
}

@ValidatorConstraint({ name: 'isPostgresUrlList' })
class IsPostgresUrlList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && splitList(value).every((url) => /^postgres(ql)?:\/\/\S+$/.test(url));
  }

  defaultMessage(): string {
    return 'must be a comma-separated list of postgres:// or postgresql:// URLs';
  }
}

@ValidatorConstraint({ name: 'isUrlList' })
class IsUrlList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && splitList(value).every((url) => URL.canParse(url) && /^https?:/.test(url));
  }

  defaultMessage(): string {
    return 'must be a comma-separated list of http(s) URLs';
  }
}

/** `a, b,,c` → `['a', 'b', 'c']` */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const CACHE_INVALIDATION_MODES = ['auto', 'redis', 'postgres', 'off'] as const;
export type CacheInvalidationMode = (typeof CACHE_INVALIDATION_MODES)[number];
export const RATE_LIMIT_FAIL_MODES = ['closed', 'open'] as const;
export type RateLimitFailMode = (typeof RATE_LIMIT_FAIL_MODES)[number];

/**
 * class-validator checks a property's rules bottom-up and stops at the first failure, so the type rule sits
 * closest to the property.
 *
 * Every environment variable the API reads, with its default. `.env.example` documents each one;
 * `loadConfig()` validates them all at once so a bad deployment fails with one message.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @EnvText()
  HOST = '0.0.0.0';

  @EnvInt(0, 65535)
  PORT = 3000;

  @OptionalEnv(Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' }))
  DATABASE_URL?: string;

  /**
   * Streaming read replicas of DATABASE_URL's database, comma-separated: public content reads go to one of them
   * (staff reads and writes stay on the primary). Empty: none. Ignored on the embedded database.
   */
  @Validate(IsPostgresUrlList)
  DATABASE_REPLICA_URLS = '';

  @EnvText()
  PGLITE_DATA_DIR = './.data/pglite';

  @EnvInt(1, 100)
  DB_POOL_MAX = 10;

  @EnvInt(100, 120_000)
  DB_CONNECT_TIMEOUT_MS = 5000;

  /**
   * The server cancels a request's statement after this long. Below DB_QUERY_TIMEOUT_MS (checked in loadConfig), so a
   * slow statement ends on the server, with a clean error and a reusable connection, before the client's deadline
   * gives up on the connection; the client deadline is left for a database that stopped answering.
   */
  @EnvInt(100, 600_000)
  DB_STATEMENT_TIMEOUT_MS = 4_000;

  /** Client-side deadline of one query: a database that keeps the connection open but stops answering. */
  @EnvInt(100, 600_000)
  DB_QUERY_TIMEOUT_MS = 5000;

  /**
   * Prepare the app's multi-row writes once per connection (named statements). Turn off behind a transaction-mode
   * pooler without prepared-statement support (PgBouncer before 1.21, or with max_prepared_statements = 0), where
   * the next statement may run on another server connection. Never on the embedded database (usesPreparedStatements).
   */
  @EnvBool()
  DB_PREPARED_STATEMENTS = true;

  /**
   * Group commit: concurrent writes of one shape outside a transaction (contact submissions) go to the database
   * together, up to this many in one statement and one commit (1: each alone).
   */
  @EnvInt(1, 64)
  DB_GROUP_COMMIT = 8;

  @EnvBool()
  DB_MIGRATE_ON_START = true;

  /** With NODE_ENV=production the embedded database is refused unless this says yes, explicitly. */
  @EnvBool()
  ALLOW_EMBEDDED_IN_PRODUCTION = false;

  /** Unset means "seed the embedded database outside production, never a real one". */
  @OptionalEnvBool()
  DB_SEED_ON_START?: boolean;

  @EnvInt(1, 3600)
  DB_RETRY_AFTER_SECONDS = 5;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @EnvBool()
  LOG_PRETTY = false;

  /**
   * How far V8 lets the heap grow after each full collection, in percent of what survived it (0: V8's default).
   * Applied by src/main.ts before the app loads (src/config/heap-growth.ts); validated here with everything else.
   */
  @EnvInt(0, MAX_HEAP_GROWING_PERCENT)
  HEAP_GROWING_PERCENT = DEFAULT_HEAP_GROWING_PERCENT;

  @Matches(/^\s*$|^\s*(\*|https?:\/\/[^\s,]+)(\s*,\s*https?:\/\/[^\s,]+)*\s*$/, {
    message: 'must be empty, "*", or a comma-separated list of http(s) origins',
  })
  @IsString()
  CORS_ORIGINS = '';

  @EnvInt(1024, 50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @EnvBool()
  DOCS_ENABLED = true;

  @Validate(IsTrustProxy)
  @IsString()
  TRUST_PROXY = 'false';

  @EnvInt(0, 86_400)
  CACHE_MAX_AGE_SECONDS = 60;

  @EnvInt(0, 604_800)
  CACHE_STALE_WHILE_REVALIDATE_SECONDS = 300;

  /** How long public content responses are served from memory; writes on this instance clear them at once. 0 turns it off. */
  @EnvInt(0, 60_000)
  RESPONSE_CACHE_TTL_MS = 2_000;

  @EnvInt(1, 1_024)
  RESPONSE_CACHE_MAX_MB = 32;

  /**
   * How instances tell each other to forget cached responses after a change: `auto` is Redis when REDIS_URL is set,
   * else PostgreSQL LISTEN/NOTIFY when DATABASE_URL is; `off` leaves it to the TTL.
   */
  @IsIn(CACHE_INVALIDATION_MODES)
  CACHE_INVALIDATION: CacheInvalidationMode = 'auto';

  /** The public website: absolute links in the RSS feed and the articles' JSON-LD. */
  @Matches(/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, { message: 'must be an http(s) URL without query or fragment' })
  PUBLIC_SITE_URL = 'http://localhost:3000';

  @EnvInt(100, 120_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** Unset means 5000 in production (a load balancer keeps routing for a while after SIGTERM), else 0. */
  @OptionalEnvInt(0, 120_000)
  SHUTDOWN_DRAIN_MS?: number;

  /** Prometheus metrics on their own port (`GET /metrics`, no credentials: keep the port private). 0: any free port. */
  @OptionalEnvInt(0, 65_535)
  METRICS_PORT?: number;

  /** Prometheus metrics on the API's port at `GET /metrics`, for `Authorization: Bearer <token>` only. */
  @OptionalEnv(IsString(), MinLength(32, { message: 'must be at least 32 characters' }))
  METRICS_TOKEN?: string;

  /**
   * Required when DATABASE_URL is set and in production (checked in loadConfig); embedded mode outside production
   * makes a random one per run.
   */
  @OptionalEnv(IsString(), MinLength(32, { message: 'must be at least 32 characters' }))
  JWT_SECRET?: string;

  /**
   * Several signing secrets, comma-separated, for a rotation that logs nobody out: the first signs, every one
   * verifies (tokens name theirs in `kid`). Each at least 32 characters. Instead of JWT_SECRET, never with it.
   */
  @OptionalEnv(Validate(IsSecretList))
  JWT_SECRETS?: string;

  /** Lifetime of an access token; a session goes on with `POST /api/v1/auth/refresh`. */
  @Matches(/^\d{1,7}[smhd]?$/, { message: 'must be a duration like 3600, 90s, 15m, 1h or 1d' })
  @IsString()
  JWT_TTL = '15m';

  /** A session (its refresh token) ends when it is not used for this long. */
  @Matches(/^\d{1,7}[smhd]?$/, { message: 'must be a duration like 3600, 90s, 15m, 1h or 1d' })
  @IsString()
  REFRESH_TOKEN_TTL = '14d';

  /** A session ends this long after its sign-in, however often it is refreshed. */
  @Matches(/^\d{1,7}[smhd]?$/, { message: 'must be a duration like 3600, 90s, 15m, 1h or 1d' })
  @IsString()
  SESSION_MAX_AGE = '30d';

  /**
   * Roles whose members must use a second factor (TOTP): until they enrol, their tokens allow enrolment only.
   * Comma-separated; unset means `admin,frontdesk` in production and none elsewhere; empty means none.
   */
  @IsOptional()
  @Validate(IsRoleList)
  MFA_REQUIRED_ROLES?: string;

  /**
   * The staff app's page that sets a new password: reset emails link to `<PASSWORD_RESET_URL>?token=…`. Unset:
   * `<STAFF_APP_URL>/reset-password`; without either, no reset email is sent.
   */
  @OptionalEnv(
    Matches(/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, { message: 'must be an http(s) URL without query or fragment' }),
  )
  PASSWORD_RESET_URL?: string;

  /** How long an article's draft preview token (`POST /api/v1/admin/articles/{id}/preview-token`) stays valid. */
  @EnvInt(1, 10_080)
  ARTICLE_PREVIEW_TTL_MINUTES = 60;

  @OptionalEnv(IsEmail({}, { message: 'must be an email address' }))
  ADMIN_EMAIL?: string;

  @OptionalEnv(IsString())
  ADMIN_PASSWORD?: string;

  @OptionalEnv(Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' }))
  REDIS_URL?: string;

  @EnvInt(1, 100_000)
  RATE_LIMIT_GENERAL_LIMIT = 300;

  @EnvInt(1, 86_400)
  RATE_LIMIT_GENERAL_WINDOW_SECONDS = 60;

  /** Failed sign-ins (and wrong current passwords) per client IP per window; then that IP gets 429. */
  @EnvInt(1, 10_000)
  RATE_LIMIT_LOGIN_LIMIT = 5;

  /**
   * Failed sign-ins per email per window, from anywhere. Past it, a client that has failed on that email gets 429
   * for it; a client that has not (the account's owner, elsewhere) still signs in.
   */
  @EnvInt(1, 100_000)
  RATE_LIMIT_LOGIN_EMAIL_LIMIT = 20;

  @EnvInt(1, 86_400)
  RATE_LIMIT_LOGIN_WINDOW_SECONDS = 60;

  @EnvInt(1, 10_000)
  RATE_LIMIT_SUBMISSION_LIMIT = 5;

  @EnvInt(1, 86_400)
  RATE_LIMIT_SUBMISSION_WINDOW_SECONDS = 600;

  /**
   * What the login and submission limits do while their shared store (Redis) cannot count: `closed` refuses those
   * requests with 429, `open` lets them through uncounted. The general and site budgets always let requests through.
   */
  @IsIn(RATE_LIMIT_FAIL_MODES)
  RATE_LIMIT_FAIL_MODE: RateLimitFailMode = 'closed';

  /** Requests per API key with the `site` scope (a server-rendered website), instead of the per-IP general limit. */
  @EnvInt(1, 10_000_000)
  RATE_LIMIT_SITE_LIMIT = 60_000;

  @EnvInt(1, 86_400)
  RATE_LIMIT_SITE_WINDOW_SECONDS = 60;

  /**
   * The key that encrypts contact details (AES-256-GCM), base64 of 32 bytes. Required with DATABASE_URL; the
   * embedded database keeps a generated one next to its files.
   */
  @OptionalEnv(Validate(IsEncryptionKey))
  DATA_ENCRYPTION_KEY?: string;

  /** Earlier keys, still used to read what they encrypted until `npm run reencrypt` has moved it. */
  @Validate(IsEncryptionKeyList)
  DATA_ENCRYPTION_KEYS = '';

  /** Where phone numbers without a country code are from (ISO 3166 alpha-2). */
  @Matches(/^[A-Z]{2}$/, { message: 'must be a two-letter country code such as US' })
  CONTACT_DEFAULT_REGION = 'US';

  @EnvInt(1, 10_080)
  CONTACT_REPLY_WITHIN_MINUTES = 60;

  /** The operating-hours schedule whose hours set the expected reply time, per preferred channel. */
  @EnvScheduleKey()
  CONTACT_SCHEDULE_TEXT = 'text-line';

  @EnvScheduleKey()
  CONTACT_SCHEDULE_CALL = 'text-line';

  @EnvScheduleKey()
  CONTACT_SCHEDULE_EMAIL = 'text-line';

  /** Shown with every contact-request confirmation. */
  @EnvText()
  CONTACT_CRISIS_NOTICE =
    'If you are in crisis or thinking about harming yourself, do not wait for our reply: call or text 988 (Suicide & Crisis Lifeline, US), or call 911.';

  /** Closed and spam requests are deleted this many days after their last status change. */
  @EnvInt(1, 3_650)
  CONTACT_RETENTION_DAYS = 180;

  /** Every request, whatever its status, is deleted this many days after it was received. */
  @EnvInt(30, 3_650)
  CONTACT_MAX_AGE_DAYS = 730;

  /**
   * Webhook receivers from before endpoints were managed through the API: at startup each URL becomes a managed
   * endpoint (`contact_request.created`, signed with NOTIFY_WEBHOOK_SECRET). Empty: none.
   */
  @Validate(IsUrlList)
  NOTIFY_WEBHOOK_URLS = '';

  /** The signing secret of the endpoints made from NOTIFY_WEBHOOK_URLS; required when that is set. */
  @OptionalEnv(IsString(), MinLength(16))
  NOTIFY_WEBHOOK_SECRET?: string;

  /** How often the dispatcher looks for due deliveries; 0 turns the background loop off. */
  @EnvInt(0, 3_600_000)
  NOTIFY_DISPATCH_INTERVAL_MS = 5_000;

  /** Retries of a failing webhook stop after this many hours. */
  @EnvInt(1, 168)
  NOTIFY_RETRY_HOURS = 24;

  /**
   * Outgoing email: `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://…:465` (TLS from the
   * start). Unset: email is off, nothing is queued. A secret (it may hold the password).
   */
  @OptionalEnv(Matches(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// or smtps:// URL' }))
  SMTP_URL?: string;

  /** The sender of every email, `noreply@clinic.example` or `Well Clinic <noreply@clinic.example>`; required with SMTP_URL. */
  @OptionalEnv(
    Matches(/^(?:[^<>\r\n"]{0,100}<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/, {
      message: 'must be an email address, optionally as "Name <address>"',
    }),
  )
  SMTP_FROM?: string;

  /** The staff app (front end): staff emails link to its pages. Unset: no links. */
  @OptionalEnv(
    Matches(/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, { message: 'must be an http(s) URL without query or fragment' }),
  )
  STAFF_APP_URL?: string;

  /**
   * Lets webhook endpoints be plain `http` and resolve to loopback, private, link-local and other internal addresses
   * (tests, intranets). Off: only `https` to public addresses, checked when the connection is made.
   */
  @EnvBool()
  WEBHOOK_ALLOW_PRIVATE_TARGETS = false;

  /** Keeps uploaded images (and their variants) in this directory instead of the database. Unset: the database. */
  @OptionalEnv(IsString(), MinLength(1))
  MEDIA_DIR?: string;

  /**
   * The origin media URLs are written with (`https://api.clinic.example`, a CDN in front of `/media`). Unset: they are
   * root-relative (`/media/<hash>/<width>.<ext>`).
   */
  @OptionalEnv(
    Matches(/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, { message: 'must be an http(s) URL without query or fragment' }),
  )
  MEDIA_BASE_URL?: string;

  /** Uploads processed at once (sharp); the others wait their turn. */
  @EnvInt(1, 16)
  MEDIA_PROCESSING_CONCURRENCY = 1;
}
