import { IncomingMessage } from 'node:http';
import { context, ROOT_CONTEXT, type Span, type SpanContext, trace, TraceFlags } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { SpanSource } from '../common/tracing/span-source.js';
import { parseTraceparent, type TraceContext } from '../common/tracing/trace-context.js';

/** What the app records of a span (its logs, audit events, webhooks); undefined for an invalid one. */
function traceContextOf(span: SpanContext): TraceContext | undefined {
  if (!trace.isSpanContextValid(span)) return undefined;
  return { traceId: span.traceId, spanId: span.spanId, sampled: (span.traceFlags & TraceFlags.SAMPLED) !== 0 };
}

/** The context of a remote parent named by a stored `traceparent`; the root context when there is none. */
function parentContext(traceparent: string | null): typeof ROOT_CONTEXT {
  const parent = traceparent ? parseTraceparent(traceparent) : undefined;
  if (!parent) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.parentId,
    traceFlags: parent.flags & TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/**
 * The SpanSource of a running OpenTelemetry SDK. `recordServerSpan` is the HTTP instrumentation's request hook: it
 * keeps each request's server span (sampled or not: an unsampled one still has its own span id) until the request
 * object is collected.
 */
export class OtelSpanSource implements SpanSource {
  private readonly serverSpans = new WeakMap<IncomingMessage, TraceContext>();

  readonly recordServerSpan = (span: Span, request: unknown): void => {
    if (!(request instanceof IncomingMessage)) return;
    const server = traceContextOf(span.spanContext());
    if (server) this.serverSpans.set(request, server);
  };

  serverSpanOf(request: IncomingMessage): TraceContext | undefined {
    return this.serverSpans.get(request);
  }

  activeSpan(): TraceContext | undefined {
    const span = trace.getActiveSpan();
    return span && traceContextOf(span.spanContext());
  }

  /** What @fastify/otel does: the HTTP instrumentation names its server span `<method> <route>` when it ends. */
  routeMatched(route: string): void {
    const rpc = getRPCMetadata(context.active());
    if (rpc?.type === RPCType.HTTP) rpc.route = route;
  }

  runUnder<T>(traceparent: string | null, work: () => T): T {
    return context.with(parentContext(traceparent), work);
  }
}
