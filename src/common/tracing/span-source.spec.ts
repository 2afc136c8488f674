import type { FastifyRequest } from 'fastify';
import { traceOf } from './request-trace.js';
import { installSpanSource, outsideTraces, sendInTrace, type SpanSource } from './span-source.js';
import { type TraceContext, traceContextFor } from './trace-context.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const SERVER: TraceContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), sampled: true };
const ACTIVE: TraceContext = { traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), sampled: true };

/** A fake source: `raw` has SERVER as its server span, ACTIVE is active, and runUnder records its calls. */
function fakeSource({ raw, active = ACTIVE }: { raw?: object; active?: TraceContext | null } = {}) {
  const runs: (string | null)[] = [];
  const source: SpanSource = {
    serverSpanOf: (request) => (request === raw ? SERVER : undefined),
    activeSpan: () => active ?? undefined,
    routeMatched: () => undefined,
    runUnder: (traceparent, work) => {
      runs.push(traceparent);
      return work();
    },
  };
  return { source, runs };
}

function request(raw: object, traceparent?: string): FastifyRequest {
  return { trace: null, raw, headers: { traceparent } } as unknown as FastifyRequest;
}

describe('the span source (OpenTelemetry tracing on)', () => {
  afterEach(() => installSpanSource(undefined));

  describe('off: nothing installed', () => {
    it('sends the stored traceparent itself, or none, and runs background work as it is', () => {
      expect(sendInTrace(TRACEPARENT, (headers) => headers)).toEqual({ traceparent: TRACEPARENT });
      expect(sendInTrace(null, (headers) => headers)).toEqual({});
      expect(outsideTraces(() => 42)).toBe(42);
    });

    it("makes a request's trace from its traceparent", () => {
      expect(traceOf(request({}, TRACEPARENT))).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    });
  });

  describe('on', () => {
    it('sends no header of its own, under the stored span (the HTTP instrumentation sends its client span)', () => {
      const { source, runs } = fakeSource();
      installSpanSource(source);

      expect(sendInTrace(TRACEPARENT, (headers) => headers)).toEqual({});
      expect(sendInTrace(null, (headers) => headers)).toEqual({});
      expect(outsideTraces(() => 42)).toBe(42);
      expect(runs).toEqual([TRACEPARENT, null, null]);
    });

    it("takes a request's trace from its server span, once, whatever is active later", () => {
      const raw = {};
      installSpanSource(fakeSource({ raw }).source);
      const req = request(raw, TRACEPARENT);

      expect(traceOf(req)).toBe(SERVER);
      installSpanSource(fakeSource().source);
      expect(traceOf(req)).toBe(SERVER);
    });

    it('takes the active span where a request has no server span of its own (a response cache hit)', () => {
      installSpanSource(fakeSource().source);
      expect(traceOf(request({}, TRACEPARENT))).toBe(ACTIVE);
      expect(traceContextFor(TRACEPARENT)).toBe(ACTIVE);
    });

    it('falls back to the traceparent outside every span (a request on an untraced path)', () => {
      installSpanSource(fakeSource({ active: null }).source);
      expect(traceContextFor(TRACEPARENT)).toMatchObject({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        sampled: true,
      });
    });
  });
});
