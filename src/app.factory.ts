import { constants as zlibConstants } from 'node:zlib';
import compress from '@fastify/compress';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import { type Clock, systemClock } from './common/clock/clock.js';
import { AppException } from './common/errors/app-exception.js';
import {
  createClientErrorHandler,
  type RawAnswerOptions,
  registerServerAnswers,
} from './common/errors/client-error.js';
import { sendProblem } from './common/errors/problem-details.filter.js';
import { toProblem } from './common/errors/to-problem.js';
import {
  COMPRESSION_THRESHOLD_BYTES,
  type CompletedRequest,
  installHttpCaching,
  PER_REQUEST_BROTLI_QUALITY,
  PER_REQUEST_GZIP_LEVEL,
  ResponseCache,
  SYNC_COMPRESSION_MAX_BYTES,
} from './common/http/caching/index.js';
import { requestPath } from './common/http/request-path.js';
import { API_SECURITY_HEADERS, securityHeadersFor } from './common/http/security-headers.js';
import { clientRequestId, newRequestId } from './common/http/request-id.js';
import { createRootLogger } from './common/logging/logger.js';
import { Metrics } from './common/metrics/metrics.js';
import { setupOpenApi } from './common/openapi/openapi.js';
import { traceOf } from './common/tracing/request-trace.js';
import { registerJsonBodyParser } from './common/validation/json-body.js';
import { type AppConfig, loadConfig } from './config/app-config.js';
import { describeDatabaseUrl } from './database/data-source-options.js';
import { EmbeddedDatabase } from './database/embedded-database.js';
import { Readiness } from './health/readiness.service.js';

export interface CreateAppOptions {
  /** The environment to configure from; the one place it is read. */
  env: Record<string, string | undefined>;
  /** The root logger; built from LOG_LEVEL and LOG_PRETTY, writing to stdout, when absent. */
  logger?: PinoLogger;
  /** Extra modules to mount (test fixtures). */
  imports?: NonNullable<Parameters<typeof AppModule.forRoot>[0]['imports']>;
  /** The time source (tests pass a ManualClock). */
  clock?: Clock;
}

export interface RunningApp {
  app: NestFastifyApplication;
  config: AppConfig;
  logger: PinoLogger;
  /**
   * The first step of a graceful shutdown: readiness (`/health`) answers 503 so load balancers stop routing here,
   * while requests are still served, each response closing its connection. `close()` ends it.
   */
  drain(): void;
  /** Stops taking requests, lets in-flight ones finish, closes the pool and the embedded database. */
  close(): Promise<void>;
}

const API_PREFIX = 'api';

/** Logging, plugins, routing and OpenAPI on a created app, then init (migrations run here). */
async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(Logger));
  app.flushLogs();

  // Responses not kept in the response cache are compressed per request, cheaply (stored ones once, see bodyFor).
  await app.register(compress, {
    threshold: COMPRESSION_THRESHOLD_BYTES,
    syncThreshold: SYNC_COMPRESSION_MAX_BYTES,
    encodings: ['br', 'gzip', 'deflate'],
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: PER_REQUEST_BROTLI_QUALITY } },
    zlibOptions: { level: PER_REQUEST_GZIP_LEVEL },
  });
  if (config.http.corsOrigins !== false) {
    app.enableCors({
      origin: config.http.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'If-Match',
        'If-None-Match',
        'Idempotency-Key',
        'X-API-Key',
        'X-Request-Id',
        'traceparent',
        // Ignored, but browser tracers send it beside traceparent: refusing it would fail their preflight.
        'tracestate',
      ],
      exposedHeaders: [
        'ETag',
        'Location',
        'Retry-After',
        'X-Request-Id',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Idempotent-Replayed',
      ],
      maxAge: 600,
    });
  }
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/live', 'metrics'] });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  if (config.docs.enabled) setupOpenApi(app, { persistAuthorization: !config.production });

  await app.init();
  await app.getHttpAdapter().getInstance().ready();
}

/**
 * Builds the whole application exactly as production runs it: configuration, logging, the database
 * (embedded when DATABASE_URL is unset), the HTTP platform and its cross-cutting behaviour. The caller
 * decides whether to listen.
 */
export async function createApp(options: CreateAppOptions): Promise<RunningApp> {
  const config = loadConfig(options.env);
  const logger = options.logger ?? createRootLogger(config.log);

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl: string;
  if (config.database.url) {
    databaseUrl = config.database.url;
    logger.info(`Database: PostgreSQL at ${describeDatabaseUrl(databaseUrl)}`);
  } else {
    embedded = await EmbeddedDatabase.start(config.database.pgliteDataDir);
    databaseUrl = embedded.url;
    logger.info(
      `Database: embedded PGlite (${config.database.pgliteDataDir}). Embedded mode serves ONE instance only; ` +
        'set DATABASE_URL to use PostgreSQL.',
    );
  }

  if (config.auth.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: staff tokens are signed with a random secret and end with this process.');
  }

  try {
    return await buildApp(config, logger, databaseUrl, embedded, options);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

async function buildApp(
  config: AppConfig,
  logger: PinoLogger,
  databaseUrl: string,
  embedded: EmbeddedDatabase | undefined,
  options: CreateAppOptions,
): Promise<RunningApp> {
  const hops = config.http.trustProxy;
  /** The request log and the request metrics: one line per response, whoever answered it. */
  const logCompleted = (line: CompletedRequest): void => {
    metrics.observeRequest(line);
    const level = line.statusCode >= 500 ? 'warn' : 'info';
    // Every response passes here, cache hits included: build the line only when it will be written.
    if (!logger.isLevelEnabled(level)) return;
    const { url, durationMs, cache: _cache, trace, ...fields } = line;
    logger[level](
      {
        ...fields,
        traceId: trace.traceId,
        spanId: trace.spanId,
        path: requestPath(url),
        durationMs: Math.round(durationMs * 10) / 10,
      },
      'request completed',
    );
  };
  const logReply = (request: FastifyRequest, reply: FastifyReply): void =>
    logCompleted({
      reqId: request.id,
      clientRequestId: clientRequestId(request.headers['x-request-id']),
      trace: traceOf(request),
      method: request.method,
      route: request.routeOptions.url ?? null,
      url: request.url,
      statusCode: reply.statusCode,
      durationMs: reply.elapsedTime,
      cache: reply.getHeader('x-cache') as string | undefined,
    });

  let closing = false;
  let draining = false;
  const clock = options.clock ?? systemClock;
  const responseCache = new ResponseCache(config.cache.responseTtlMs, config.cache.responseMaxBytes, clock);
  const metrics = new Metrics();
  /** How answers written outside Fastify (Node's parser errors, Expect, CONNECT) are made and logged. */
  const clientErrorAnswers: RawAnswerOptions = {
    headers: API_SECURITY_HEADERS,
    requestId: newRequestId,
    answered: (line) => logger.info(line, 'client error'),
  };
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: typeof hops === 'number' ? (_address: string, hop: number) => hop < hops : hops,
    // Ours, always: a caller's X-Request-Id is only logged and audited beside it, as clientRequestId.
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    // Answered by our own hook below, as problem+json.
    return503OnClosing: false,
    // What Node's HTTP parser refuses (431 for an over-long URL or header, a malformed request line) is answered
    // as problem+json too, instead of Fastify's own JSON.
    clientErrorHandler: createClientErrorHandler(clientErrorAnswers),
    // The router rejects a malformed URL (`/hours/%`) or an over-long path segment before any hook runs:
    // answer it here like every other error, with the headers the hooks would have set.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.headers(securityHeadersFor(request.url));
      const problem = toProblem(error, {
        instance: requestPath(request.url),
        requestId: request.id,
        retryAfterSeconds: config.database.retryAfterSeconds,
      });
      sendProblem(reply.header('x-request-id', request.id), problem);
      logReply(request, reply);
    },
  });
  const fastify = adapter.getInstance();
  // The request's W3C trace, made on first use (traceOf); declared here so every request object has the same shape.
  fastify.decorateRequest('trace', null);
  // JSON only: anything else is 415.
  fastify.removeContentTypeParser('text/plain');
  // JSON nested too deep for the validation layer is refused before it is parsed.
  registerJsonBodyParser(fastify);

  // Cache-Control, ETags and 304s; stored responses answered before Fastify routes the request (while not closing).
  installHttpCaching(fastify, {
    cache: responseCache,
    accepting: () => !closing,
    answered: logCompleted,
    everyResponse: API_SECURITY_HEADERS,
    maxAgeSeconds: config.cache.maxAgeSeconds,
    staleWhileRevalidateSeconds: config.cache.staleWhileRevalidateSeconds,
  });
  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id).headers(securityHeadersFor(request.url));
    if (!closing) return done();
    void reply.header('connection', 'close');
    done(
      new AppException('service_unavailable', 'The server is shutting down. Retry shortly.', {
        headers: { 'Retry-After': '1' },
      }),
    );
  });
  // After the hook above, so that its refusals carry the request id and security headers.
  registerServerAnswers(fastify, clientErrorAnswers);
  // A request that was in flight when shutdown began must not leave its keep-alive connection open:
  // the server would wait for it to time out before it could close. Nor one in flight when the drain began.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing || draining) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logReply(request, reply);
    done();
  });
  // No per-request logging context (nestjs-pino's middleware or PinoLogger.runInContext). It is an
  // AsyncLocalStorage, and on Node 20 an enabled AsyncLocalStorage puts hooks on every promise of the process:
  // measured, it took 15 % more CPU per uncached article read (bench/README.md). The lines written about a
  // request carry its reqId explicitly: the completion line above and the error filter's lines.
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, logger, databaseUrl, imports: options.imports, clock, responseCache, metrics }),
    adapter,
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  try {
    await configureApp(app, config);
  } catch (error) {
    // A failed boot (migration, first admin, plugin) must not leave the pool or the server open.
    await app.close();
    throw error;
  }
  // While draining, every response (cache hits answered before routing included) says `Connection: close`:
  // kept-alive clients, a load balancer's pool among them, reconnect, to another instance once routing moved.
  fastify.server.prependListener('request', (_request, response) => {
    if (draining) response.setHeader('connection', 'close');
  });

  return {
    app,
    config,
    logger,
    drain: () => {
      draining = true;
      app.get(Readiness).drain();
    },
    close: async () => {
      closing = true;
      try {
        await app.close();
      } finally {
        await embedded?.stop();
        logger.flush();
      }
    },
  };
}
