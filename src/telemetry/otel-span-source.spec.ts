import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { type RPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { OtelSpanSource } from './otel-span-source.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const HEX16 = /^[0-9a-f]{16}$/;

describe('OtelSpanSource', () => {
  const tracer = new TracerProvider().getTracer('test');
  const source = new OtelSpanSource();

  beforeAll(() => {
    // Synchronous context propagation is all these tests need.
    context.setGlobalContextManager(new StackContextManager().enable());
  });
  afterAll(() => context.disable());

  it('keeps the server span of each request, and nothing for a request it did not see', () => {
    const request = new IncomingMessage(new Socket());
    const other = new IncomingMessage(new Socket());
    const span = tracer.startSpan('GET /api/v1/articles');

    source.recordServerSpan(span, request);
    // The HTTP instrumentation calls the same hook with its outgoing ClientRequests: ignored.
    source.recordServerSpan(tracer.startSpan('POST'), {});

    const { traceId, spanId } = span.spanContext();
    expect(source.serverSpanOf(request)).toEqual({ traceId, spanId, sampled: true });
    expect(source.serverSpanOf(other)).toBeUndefined();
  });

  it('gives the active span, and nothing outside every span', () => {
    const span = tracer.startSpan('request');
    const { traceId, spanId } = span.spanContext();

    expect(context.with(trace.setSpan(ROOT_CONTEXT, span), () => source.activeSpan())).toEqual({
      traceId,
      spanId,
      sampled: true,
    });
    expect(source.activeSpan()).toBeUndefined();
  });

  it('names the HTTP server span by the route that answered (a cache hit, which Fastify never routes)', () => {
    const rpc: RPCMetadata = { type: RPCType.HTTP, span: tracer.startSpan('GET') };
    context.with(setRPCMetadata(ROOT_CONTEXT, rpc), () => source.routeMatched('/api/v1/articles/:slug'));
    expect(rpc.route).toBe('/api/v1/articles/:slug');
    // Outside a served request: nothing to name, and no error.
    expect(() => source.routeMatched('/api/v1/articles')).not.toThrow();
  });

  it("runs work under a stored traceparent's span, as a remote parent with its sampled flag", () => {
    const child = source.runUnder(`00-${TRACE_ID}-${PARENT_ID}-01`, () => tracer.startSpan('POST'));
    expect(child.spanContext()).toMatchObject({ traceId: TRACE_ID, spanId: expect.stringMatching(HEX16) });
    expect((child as unknown as { parentSpanContext: unknown }).parentSpanContext).toEqual({
      traceId: TRACE_ID,
      spanId: PARENT_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });

    const unsampled = source.runUnder(`00-${TRACE_ID}-${PARENT_ID}-00`, () => source.activeSpan());
    expect(unsampled).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, sampled: false });
  });

  it('runs work outside every trace for no traceparent, or an invalid one, whatever the caller was in', () => {
    const inherited = tracer.startSpan('a request that set a timer');
    context.with(trace.setSpan(ROOT_CONTEXT, inherited), () => {
      expect(source.runUnder(null, () => source.activeSpan())).toBeUndefined();
      expect(source.runUnder('garbage', () => source.activeSpan())).toBeUndefined();
    });
  });
});
