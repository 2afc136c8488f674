import { type Attributes, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { RedactingSpanExporter } from './span-redaction.js';

/** Real SDK spans, ended and exported through the redacting exporter into memory. */
function exportedSpans(make: (tracer: ReturnType<TracerProvider['getTracer']>) => void): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: new RedactingSpanExporter(memory) })],
  });
  make(provider.getTracer('test'));
  return memory.getFinishedSpans();
}

const SERVER_ATTRIBUTES: Attributes = {
  'http.request.method': 'GET',
  'http.route': '/api/v1/admin/contact-requests',
  'http.response.status_code': 200,
  'url.scheme': 'http',
  'url.path': '/api/v1/admin/contact-requests?q=Robin%20Achterberg',
  'url.query': 'q=Robin%20Achterberg',
  'server.address': 'api.wellclinic.test',
  'server.port': 443,
  'client.address': '198.51.100.7',
  'network.peer.address': '198.51.100.7',
  'network.peer.port': 51234,
  'user_agent.original': 'Mozilla/5.0 (Robin’s phone)',
  'http.request.header.x_forwarded_for': ['198.51.100.7'],
};

describe('RedactingSpanExporter', () => {
  it("keeps what the request log records of a served request, and none of the caller's data", () => {
    const [span] = exportedSpans((tracer) =>
      tracer
        .startSpan('GET /api/v1/admin/contact-requests', { kind: SpanKind.SERVER, attributes: SERVER_ATTRIBUTES })
        .end(),
    );

    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/api/v1/admin/contact-requests',
      'http.response.status_code': 200,
      'url.scheme': 'http',
      'url.path': '/api/v1/admin/contact-requests',
      'server.address': 'api.wellclinic.test',
      'server.port': 443,
    });
    expect(span.droppedAttributesCount).toBe(0);
  });

  it("keeps the parameterised statement of a query, never its values (enhancedDatabaseReporting's attribute)", () => {
    const [span] = exportedSpans((tracer) =>
      tracer
        .startSpan('pg.query:INSERT wellclinic_test', {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'postgresql',
            'db.namespace': 'wellclinic_test',
            'db.query.text': 'INSERT INTO "contact_requests"("name_cipher") VALUES ($1)',
            'db.postgresql.values': ['Robin Achterberg'],
            'db.postgresql.plan': 'insert',
            'server.address': '127.0.0.1',
            'server.port': 5432,
          },
        })
        .end(),
    );

    expect(span.attributes).toEqual({
      'db.system.name': 'postgresql',
      'db.namespace': 'wellclinic_test',
      'db.query.text': 'INSERT INTO "contact_requests"("name_cipher") VALUES ($1)',
      'server.address': '127.0.0.1',
      'server.port': 5432,
    });
  });

  it("keeps a webhook attempt's receiver host, not its URL: the path and query may hold the receiver's secret", () => {
    const [span] = exportedSpans((tracer) =>
      tracer
        .startSpan('POST', {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': 'POST',
            'url.full': 'https://crm.example.com/hooks/T0KEN?sig=abc',
            'url.path': '/hooks/T0KEN',
            'url.query': '?sig=abc',
            'url.scheme': 'https',
            'server.address': 'crm.example.com',
            'server.port': 443,
            'http.response.status_code': 204,
          },
        })
        .end(),
    );

    expect(span.attributes).toEqual({
      'http.request.method': 'POST',
      'url.scheme': 'https',
      'server.address': 'crm.example.com',
      'server.port': 443,
      'http.response.status_code': 204,
    });
  });

  it('keeps the type of an exception, not its message or stack (they may quote input), nor the status message', () => {
    const [span] = exportedSpans((tracer) => {
      const s = tracer.startSpan('request', { kind: SpanKind.INTERNAL });
      const error = new SyntaxError('Unexpected token \'R\', "Robin Achterberg" is not valid JSON');
      s.recordException(error);
      s.addEvent('note', { detail: 'Robin Achterberg' });
      s.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      s.end();
    });

    expect(span.events.map(({ name, attributes }) => ({ name, attributes }))).toEqual([
      { name: 'exception', attributes: { 'exception.type': 'SyntaxError' } },
      { name: 'note', attributes: {} },
    ]);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(JSON.stringify(span.events)).not.toContain('Robin');
  });

  it('keeps the identity, timing and tree of the span', () => {
    let original!: ReadableSpan;
    const [span] = exportedSpans((tracer) => {
      const parent = tracer.startSpan('parent');
      const child = tracer.startSpan(
        'child',
        { kind: SpanKind.CLIENT },
        trace.setSpanContext(ROOT_CONTEXT, parent.spanContext()),
      );
      child.end();
      parent.end();
      original = child as unknown as ReadableSpan;
    });

    expect(span.name).toBe('child');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.spanContext()).toEqual(original.spanContext());
    expect(span.parentSpanContext).toEqual(original.parentSpanContext);
    expect({ start: span.startTime, end: span.endTime, duration: span.duration }).toEqual({
      start: original.startTime,
      end: original.endTime,
      duration: original.duration,
    });
    expect(span.resource).toBe(original.resource);
    expect(span.instrumentationScope).toEqual({ name: 'test', version: undefined, schemaUrl: undefined });
  });
});
