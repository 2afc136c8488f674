import { createRequire, syncBuiltinESMExports } from 'node:module';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { installSpanSource } from '../common/tracing/span-source.js';
import { OtelSpanSource } from './otel-span-source.js';
import { RedactingSpanExporter } from './span-redaction.js';

/** The service name spans carry unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names another. */
export const DEFAULT_SERVICE_NAME = 'well-clinic-api';

/** Requests no span is made for: probes and scrapes, many a minute, which would drown the traces worth reading. */
const UNTRACED_PATHS = new Set(['/health', '/health/live', '/metrics']);

export interface Telemetry {
  /** Exports the spans still buffered and stops the SDK: the last step of a graceful shutdown. */
  shutdown(): Promise<void>;
}

/** Thrown for a setting the SDK would otherwise only warn about and ignore. */
export class TelemetryConfigError extends Error {}

/**
 * The OTLP/HTTP exporter OTEL_EXPORTER_OTLP_TRACES_PROTOCOL (or OTEL_EXPORTER_OTLP_PROTOCOL) asks for:
 * `http/protobuf` by default, as the specification says, or `http/json`. Each reads its endpoint, headers,
 * compression and timeout from the standard OTEL_EXPORTER_OTLP_* variables itself.
 */
function otlpExporter(env: Record<string, string | undefined>): SpanExporter {
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || 'http/protobuf';
  if (protocol === 'http/protobuf') return new OtlpProtobufExporter();
  if (protocol === 'http/json') return new OtlpJsonExporter();
  throw new TelemetryConfigError(
    `OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported; use http/protobuf (the default) or http/json`,
  );
}

function untraced(url: string | undefined): boolean {
  const path = url?.split('?', 1)[0] ?? '/';
  return UNTRACED_PATHS.has(path);
}

/**
 * The HTTP instrumentation patches `http` and `https` when they are next required, on their CommonJS exports object.
 * The app's own ES modules import them by name (`import { request } from 'node:http'`, the webhook targets), and a
 * builtin's named exports follow its CommonJS exports only when synced: require them now, then sync.
 */
function patchBuiltinHttp(): void {
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  syncBuiltinESMExports();
}

/**
 * Starts OpenTelemetry tracing: spans for every HTTP request served (instrumentation-http, with @fastify/otel's
 * request and handler spans inside), every PostgreSQL query made while serving one (instrumentation-pg), and every
 * webhook attempt (instrumentation-http's client spans: the webhook targets use `node:http` and `node:https`),
 * exported over OTLP/HTTP in batches (OTEL_BSP_*), sampled as OTEL_TRACES_SAMPLER says (by default every trace, the
 * caller's sampled flag respected).
 *
 * Must run before the app's modules are imported: the instrumentations patch `http` and `pg` as they load. The SDK
 * reads the process's OTEL_* variables itself; `env` decides only what is ours (the protocol check).
 */
export function startTelemetry(env: Record<string, string | undefined>): Telemetry {
  const spans = new OtelSpanSource();
  const sdk = new NodeSDK({
    // Below what the environment says (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), which the SDK merges on top.
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': DEFAULT_SERVICE_NAME })),
    // A batch processor configured from OTEL_BSP_*, in front of the exporter; only redacted spans reach it.
    traceExporter: new RedactingSpanExporter(otlpExporter(env)),
    // Traces only: metrics have their own Prometheus endpoint, and the logs go to stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => untraced(request.url),
        requestHook: spans.recordServerSpan,
      }),
      // Request and route handler spans; a span for every hook of every request would cost more than it tells.
      new FastifyOtelInstrumentation({ registerOnInitialization: true, instrumentHooks: false }),
      // Queries made while serving a request; not the background ones (pool checks, metric gauges, listeners).
      // Pool checkout spans stay: only with them does the instrumentation bind TypeORM's checkout callback to the
      // request, and a query that waited for a connection would otherwise run in whichever context released it.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  patchBuiltinHttp();
  installSpanSource(spans);
  return {
    shutdown: async () => {
      installSpanSource(undefined);
      await sdk.shutdown();
    },
  };
}
