import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
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

  @MinLength(1)
  @IsString()
  HOST = '0.0.0.0';

  @EnvInt(0, 65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @MinLength(1)
  @IsString()
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

  @EnvBool()
  DB_MIGRATE_ON_START = true;

  /** With NODE_ENV=production the embedded database is refused unless this says yes, explicitly. */
  @EnvBool()
  ALLOW_EMBEDDED_IN_PRODUCTION = false;

  /** Unset means "seed the embedded database outside production, never a real one". */
  @Transform((params) => toBool({ value: emptyToUndefined(params) }))
  @IsOptional()
  @IsBoolean()
  DB_SEED_ON_START?: boolean;

  @EnvInt(1, 3600)
  DB_RETRY_AFTER_SECONDS = 5;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @EnvBool()
  LOG_PRETTY = false;

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

  /** The public website: absolute links in the RSS feed and the articles' JSON-LD. */
  @Matches(/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, { message: 'must be an http(s) URL without query or fragment' })
  PUBLIC_SITE_URL = 'http://localhost:3000';

  @EnvInt(100, 120_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** Unset means 5000 in production (a load balancer keeps routing for a while after SIGTERM), else 0. */
  @Transform((params) => toInt({ value: emptyToUndefined(params) }))
  @IsOptional()
  @Max(120_000)
  @Min(0)
  @IsInt()
  SHUTDOWN_DRAIN_MS?: number;

  /**
   * Required when DATABASE_URL is set and in production (checked in loadConfig); embedded mode outside production
   * makes a random one per run.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'must be at least 32 characters' })
  @IsString()
  JWT_SECRET?: string;

  @Matches(/^\d{1,7}[smhd]?$/, { message: 'must be a duration like 3600, 90s, 15m, 1h or 1d' })
  @IsString()
  JWT_TTL = '1h';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
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
   * The key that encrypts contact details (AES-256-GCM), base64 of 32 bytes. Required with DATABASE_URL; the
   * embedded database keeps a generated one next to its files.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Validate(IsEncryptionKey)
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
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'must be a schedule key such as text-line' })
  CONTACT_SCHEDULE_TEXT = 'text-line';

  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'must be a schedule key such as text-line' })
  CONTACT_SCHEDULE_CALL = 'text-line';

  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'must be a schedule key such as text-line' })
  CONTACT_SCHEDULE_EMAIL = 'text-line';

  /** Shown with every contact-request confirmation. */
  @MinLength(1)
  @IsString()
  CONTACT_CRISIS_NOTICE =
    'If you are in crisis or thinking about harming yourself, do not wait for our reply: call or text 988 (Suicide & Crisis Lifeline, US), or call 911.';

  /** Closed and spam requests are deleted this many days after their last status change. */
  @EnvInt(1, 3_650)
  CONTACT_RETENTION_DAYS = 180;

  /** Every request, whatever its status, is deleted this many days after it was received. */
  @EnvInt(30, 3_650)
  CONTACT_MAX_AGE_DAYS = 730;

  /** Where `contact_request.created` is announced (signed JSON without personal data). Empty: nowhere. */
  @Validate(IsUrlList)
  NOTIFY_WEBHOOK_URLS = '';

  /** HMAC-SHA256 secret for `X-Signature`; required when NOTIFY_WEBHOOK_URLS is set. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(16)
  @IsString()
  NOTIFY_WEBHOOK_SECRET?: string;

  /** How often the dispatcher looks for due deliveries; 0 turns the background loop off. */
  @EnvInt(0, 3_600_000)
  NOTIFY_DISPATCH_INTERVAL_MS = 5_000;

  /** Retries of a failing webhook stop after this many hours. */
  @EnvInt(1, 168)
  NOTIFY_RETRY_HOURS = 24;
}
