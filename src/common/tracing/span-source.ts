import type { IncomingMessage } from 'node:http';
import type { TraceContext } from './trace-context.js';

/**
 * What the app asks of OpenTelemetry while tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT): src/telemetry installs one
 * at startup, before the app is imported. Without one (the default), nothing here touches OpenTelemetry: a
 * request's trace comes from its `traceparent` header alone, as traceContextFor makes it.
 */
export interface SpanSource {
  /** The server span the HTTP instrumentation started for this request; undefined when it started none. */
  serverSpanOf(request: IncomingMessage): TraceContext | undefined;
  /** The span active where this is called; undefined outside every span. */
  activeSpan(): TraceContext | undefined;
  /**
   * Names the active server span by the route that answered, for a request answered before Fastify routes it (a
   * response-cache hit); Fastify's instrumentation does it for the others.
   */
  routeMatched(route: string): void;
  /**
   * Runs `work` as a child of the span `traceparent` names (the request that caused it), or outside every trace
   * when null: never in whatever context the caller happened to inherit (a timer keeps the one it was set in).
   */
  runUnder<T>(traceparent: string | null, work: () => T): T;
}

let installed: SpanSource | undefined;

/** Called once by src/telemetry when tracing starts (and by tests, which pass undefined to remove it). */
export function installSpanSource(source: SpanSource | undefined): void {
  installed = source;
}

/** The installed source; undefined while tracing is off. */
export function spanSource(): SpanSource | undefined {
  return installed;
}

/**
 * Sends an outgoing request (a webhook) as part of the trace `traceparent` names; null when no request caused it.
 * Tracing off, `send` gets that header to send itself, as it was stored. Tracing on, `send` runs under that span
 * and gets no header: the HTTP instrumentation starts the request's client span and sends that span's own
 * `traceparent`, so the receiver's parent is the span that recorded the attempt.
 */
export function sendInTrace<T>(traceparent: string | null, send: (headers: { traceparent?: string }) => T): T {
  if (installed) return installed.runUnder(traceparent, () => send({}));
  return send(traceparent ? { traceparent } : {});
}

/** Runs background work outside every trace (tracing on); with tracing off it simply runs it. */
export function outsideTraces<T>(work: () => T): T {
  return installed ? installed.runUnder(null, work) : work();
}
