import type { FastifyRequest } from 'fastify';
import { spanSource } from './span-source.js';
import { type TraceContext, traceContextFor } from './trace-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Made on first use by traceOf(); null until then (a request property declared up front, see app.factory). */
    trace: TraceContext | null;
  }
}

/**
 * The request's trace context, made from its `traceparent` the first time something asks (an audit context, the
 * error filter, the completion line) and the same for every later asker: no hook on the request path makes it.
 * With OpenTelemetry tracing on, it is the request's server span, whichever span is active where it is first asked.
 */
export function traceOf(request: FastifyRequest): TraceContext {
  return (request.trace ??= spanSource()?.serverSpanOf(request.raw) ?? traceContextFor(request.headers.traceparent));
}
