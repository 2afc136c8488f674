import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/**
 * Every environment variable the API reads, with its default. `.env.example` documents each one;
 * `loadConfig()` validates them all at once so a bad deployment fails with one message.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  PGLITE_DATA_DIR = './.data/pglite';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_MAX = 10;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  DB_CONNECT_TIMEOUT_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_STATEMENT_TIMEOUT_MS = 15_000;

  @Transform(toBool)
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  /** Unset means "seed the embedded database, never a real one". */
  @Transform((params) => toBool({ value: emptyToUndefined(params) }))
  @IsOptional()
  @IsBoolean()
  DB_SEED_ON_START?: boolean;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  DB_RETRY_AFTER_SECONDS = 5;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toBool)
  @IsBoolean()
  LOG_PRETTY = false;

  @IsString()
  @Matches(/^\s*$|^\s*(\*|https?:\/\/[^\s,]+)(\s*,\s*https?:\/\/[^\s,]+)*\s*$/, {
    message: 'must be empty, "*", or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS = '';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Transform(toBool)
  @IsBoolean()
  DOCS_ENABLED = true;

  @IsString()
  @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message: 'must be true, false, a hop count, or a comma-separated list of proxy addresses/CIDRs',
  })
  TRUST_PROXY = 'false';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  CACHE_MAX_AGE_SECONDS = 60;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(604_800)
  CACHE_STALE_WHILE_REVALIDATE_SECONDS = 300;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;
}
