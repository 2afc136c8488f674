import type { INestApplication, Type } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import type { Clock } from '../../src/common/clock/clock.js';
import { createApp, type RunningApp } from '../../src/app.factory.js';
import { createRootLogger } from '../../src/common/logging/logger.js';
import { buildOpenApiDocument } from '../../src/common/openapi/openapi.js';
import {
  assertTestDatabaseUrl,
  createScratchDatabase,
  E2E_EMBEDDED,
  runDatabaseUrl,
  scratchDatabaseIdle,
} from '../setup/test-database.js';
import { OpenApiResponseValidator } from './openapi-response-validator.js';

/** Every log line the app wrote, raw, so tests can prove what is and is not logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }

  get text(): string {
    return this.lines.join('\n');
  }

  json(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export const TEST_JWT_SECRET = 'test-only-secret-0123456789abcdef0123456789';
/** 32 bytes, base64: the contact details' encryption key in tests. */
export const TEST_DATA_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * One capture and one root logger per test file: nestjs-pino binds the first logger it sees for the life
 * of the module registry, so every app in a file must share it. Clear `logs.lines` before asserting.
 */
export const logs = new LogCapture();
export const testLogger = createRootLogger({ level: 'info', pretty: false }, logs);

export interface TestApp extends RunningApp {
  /** A supertest agent whose every response must match the app's own OpenAPI document, or the request fails. */
  http(): ReturnType<typeof request>;
  logs: LogCapture;
  /** Checks responses against the app's document (the live one when fixture modules are mounted: see validatingRequest). */
  responses: OpenApiResponseValidator;
}

/**
 * The committed openapi.json is exactly what an app without fixture modules serves (test/openapi-document.e2e-spec.ts
 * fails otherwise): such apps are checked against it, parsed and compiled once per test file rather than generated,
 * fetched and compiled again by every app a file boots (about half a second of CPU each).
 */
const COMMITTED_DOCUMENT = new URL('../../openapi.json', import.meta.url);
let committedDocument: OpenApiResponseValidator | undefined;
const committedValidator = (): OpenApiResponseValidator =>
  (committedDocument ??= new OpenApiResponseValidator(
    JSON.parse(readFileSync(COMMITTED_DOCUMENT, 'utf8')) as OpenAPIObject,
  ));

/** An app's live document (`/docs-json`), or the one it would serve with DOCS_ENABLED=false. */
async function liveDocument(app: INestApplication): Promise<OpenAPIObject> {
  const docs = await request(app.getHttpServer() as Parameters<typeof request>[0]).get('/docs-json');
  return docs.status === 200 ? (docs.body as OpenAPIObject) : buildOpenApiDocument(app);
}

/**
 * Returns a supertest factory whose requests also assert, before any assertion of the test's own, that the response
 * is one the app's OpenAPI document allows: the committed document, or with `fixtures` (modules mounted beside the
 * app's own, whose routes only the live document has) the server's own, fetched once.
 */
export async function validatingRequest(
  app: INestApplication,
  options: { fixtures?: boolean } = {},
): Promise<{ http: () => ReturnType<typeof request>; validator: OpenApiResponseValidator }> {
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  const validator = options.fixtures ? new OpenApiResponseValidator(await liveDocument(app)) : committedValidator();
  const http = (): ReturnType<typeof request> =>
    new Proxy(request(server), {
      get(agent, key, receiver) {
        const value: unknown = Reflect.get(agent, key, receiver);
        if (typeof key !== 'string' || typeof value !== 'function') return value;
        return (url: string, ...rest: unknown[]) => {
          const test = (value as (...args: unknown[]) => unknown).call(agent, url, ...rest) as request.Test;
          return test.expect((res: request.Response) => {
            validator.assert({
              method: key === 'del' ? 'delete' : key,
              path: url,
              status: res.status,
              contentType: res.headers['content-type'],
              body: res.body,
              text: res.text,
            });
          });
        };
      },
    });
  return { http, validator };
}

export function e2eDatabaseUrl(): string {
  const url = runDatabaseUrl();
  assertTestDatabaseUrl(url);
  return url;
}

/**
 * Boots the real application (same factory as production, real Fastify, real database) with a
 * controlled environment: nothing is inherited from the developer's shell.
 */
export async function createTestApp(
  options: {
    env?: Record<string, string | undefined>;
    imports?: Type[];
    /** The app's time source (a ManualClock to move time in tests). */
    clock?: Clock;
    /**
     * A database of the app's own, dropped on close: for tests that need to know every row (e.g. admins). It comes
     * with every migration applied, so the app finds its schema up to date; `'empty'` gives one without a schema,
     * for tests of what the app does on a new database (migrating, seeding it).
     */
    isolatedDatabase?: boolean | 'empty';
  } = {},
): Promise<TestApp> {
  const scratch = options.isolatedDatabase
    ? await createScratchDatabase({ migrated: options.isolatedDatabase !== 'empty' })
    : undefined;
  const databaseUrl = scratch?.url ?? e2eDatabaseUrl();
  const running = await createApp({
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DB_MIGRATE_ON_START: 'true',
      DB_SEED_ON_START: 'false',
      LOG_LEVEL: 'info',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_ENCRYPTION_KEY: TEST_DATA_ENCRYPTION_KEY,
      // Tests run the webhook dispatcher by hand.
      NOTIFY_DISPATCH_INTERVAL_MS: '0',
      // Apps of other suites share a database (and Redis): their writes must not empty this app's cache. The
      // suites about coherence between instances turn it on.
      CACHE_INVALIDATION: 'off',
      // Every test request comes from 127.0.0.1: suites that test rate limits set their own.
      RATE_LIMIT_GENERAL_LIMIT: '100000',
      RATE_LIMIT_LOGIN_LIMIT: '10000',
      RATE_LIMIT_LOGIN_EMAIL_LIMIT: '100000',
      // The embedded test database is one session: one connection, as the app's own embedded database has.
      ...(process.env[E2E_EMBEDDED] === 'true' ? { DB_POOL_MAX: '1' } : {}),
      ...options.env,
    },
    logger: testLogger,
    imports: options.imports,
    clock: options.clock,
  }).catch(async (error: unknown) => {
    await scratch?.drop();
    throw error;
  });
  const { http, validator } = await validatingRequest(running.app, { fixtures: !!options.imports?.length }).catch(
    async (error: unknown) => {
      await running.close();
      await scratch?.drop();
      throw error;
    },
  );
  return {
    ...running,
    logs,
    http,
    responses: validator,
    close: async () => {
      await running.close();
      await scratch?.drop();
      // The next app a test boots on a scratch database of its own connects at once.
      await scratchDatabaseIdle(options.env?.DATABASE_URL ?? databaseUrl);
    },
  };
}

type TestAppOptions = Parameters<typeof createTestApp>[0];

/** How long one app may take to boot before its suite fails. */
export const APP_BOOT_TIMEOUT_MS = 120_000;

/** One app for the enclosing describe block: booted before its tests, closed after them. */
export function useTestApp(options?: TestAppOptions): () => TestApp {
  let app: TestApp | undefined;
  // Booting migrates a fresh database: on a busy machine (the embedded database, a loaded CI box) it can take a while.
  beforeAll(async () => {
    app = await createTestApp(options);
  }, APP_BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('the test app is not running (used outside its describe block?)');
    return app;
  };
}

/** Boots an app for one test and always closes it. */
export async function withTestApp<T>(options: TestAppOptions, use: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await createTestApp(options);
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}
