import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppConfig, ConfigValidationError, loadConfig, type SecretFileReader } from './app-config.js';

/** Runs `loadConfig` and returns the error it throws, failing the test when it does not throw. */
function configError(env: Record<string, string | undefined>, readFile?: SecretFileReader): ConfigValidationError {
  try {
    loadConfig(env, readFile);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error('loadConfig did not throw');
}

/** The names of the variables a validation error complains about. */
function badVariables(env: Record<string, string | undefined>): string[] {
  return configError(env).problems.map((p) => p.slice(0, p.indexOf(':')));
}

/** 32 bytes, base64. */
const KEY = Buffer.alloc(32, 1).toString('base64');
const OLD_KEY = Buffer.alloc(32, 2).toString('base64');
/** A Postgres deployment needs a JWT secret and a data encryption key. */
const PG = { DATABASE_URL: 'postgres://h/db', JWT_SECRET: 's'.repeat(32), DATA_ENCRYPTION_KEY: KEY };

const DEFAULT_CONTACT_REQUESTS = {
  defaultRegion: 'US',
  replyWithinMinutes: 60,
  scheduleByChannel: { text: 'text-line', call: 'text-line', email: 'text-line' },
  crisisNotice: expect.stringContaining('988'),
  retentionDays: 180,
  maxAgeDays: 730,
};

const DEFAULT_RATE_LIMITS = {
  general: { limit: 300, windowSeconds: 60 },
  login: { limit: 5, windowSeconds: 60, emailLimit: 20 },
  submission: { limit: 5, windowSeconds: 600 },
  site: { limit: 60_000, windowSeconds: 60 },
  failMode: 'closed',
};

const DEFAULTS = {
  nodeEnv: 'development',
  http: {
    host: '0.0.0.0',
    port: 3000,
    bodyLimitBytes: 1024 * 1024,
    corsOrigins: false,
    trustProxy: false,
    shutdownTimeoutMs: 10_000,
    shutdownDrainMs: 0,
  },
  database: {
    url: undefined,
    pgliteDataDir: resolve('./.data/pglite'),
    poolMax: 1,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 4_000,
    queryTimeoutMs: 5000,
    preparedStatements: true,
    groupCommit: 8,
    replicaUrls: [],
    migrateOnStart: true,
    seedOnStart: true,
    retryAfterSeconds: 5,
  },
  log: { level: 'info', pretty: false },
  docs: { enabled: true },
  cache: {
    maxAgeSeconds: 60,
    staleWhileRevalidateSeconds: 300,
    responseTtlMs: 2000,
    responseMaxBytes: 32 * 1024 * 1024,
    invalidation: 'off',
  },
  publicSiteUrl: 'http://localhost:3000',
  metrics: { port: undefined, token: undefined },
  auth: {
    jwtSecret: expect.any(String),
    jwtSecrets: [expect.any(String)],
    jwtSecretGenerated: true,
    jwtTtlSeconds: 900,
    refreshTtlSeconds: 14 * 86_400,
    sessionMaxAgeSeconds: 30 * 86_400,
    mfaRequiredRoles: [],
    passwordResetUrl: undefined,
    initialAdmin: undefined,
  },
  articles: { previewTtlSeconds: 3600 },
  redisUrl: undefined,
  rateLimits: DEFAULT_RATE_LIMITS,
  dataEncryption: { currentKey: undefined, previousKeys: [] },
  contactRequests: DEFAULT_CONTACT_REQUESTS,
  notifications: {
    webhookUrls: [],
    webhookSecret: undefined,
    dispatchIntervalMs: 5000,
    retryForMs: 24 * 3_600_000,
    allowPrivateTargets: false,
  },
  mail: { smtpUrl: undefined, from: undefined, staffAppUrl: undefined },
  media: { dir: undefined, baseUrl: '', processingConcurrency: 1 },
};

describe('loadConfig', () => {
  describe('defaults', () => {
    it('builds the whole configuration from an empty environment', () => {
      const config = loadConfig({});

      expect(config).toBeInstanceOf(AppConfig);
      expect({ ...config }).toEqual(DEFAULTS);
      expect(config.database.url).toBeUndefined();
      expect(config.embeddedDatabase).toBe(true);
    });

    it('ignores variables it does not know (HOME, PATH, lower-case names)', () => {
      const config = loadConfig({ HOME: '/root', PATH: '/usr/bin:/bin', FOO: 'not=valid', port: 'abc' });

      expect({ ...config }).toEqual(DEFAULTS);
    });

    it('treats undefined values like unset variables', () => {
      expect({ ...loadConfig({ PORT: undefined, DATABASE_URL: undefined }) }).toEqual(DEFAULTS);
    });
  });

  describe('a full environment', () => {
    it('maps every variable to its place in the configuration', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '8080',
        DATABASE_URL: 'postgresql://app:pw@db.internal:5432/wellclinic',
        PGLITE_DATA_DIR: '/var/lib/pglite',
        DB_POOL_MAX: '25',
        DB_CONNECT_TIMEOUT_MS: '2000',
        DB_STATEMENT_TIMEOUT_MS: '2000',
        DB_QUERY_TIMEOUT_MS: '2500',
        DB_PREPARED_STATEMENTS: 'false',
        DB_GROUP_COMMIT: '1',
        DB_MIGRATE_ON_START: 'false',
        DB_SEED_ON_START: 'true',
        DB_RETRY_AFTER_SECONDS: '30',
        LOG_LEVEL: 'debug',
        LOG_PRETTY: 'true',
        CORS_ORIGINS: 'https://wellclinic.example',
        BODY_LIMIT_BYTES: '2048',
        DOCS_ENABLED: 'false',
        TRUST_PROXY: '1',
        CACHE_MAX_AGE_SECONDS: '0',
        CACHE_STALE_WHILE_REVALIDATE_SECONDS: '600',
        RESPONSE_CACHE_TTL_MS: '0',
        RESPONSE_CACHE_MAX_MB: '1',
        CACHE_INVALIDATION: 'postgres',
        PUBLIC_SITE_URL: 'https://wellclinic.example/site/',
        METRICS_PORT: '9464',
        METRICS_TOKEN: 'm'.repeat(40),
        SHUTDOWN_TIMEOUT_MS: '500',
        SHUTDOWN_DRAIN_MS: '1500',
        JWT_SECRET: 'j'.repeat(40),
        JWT_TTL: '15m',
        ARTICLE_PREVIEW_TTL_MINUTES: '15',
        MEDIA_DIR: '/srv/media',
        MEDIA_BASE_URL: 'https://cdn.wellclinic.example/',
        MEDIA_PROCESSING_CONCURRENCY: '2',
        ADMIN_EMAIL: 'owner@wellclinic.example',
        ADMIN_PASSWORD: 'a long enough password',
        REDIS_URL: 'redis://cache.internal:6379/2',
        RATE_LIMIT_GENERAL_LIMIT: '1000',
        RATE_LIMIT_GENERAL_WINDOW_SECONDS: '120',
        RATE_LIMIT_LOGIN_LIMIT: '10',
        RATE_LIMIT_LOGIN_WINDOW_SECONDS: '300',
        RATE_LIMIT_SUBMISSION_LIMIT: '3',
        RATE_LIMIT_SUBMISSION_WINDOW_SECONDS: '3600',
        RATE_LIMIT_FAIL_MODE: 'open',
        RATE_LIMIT_SITE_LIMIT: '120000',
        RATE_LIMIT_SITE_WINDOW_SECONDS: '30',
        DATA_ENCRYPTION_KEY: KEY,
        DATA_ENCRYPTION_KEYS: ` ${OLD_KEY} ,`,
        CONTACT_DEFAULT_REGION: 'GB',
        CONTACT_REPLY_WITHIN_MINUTES: '30',
        CONTACT_SCHEDULE_TEXT: 'texts',
        CONTACT_SCHEDULE_CALL: 'office',
        CONTACT_SCHEDULE_EMAIL: 'inbox',
        CONTACT_CRISIS_NOTICE: 'Call 999 in an emergency.',
        CONTACT_RETENTION_DAYS: '90',
        CONTACT_MAX_AGE_DAYS: '365',
        RATE_LIMIT_LOGIN_EMAIL_LIMIT: '40',
        NOTIFY_WEBHOOK_URLS: 'https://hooks.example/a, https://hooks.example/b',
        NOTIFY_WEBHOOK_SECRET: 'w'.repeat(16),
        NOTIFY_DISPATCH_INTERVAL_MS: '0',
        NOTIFY_RETRY_HOURS: '2',
      });

      expect({ ...config }).toEqual({
        nodeEnv: 'production',
        http: {
          host: '127.0.0.1',
          port: 8080,
          bodyLimitBytes: 2048,
          corsOrigins: ['https://wellclinic.example'],
          trustProxy: 1,
          shutdownTimeoutMs: 500,
          shutdownDrainMs: 1500,
        },
        database: {
          url: 'postgresql://app:pw@db.internal:5432/wellclinic',
          pgliteDataDir: '/var/lib/pglite',
          poolMax: 25,
          connectTimeoutMs: 2000,
          statementTimeoutMs: 2_000,
          queryTimeoutMs: 2500,
          preparedStatements: false,
          groupCommit: 1,
          replicaUrls: [],
          migrateOnStart: false,
          seedOnStart: true,
          retryAfterSeconds: 30,
        },
        log: { level: 'debug', pretty: true },
        docs: { enabled: false },
        cache: {
          maxAgeSeconds: 0,
          staleWhileRevalidateSeconds: 600,
          responseTtlMs: 0,
          responseMaxBytes: 1024 * 1024,
          invalidation: 'postgres',
        },
        publicSiteUrl: 'https://wellclinic.example/site',
        metrics: { port: 9464, token: 'm'.repeat(40) },
        auth: {
          jwtSecret: 'j'.repeat(40),
          jwtSecrets: ['j'.repeat(40)],
          jwtSecretGenerated: false,
          jwtTtlSeconds: 900,
          refreshTtlSeconds: 14 * 86_400,
          sessionMaxAgeSeconds: 30 * 86_400,
          mfaRequiredRoles: ['admin', 'frontdesk'],
          passwordResetUrl: undefined,
          initialAdmin: { email: 'owner@wellclinic.example', password: 'a long enough password' },
        },
        articles: { previewTtlSeconds: 900 },
        redisUrl: 'redis://cache.internal:6379/2',
        rateLimits: {
          general: { limit: 1000, windowSeconds: 120 },
          login: { limit: 10, windowSeconds: 300, emailLimit: 40 },
          submission: { limit: 3, windowSeconds: 3600 },
          site: { limit: 120_000, windowSeconds: 30 },
          failMode: 'open',
        },
        dataEncryption: { currentKey: Buffer.alloc(32, 1), previousKeys: [Buffer.alloc(32, 2)] },
        contactRequests: {
          defaultRegion: 'GB',
          replyWithinMinutes: 30,
          scheduleByChannel: { text: 'texts', call: 'office', email: 'inbox' },
          crisisNotice: 'Call 999 in an emergency.',
          retentionDays: 90,
          maxAgeDays: 365,
        },
        notifications: {
          webhookUrls: ['https://hooks.example/a', 'https://hooks.example/b'],
          webhookSecret: 'w'.repeat(16),
          dispatchIntervalMs: 0,
          retryForMs: 2 * 3_600_000,
          allowPrivateTargets: false,
        },
        mail: { smtpUrl: undefined, from: undefined, staffAppUrl: undefined },
        media: { dir: '/srv/media', baseUrl: 'https://cdn.wellclinic.example', processingConcurrency: 2 },
      });
      expect(config.embeddedDatabase).toBe(false);
    });
  });

  describe('integers', () => {
    it.each([
      ['8080', 8080],
      [' 8080 ', 8080],
      ['0', 0],
      ['65535', 65535],
      ['007', 7],
    ])('parses PORT=%j as %j', (raw, port) => {
      expect(loadConfig({ PORT: raw }).http.port).toBe(port);
    });

    it.each(['abc', '1.5', '1e3', '', '-1', '65536', '80 80', '0x50'])('rejects PORT=%j', (raw) => {
      expect(badVariables({ PORT: raw })).toEqual(['PORT']);
    });

    it.each([
      ['DB_POOL_MAX', '0'],
      ['DB_POOL_MAX', '101'],
      ['DB_GROUP_COMMIT', '0'],
      ['DB_GROUP_COMMIT', '65'],
      ['DB_CONNECT_TIMEOUT_MS', '99'],
      ['DB_STATEMENT_TIMEOUT_MS', '600001'],
      ['DB_RETRY_AFTER_SECONDS', '0'],
      ['BODY_LIMIT_BYTES', '1023'],
      ['CACHE_MAX_AGE_SECONDS', '-1'],
      ['CACHE_STALE_WHILE_REVALIDATE_SECONDS', '604801'],
      ['RESPONSE_CACHE_TTL_MS', '60001'],
      ['RESPONSE_CACHE_MAX_MB', '0'],
      ['PUBLIC_SITE_URL', 'ftp://wellclinic.example'],
      ['PUBLIC_SITE_URL', 'https://wellclinic.example/?q=1'],
      ['SHUTDOWN_TIMEOUT_MS', '120001'],
      ['DB_QUERY_TIMEOUT_MS', '99'],
      ['SHUTDOWN_DRAIN_MS', '-1'],
      ['SHUTDOWN_DRAIN_MS', '120001'],
      ['SHUTDOWN_DRAIN_MS', '1.5'],
      ['CONTACT_MAX_AGE_DAYS', '29'],
      ['CONTACT_MAX_AGE_DAYS', '3651'],
      ['CONTACT_MAX_AGE_DAYS', '1.5'],
      ['RATE_LIMIT_LOGIN_EMAIL_LIMIT', '0'],
      ['RATE_LIMIT_SITE_LIMIT', '0'],
      ['RATE_LIMIT_SITE_LIMIT', '10000001'],
      ['RATE_LIMIT_SITE_WINDOW_SECONDS', '0'],
      ['RATE_LIMIT_SITE_WINDOW_SECONDS', '86401'],
    ])('rejects %s=%j (out of range)', (name, raw) => {
      expect(badVariables({ ...PG, [name]: raw })).toEqual([name]);
    });

    it('names only the first rule a variable breaks', () => {
      expect(configError({ PORT: '-1', DB_POOL_MAX: '101', HOST: '', ...PG }).problems).toEqual([
        'DB_POOL_MAX: must not be greater than 100',
        'HOST: must be longer than or equal to 1 characters',
        'PORT: must not be less than 0',
      ]);
    });
  });

  describe('booleans', () => {
    it.each([
      ['true', true],
      ['false', false],
      ['1', true],
      ['0', false],
      ['yes', true],
      ['no', false],
      ['on', true],
      ['off', false],
      ['TRUE', true],
      [' No ', false],
    ])('parses %j as %j', (raw, value) => {
      const config = loadConfig({
        LOG_PRETTY: raw,
        DOCS_ENABLED: raw,
        DB_MIGRATE_ON_START: raw,
        DB_SEED_ON_START: raw,
      });

      expect([
        config.log.pretty,
        config.docs.enabled,
        config.database.migrateOnStart,
        config.database.seedOnStart,
      ]).toEqual([value, value, value, value]);
    });

    it.each(['maybe', '2', 'y', 'enabled', ''])('rejects %j', (raw) => {
      expect(badVariables({ LOG_PRETTY: raw, DOCS_ENABLED: raw, DB_MIGRATE_ON_START: raw })).toEqual([
        'DB_MIGRATE_ON_START',
        'DOCS_ENABLED',
        'LOG_PRETTY',
      ]);
    });

    it('rejects a bad DB_SEED_ON_START', () => {
      expect(badVariables({ DB_SEED_ON_START: 'sometimes' })).toEqual(['DB_SEED_ON_START']);
    });
  });

  describe('SHUTDOWN_DRAIN_MS', () => {
    it('drains 5 s by default in production only (behind a load balancer), not in development or tests', () => {
      expect(loadConfig({ ...PG, NODE_ENV: 'production' }).http.shutdownDrainMs).toBe(5000);
      expect(loadConfig({ NODE_ENV: 'development' }).http.shutdownDrainMs).toBe(0);
      expect(loadConfig({ NODE_ENV: 'test' }).http.shutdownDrainMs).toBe(0);
    });

    it('takes an explicit value, 0 included, in any environment; empty means unset', () => {
      expect(loadConfig({ ...PG, NODE_ENV: 'production', SHUTDOWN_DRAIN_MS: '0' }).http.shutdownDrainMs).toBe(0);
      expect(loadConfig({ NODE_ENV: 'test', SHUTDOWN_DRAIN_MS: '1500' }).http.shutdownDrainMs).toBe(1500);
      expect(loadConfig({ ...PG, NODE_ENV: 'production', SHUTDOWN_DRAIN_MS: ' ' }).http.shutdownDrainMs).toBe(5000);
    });
  });

  describe('DATABASE_URL and its consequences', () => {
    it('seeds by default only when DATABASE_URL is unset', () => {
      expect(loadConfig({}).database.seedOnStart).toBe(true);
      expect(loadConfig({ ...PG }).database.seedOnStart).toBe(false);
    });

    it('lets DB_SEED_ON_START override the default either way', () => {
      expect(loadConfig({ DB_SEED_ON_START: 'false' }).database.seedOnStart).toBe(false);
      expect(loadConfig({ ...PG, DB_SEED_ON_START: 'true' }).database.seedOnStart).toBe(true);
    });

    it('treats an empty DB_SEED_ON_START as unset', () => {
      expect(loadConfig({ DB_SEED_ON_START: '' }).database.seedOnStart).toBe(true);
      expect(loadConfig({ DB_SEED_ON_START: '  ', ...PG }).database.seedOnStart).toBe(false);
    });

    it('treats an empty DATABASE_URL as unset: embedded database, seeding, one connection', () => {
      for (const url of ['', '   ']) {
        const config = loadConfig({ DATABASE_URL: url, DB_POOL_MAX: '20' });

        expect({ ...config }).toEqual(DEFAULTS);
        expect(config.embeddedDatabase).toBe(true);
      }
    });

    it('shares cache invalidations through Redis, else PostgreSQL, and not at all on the embedded database', () => {
      const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };
      expect(loadConfig({ ...PG, ...redis }).cache.invalidation).toBe('redis');
      expect(loadConfig({ ...PG }).cache.invalidation).toBe('postgres');
      expect(loadConfig({}).cache.invalidation).toBe('off');
      expect(loadConfig({ ...redis }).cache.invalidation).toBe('redis');
      expect(loadConfig({ ...PG, ...redis, CACHE_INVALIDATION: 'postgres' }).cache.invalidation).toBe('postgres');
      expect(loadConfig({ ...PG, ...redis, CACHE_INVALIDATION: 'off' }).cache.invalidation).toBe('off');
    });

    it.each([
      [{ CACHE_INVALIDATION: 'redis' }, 'CACHE_INVALIDATION: redis needs REDIS_URL'],
      [{ CACHE_INVALIDATION: 'postgres' }, 'CACHE_INVALIDATION: postgres needs DATABASE_URL'],
      [{ CACHE_INVALIDATION: 'memcached' }, 'CACHE_INVALIDATION: must be one of'],
    ])('refuses CACHE_INVALIDATION %j', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });

    it('forces poolMax to 1 without DATABASE_URL (PGlite is a single session)', () => {
      expect(loadConfig({ DB_POOL_MAX: '20' }).database.poolMax).toBe(1);
      expect(loadConfig({}).database.poolMax).toBe(1);
    });

    it('uses DB_POOL_MAX (default 10) with DATABASE_URL', () => {
      expect(loadConfig({ ...PG }).database.poolMax).toBe(10);
      expect(loadConfig({ ...PG, DB_POOL_MAX: '20' }).database.poolMax).toBe(20);
    });

    it.each(['postgres://u:p@h:5432/db', 'postgresql://h/db?sslmode=require'])('accepts %s', (url) => {
      const config = loadConfig({ ...PG, DATABASE_URL: url });

      expect(config.database.url).toBe(url);
      expect(config.embeddedDatabase).toBe(false);
    });

    it.each(['mysql://h/db', 'postgres://', 'postgres://h /db', 'h:5432/db', 'http://h/db'])('rejects %s', (url) => {
      expect(badVariables({ DATABASE_URL: url })).toEqual(['DATABASE_URL']);
    });

    it('reads DATABASE_REPLICA_URLS as a list with DATABASE_URL, and ignores it on the embedded database', () => {
      const replicas = ' postgres://r1:5432/db, postgresql://u:p@r2/db?sslmode=require ,';
      expect(loadConfig({ ...PG, DATABASE_REPLICA_URLS: replicas }).database.replicaUrls).toEqual([
        'postgres://r1:5432/db',
        'postgresql://u:p@r2/db?sslmode=require',
      ]);
      expect(loadConfig({ DATABASE_REPLICA_URLS: 'postgres://r1/db' }).database.replicaUrls).toEqual([]);
    });

    it.each(['mysql://r/db', 'postgres://r/db,http://r2/db', 'postgres://r /db'])('rejects replicas %s', (urls) => {
      expect(badVariables({ ...PG, DATABASE_REPLICA_URLS: urls })).toEqual(['DATABASE_REPLICA_URLS']);
    });
  });

  describe('encryption and notifications', () => {
    it('requires DATA_ENCRYPTION_KEY with DATABASE_URL, not with the embedded database', () => {
      expect(configError({ DATABASE_URL: 'postgres://h/db', JWT_SECRET: 's'.repeat(32) }).problems).toEqual([
        'DATA_ENCRYPTION_KEY: is required when DATABASE_URL is set (openssl rand -base64 32)',
      ]);
      expect(loadConfig({}).dataEncryption.currentKey).toBeUndefined();
    });

    it.each(['short', Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64'), `${KEY}x`])(
      'rejects DATA_ENCRYPTION_KEY %j without echoing it',
      (key) => {
        const error = configError({ ...PG, DATA_ENCRYPTION_KEY: key });
        expect(error.problems).toEqual([
          'DATA_ENCRYPTION_KEY: must be 32 random bytes in base64 (openssl rand -base64 32)',
        ]);
        expect(error.message).not.toContain(key);
      },
    );

    it('rejects a bad key among DATA_ENCRYPTION_KEYS', () => {
      expect(configError({ ...PG, DATA_ENCRYPTION_KEYS: `${OLD_KEY},nope` }).problems).toEqual([
        'DATA_ENCRYPTION_KEYS: must be a comma-separated list of base64 keys of 32 bytes',
      ]);
    });

    it('requires NOTIFY_WEBHOOK_SECRET with NOTIFY_WEBHOOK_URLS, and http(s) URLs', () => {
      expect(configError({ NOTIFY_WEBHOOK_URLS: 'https://hooks.example/a' }).problems).toEqual([
        'NOTIFY_WEBHOOK_SECRET: is required when NOTIFY_WEBHOOK_URLS is set (at least 16 characters)',
      ]);
      expect(
        badVariables({ NOTIFY_WEBHOOK_URLS: 'ftp://hooks.example', NOTIFY_WEBHOOK_SECRET: 'w'.repeat(16) }),
      ).toEqual(['NOTIFY_WEBHOOK_URLS']);
    });

    it('reads email settings: SMTP_FROM required with SMTP_URL, URLs and addresses checked without echoing them', () => {
      expect(
        loadConfig({
          SMTP_URL: 'smtp://mailer:pa55@smtp.example:587',
          SMTP_FROM: 'Well Clinic <noreply@clinic.example>',
          STAFF_APP_URL: 'https://staff.clinic.example/',
        }).mail,
      ).toEqual({
        smtpUrl: 'smtp://mailer:pa55@smtp.example:587',
        from: 'Well Clinic <noreply@clinic.example>',
        staffAppUrl: 'https://staff.clinic.example',
      });
      expect(loadConfig({ SMTP_URL: 'smtps://smtp.example', SMTP_FROM: 'noreply@clinic.example' }).mail.from).toBe(
        'noreply@clinic.example',
      );
      const missingFrom = configError({ SMTP_URL: 'smtp://mailer:pa55@smtp.example:587' });
      expect(missingFrom.problems).toEqual(['SMTP_FROM: is required when SMTP_URL is set']);
      expect(missingFrom.message).not.toContain('pa55');
      expect(
        badVariables({ SMTP_URL: 'http://smtp.example', SMTP_FROM: 'not an address', STAFF_APP_URL: 'ftp://x' }),
      ).toEqual(['SMTP_FROM', 'SMTP_URL', 'STAFF_APP_URL']);
      expect(badVariables({ SMTP_URL: 'smtp://h', SMTP_FROM: 'A <a@b.example>\r\nBcc: x@y.example' })).toEqual([
        'SMTP_FROM',
      ]);
    });

    it('requires https webhook URLs unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true', () => {
      const legacy = {
        NOTIFY_WEBHOOK_URLS: 'https://hooks.example/a,http://intranet/b',
        NOTIFY_WEBHOOK_SECRET: 'w'.repeat(16),
      };
      expect(configError(legacy).problems).toEqual([
        'NOTIFY_WEBHOOK_URLS: must be https URLs unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true',
      ]);
      const allowed = loadConfig({ ...legacy, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
      expect(allowed.notifications.allowPrivateTargets).toBe(true);
      expect(allowed.notifications.webhookUrls).toEqual(['https://hooks.example/a', 'http://intranet/b']);
    });

    it('rejects a region that is not a two-letter code', () => {
      expect(badVariables({ CONTACT_DEFAULT_REGION: 'usa' })).toEqual(['CONTACT_DEFAULT_REGION']);
    });
  });

  describe('authentication', () => {
    it('requires JWT_SECRET with DATABASE_URL, and makes a random one per process without', () => {
      expect(configError({ DATABASE_URL: 'postgres://h/db', DATA_ENCRYPTION_KEY: KEY }).problems).toEqual([
        'JWT_SECRET: is required when DATABASE_URL is set (at least 32 characters)',
      ]);
      const a = loadConfig({});
      const b = loadConfig({});
      expect(a.auth.jwtSecretGenerated).toBe(true);
      expect(a.auth.jwtSecret).toHaveLength(64);
      expect(a.auth.jwtSecret).not.toBe(b.auth.jwtSecret);
    });

    it('takes several signing secrets from JWT_SECRETS (or its file), the first one signing', () => {
      const config = loadConfig({
        ...PG,
        JWT_SECRET: undefined,
        JWT_SECRETS: ` ${'n'.repeat(32)} , ${'o'.repeat(40)},`,
      });
      expect(config.auth.jwtSecrets).toEqual(['n'.repeat(32), 'o'.repeat(40)]);
      expect(config.auth.jwtSecret).toBe('n'.repeat(32));
      expect(config.auth.jwtSecretGenerated).toBe(false);
      const fromFile = loadConfig({ JWT_SECRETS_FILE: '/run/jwt' }, () => `${'a'.repeat(32)},${'b'.repeat(32)}\n`);
      expect(fromFile.auth.jwtSecrets).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
      expect(
        loadConfig({ NODE_ENV: 'production', ...PG, JWT_SECRET: undefined, JWT_SECRETS: 'k'.repeat(32) }).production,
      ).toBe(true);
    });

    it('refuses JWT_SECRETS with a short secret, or together with JWT_SECRET, without echoing them', () => {
      const short = configError({ JWT_SECRETS: `${'n'.repeat(32)},tooshort-s3cret` });
      expect(short.problems).toEqual([
        'JWT_SECRETS: must be a comma-separated list of secrets of at least 32 characters each',
      ]);
      expect(short.message).not.toContain('s3cret');
      expect(configError({ ...PG, JWT_SECRETS: 'n'.repeat(32) }).problems).toEqual([
        'JWT_SECRETS: cannot be set together with JWT_SECRET (JWT_SECRET is a list of one)',
      ]);
    });

    it('reads session lifetimes, the roles that need a second factor and the reset page', () => {
      const config = loadConfig({
        JWT_TTL: '5m',
        REFRESH_TOKEN_TTL: '12h',
        SESSION_MAX_AGE: '7d',
        MFA_REQUIRED_ROLES: 'admin, editor',
        STAFF_APP_URL: 'https://staff.example/',
      });
      expect(config.auth).toMatchObject({
        jwtTtlSeconds: 300,
        refreshTtlSeconds: 43_200,
        sessionMaxAgeSeconds: 604_800,
        mfaRequiredRoles: ['admin', 'editor'],
        passwordResetUrl: 'https://staff.example/reset-password',
      });
      expect(loadConfig({ PASSWORD_RESET_URL: 'https://app.example/reset' }).auth.passwordResetUrl).toBe(
        'https://app.example/reset',
      );
      // In production the default is admin and front desk; set empty, nobody.
      const production = { NODE_ENV: 'production', ...PG };
      expect(loadConfig(production).auth.mfaRequiredRoles).toEqual(['admin', 'frontdesk']);
      expect(loadConfig({ ...production, MFA_REQUIRED_ROLES: '' }).auth.mfaRequiredRoles).toEqual([]);
      expect(badVariables({ MFA_REQUIRED_ROLES: 'admin,owner', PASSWORD_RESET_URL: 'https://x.example/?a=1' })).toEqual(
        ['MFA_REQUIRED_ROLES', 'PASSWORD_RESET_URL'],
      );
    });

    it('rejects a JWT_SECRET shorter than 32 characters without echoing it', () => {
      const error = configError({ ...PG, JWT_SECRET: 'short-secret-value' });
      expect(error.problems).toEqual(['JWT_SECRET: must be at least 32 characters']);
      expect(error.message).not.toContain('short-secret-value');
    });

    it.each([
      ['3600', 3600],
      ['90s', 90],
      ['15m', 900],
      ['1h', 3600],
      ['2d', 172_800],
    ])('parses JWT_TTL=%j as %i seconds', (raw, seconds) => {
      expect(loadConfig({ JWT_TTL: raw }).auth.jwtTtlSeconds).toBe(seconds);
    });

    it.each(['1w', 'h', '-5m', '1.5h', ''])('rejects JWT_TTL=%j', (raw) => {
      expect(badVariables({ JWT_TTL: raw })).toEqual(['JWT_TTL']);
    });

    it.each(['0', '10081', '1.5', '1h', 'abc'])('rejects ARTICLE_PREVIEW_TTL_MINUTES=%j', (raw) => {
      expect(badVariables({ ARTICLE_PREVIEW_TTL_MINUTES: raw })).toEqual(['ARTICLE_PREVIEW_TTL_MINUTES']);
    });

    it('needs ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
      expect(badVariables({ ADMIN_EMAIL: 'owner@wellclinic.example' })).toEqual(['ADMIN_PASSWORD']);
      expect(badVariables({ ADMIN_PASSWORD: 'a long enough password' })).toEqual(['ADMIN_EMAIL']);
      expect(badVariables({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'x' })).toEqual(['ADMIN_EMAIL']);
    });

    it.each(['http://cache:6379', 'cache:6379'])('rejects REDIS_URL=%j', (raw) => {
      expect(badVariables({ REDIS_URL: raw })).toEqual(['REDIS_URL']);
    });
  });

  describe('CORS_ORIGINS', () => {
    it.each([
      ['', false],
      ['   ', false],
      ['*', true],
      [' * ', true],
      ['*, https://a.example', true],
      ['https://a.example', ['https://a.example']],
      [
        'https://a.example, http://localhost:5173 ,https://b.example',
        ['https://a.example', 'http://localhost:5173', 'https://b.example'],
      ],
    ])('parses %j as %j', (raw, origins) => {
      expect(loadConfig({ CORS_ORIGINS: raw }).http.corsOrigins).toEqual(origins);
    });

    it.each([
      'ftp://a.example',
      'a.example',
      'https://a.example,',
      'https://a.example,*',
      'https://a.example https://b.example',
    ])('rejects %j', (raw) => {
      expect(badVariables({ CORS_ORIGINS: raw })).toEqual(['CORS_ORIGINS']);
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      ['true', true],
      ['false', false],
      ['0', 0],
      ['2', 2],
      ['127.0.0.1', ['127.0.0.1']],
      ['10.0.0.0/8, 192.168.1.1,::1', ['10.0.0.0/8', '192.168.1.1', '::1']],
      ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
      ['fd00::/8', ['fd00::/8']],
    ])('parses %j as %j', (raw, trustProxy) => {
      expect(loadConfig({ TRUST_PROXY: raw }).http.trustProxy).toEqual(trustProxy);
    });

    it.each([
      '',
      'yes',
      'TRUE',
      'cafe',
      'abc',
      '10.0.0.1;10.0.0.2',
      '10.0.0.1,',
      '10.0.0.0/33',
      '300.1.1.1',
      'fd00::/129',
    ])('rejects %j', (raw) => {
      expect(badVariables({ TRUST_PROXY: raw })).toEqual(['TRUST_PROXY']);
    });
  });

  describe('PGLITE_DATA_DIR', () => {
    it("keeps 'memory://' as it is", () => {
      expect(loadConfig({ PGLITE_DATA_DIR: 'memory://' }).database.pgliteDataDir).toBe('memory://');
    });

    it('resolves a relative path against the working directory', () => {
      expect(loadConfig({ PGLITE_DATA_DIR: 'data/db' }).database.pgliteDataDir).toBe(resolve(process.cwd(), 'data/db'));
      expect(loadConfig({ PGLITE_DATA_DIR: '../db' }).database.pgliteDataDir).toBe(resolve(process.cwd(), '../db'));
    });

    it('keeps an absolute path', () => {
      expect(loadConfig({ PGLITE_DATA_DIR: '/srv/pglite' }).database.pgliteDataDir).toBe('/srv/pglite');
    });

    it('rejects an empty value', () => {
      expect(badVariables({ PGLITE_DATA_DIR: '' })).toEqual(['PGLITE_DATA_DIR']);
    });
  });

  describe('enumerations', () => {
    it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('accepts LOG_LEVEL=%s', (level) => {
      expect(loadConfig({ LOG_LEVEL: level }).log.level).toBe(level);
    });

    it.each(['development', 'production', 'test'])('accepts NODE_ENV=%s', (nodeEnv) => {
      expect(loadConfig({ NODE_ENV: nodeEnv, ...PG }).nodeEnv).toBe(nodeEnv);
    });

    it('rejects unknown values, case-sensitively', () => {
      expect(badVariables({ LOG_LEVEL: 'INFO', NODE_ENV: 'staging' })).toEqual(['LOG_LEVEL', 'NODE_ENV']);
    });

    it('rejects an empty HOST', () => {
      expect(badVariables({ HOST: '' })).toEqual(['HOST']);
    });
  });

  describe('validation errors', () => {
    const secretUrl = 'mysql://clinic_admin:Sup3rS3cretPassw0rd@db.internal:3306/wellclinic';

    it('reports every bad variable at once, sorted, each with the first rule it breaks', () => {
      const error = configError({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: secretUrl, HOME: '/root' });

      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('ConfigValidationError');
      expect(error.problems).toEqual([
        'DATABASE_URL: must be a postgres:// or postgresql:// URL',
        'LOG_LEVEL: must be one of the following values: fatal, error, warn, info, debug, trace, silent',
        'PORT: must be an integer number',
      ]);
      expect(error.message).toBe(
        [
          'Invalid configuration:',
          '  - DATABASE_URL: must be a postgres:// or postgresql:// URL',
          '  - LOG_LEVEL: must be one of the following values: fatal, error, warn, info, debug, trace, silent',
          '  - PORT: must be an integer number',
        ].join('\n'),
      );
    });

    it('never echoes the bad values, secrets included', () => {
      const error = configError({
        PORT: 'abc',
        LOG_LEVEL: 'loud',
        DATABASE_URL: secretUrl,
        CORS_ORIGINS: 'ftp://corsvalue.example',
        TRUST_PROXY: 'proxyvalue',
      });
      const text = `${error.message}\n${error.problems.join('\n')}`;

      expect(error.problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
        'CORS_ORIGINS',
        'DATABASE_URL',
        'LOG_LEVEL',
        'PORT',
        'TRUST_PROXY',
      ]);
      for (const value of [
        'abc',
        'loud',
        'Sup3rS3cretPassw0rd',
        'clinic_admin',
        'db.internal',
        'mysql',
        'corsvalue',
        'proxyvalue',
      ]) {
        expect(text).not.toContain(value);
      }
    });

    it('does not echo a postgres URL that is malformed only by whitespace', () => {
      const error = configError({ DATABASE_URL: 'postgres://admin:Hunter2Secret@h /db' });

      expect(error.problems).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// URL']);
      expect(error.message).not.toContain('Hunter2Secret');
    });
  });

  describe('database deadlines', () => {
    it('keeps the server statement timeout below the client query deadline', () => {
      expect(badVariables({ DB_STATEMENT_TIMEOUT_MS: '5000' })).toEqual(['DB_STATEMENT_TIMEOUT_MS']);
      expect(badVariables({ DB_STATEMENT_TIMEOUT_MS: '15000', DB_QUERY_TIMEOUT_MS: '10000' })).toEqual([
        'DB_STATEMENT_TIMEOUT_MS',
      ]);
      const config = loadConfig({ DB_STATEMENT_TIMEOUT_MS: '15000', DB_QUERY_TIMEOUT_MS: '20000' });
      expect([config.database.statementTimeoutMs, config.database.queryTimeoutMs]).toEqual([15_000, 20_000]);
    });

    it('reports only the bad variable when one of the two is invalid in itself', () => {
      expect(badVariables({ DB_STATEMENT_TIMEOUT_MS: 'soon' })).toEqual(['DB_STATEMENT_TIMEOUT_MS']);
    });
  });

  describe('sign-in limits', () => {
    it('allows more failures per email than per address', () => {
      expect(badVariables({ RATE_LIMIT_LOGIN_LIMIT: '20' })).toEqual(['RATE_LIMIT_LOGIN_EMAIL_LIMIT']);
      expect(badVariables({ RATE_LIMIT_LOGIN_LIMIT: '10', RATE_LIMIT_LOGIN_EMAIL_LIMIT: '5' })).toEqual([
        'RATE_LIMIT_LOGIN_EMAIL_LIMIT',
      ]);
      const config = loadConfig({ RATE_LIMIT_LOGIN_LIMIT: '10', RATE_LIMIT_LOGIN_EMAIL_LIMIT: '11' });
      expect([config.rateLimits.login.limit, config.rateLimits.login.emailLimit]).toEqual([10, 11]);
    });

    it('reports only the bad variable when one of the two is invalid in itself', () => {
      expect(badVariables({ RATE_LIMIT_LOGIN_LIMIT: 'many' })).toEqual(['RATE_LIMIT_LOGIN_LIMIT']);
      expect(badVariables({ RATE_LIMIT_LOGIN_EMAIL_LIMIT: '0' })).toEqual(['RATE_LIMIT_LOGIN_EMAIL_LIMIT']);
    });
  });

  describe('rate-limit fail mode', () => {
    it.each(['closed', 'open'])('accepts %j', (mode) => {
      expect(loadConfig({ RATE_LIMIT_FAIL_MODE: mode }).rateLimits.failMode).toBe(mode);
    });

    it.each(['', 'CLOSED', 'fail-open', 'true'])('rejects %j', (mode) => {
      expect(configError({ RATE_LIMIT_FAIL_MODE: mode }).problems).toEqual([
        'RATE_LIMIT_FAIL_MODE: must be one of the following values: closed, open',
      ]);
    });
  });

  describe('production (NODE_ENV=production)', () => {
    const PRODUCTION = { NODE_ENV: 'production', ...PG };

    it('names every missing variable in one message: the database, the token secret and the data key', () => {
      expect(configError({ NODE_ENV: 'production' }).problems).toEqual([
        'DATABASE_URL: is required in production (or DATABASE_URL_FILE); to run on the embedded database anyway, set ALLOW_EMBEDDED_IN_PRODUCTION=true',
        'DATA_ENCRYPTION_KEY: is required in production (or DATA_ENCRYPTION_KEY_FILE): openssl rand -base64 32',
        'JWT_SECRET: is required in production (or JWT_SECRET_FILE), at least 32 characters',
      ]);
    });

    it('boots with the three, without demo content unless DB_SEED_ON_START says so', () => {
      const config = loadConfig(PRODUCTION);
      expect(config.production).toBe(true);
      expect(config.database.seedOnStart).toBe(false);
      expect(config.auth.jwtSecretGenerated).toBe(false);
      expect(loadConfig({ ...PRODUCTION, DB_SEED_ON_START: 'true' }).database.seedOnStart).toBe(true);
    });

    it('refuses the embedded database unless ALLOW_EMBEDDED_IN_PRODUCTION=true, and even then needs the secrets', () => {
      const secrets = { NODE_ENV: 'production', JWT_SECRET: PG.JWT_SECRET, DATA_ENCRYPTION_KEY: KEY };
      expect(badVariables(secrets)).toEqual(['DATABASE_URL']);
      expect(badVariables({ ...secrets, ALLOW_EMBEDDED_IN_PRODUCTION: 'false' })).toEqual(['DATABASE_URL']);
      const embedded = loadConfig({ ...secrets, ALLOW_EMBEDDED_IN_PRODUCTION: 'true' });
      expect(embedded.embeddedDatabase).toBe(true);
      // No demo content (and so no demo admin) on a production embedded database either.
      expect(embedded.database.seedOnStart).toBe(false);
      expect(badVariables({ NODE_ENV: 'production', ALLOW_EMBEDDED_IN_PRODUCTION: 'true' })).toEqual([
        'DATA_ENCRYPTION_KEY',
        'JWT_SECRET',
      ]);
    });

    it('leaves development and tests as they were: embedded, seeded, a generated token secret', () => {
      for (const NODE_ENV of ['development', 'test']) {
        const config = loadConfig({ NODE_ENV });
        expect([config.production, config.embeddedDatabase, config.database.seedOnStart]).toEqual([false, true, true]);
        expect(config.auth.jwtSecretGenerated).toBe(true);
      }
    });
  });

  describe('secrets from files (<NAME>_FILE)', () => {
    const files: Record<string, string> = {
      '/run/secrets/jwt': `${'j'.repeat(40)}\n`,
      '/run/secrets/key': `${KEY}\r\n`,
      '/run/secrets/db': 'postgres://app:s3cret@db/wellclinic',
      '/run/secrets/empty': '\n',
    };
    const read = (path: string): string => {
      if (path in files) return files[path];
      throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    };

    it('reads each secret from its file, less the final line break', () => {
      const config = loadConfig(
        {
          NODE_ENV: 'production',
          DATABASE_URL_FILE: '/run/secrets/db',
          JWT_SECRET_FILE: '/run/secrets/jwt',
          DATA_ENCRYPTION_KEY_FILE: '/run/secrets/key',
        },
        read,
      );
      expect(config.database.url).toBe('postgres://app:s3cret@db/wellclinic');
      expect(config.auth.jwtSecret).toBe('j'.repeat(40));
      expect(config.dataEncryption.currentKey).toEqual(Buffer.alloc(32, 1));
    });

    it('validates what a file holds like the variable itself, without echoing it', () => {
      files['/run/secrets/short'] = 'tooshort-s3cret';
      const error = configError({ JWT_SECRET_FILE: '/run/secrets/short' }, read);
      expect(error.problems).toEqual(['JWT_SECRET: must be at least 32 characters']);
      expect(error.message).not.toContain('tooshort-s3cret');
    });

    it('reports a missing or empty file, and a variable given both ways, naming each and no content', () => {
      const error = configError(
        {
          NODE_ENV: 'production',
          DATABASE_URL: 'postgres://h/db',
          DATABASE_URL_FILE: '/run/secrets/db',
          JWT_SECRET_FILE: '/run/secrets/nope',
          DATA_ENCRYPTION_KEY_FILE: '/run/secrets/empty',
        },
        read,
      );
      expect(error.problems).toEqual([
        'DATABASE_URL_FILE: cannot be set together with DATABASE_URL',
        'DATA_ENCRYPTION_KEY_FILE: the file is empty',
        'JWT_SECRET_FILE: the file cannot be read (ENOENT)',
      ]);
      expect(error.message).not.toContain('s3cret');
    });

    it('reads real files by default', () => {
      const dir = mkdtempSync(join(tmpdir(), 'wellclinic-secrets-'));
      try {
        writeFileSync(join(dir, 'jwt'), `${'r'.repeat(32)}\n`, { mode: 0o600 });
        expect(loadConfig({ JWT_SECRET_FILE: join(dir, 'jwt') }).auth.jwtSecret).toBe('r'.repeat(32));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
