import { type Attributes, SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace';

/**
 * The attributes an exported span may carry: what the request log line records anyway (method, route, path without
 * its query, status) and the shape of the work (the database operation, its parameterised statement, the peer it
 * went to). An allow-list: whatever an instrumentation adds now or in a later version (the caller's IP address or
 * user agent, query strings, headers, SQL parameter values) is dropped unless it is named here.
 */
const KEPT = new Set([
  // HTTP, server and client spans (stable semantic conventions).
  'http.request.method',
  'http.request.method_original',
  'http.response.status_code',
  'http.route',
  'url.scheme',
  'server.address',
  'server.port',
  'network.protocol.version',
  'error.type',
  // @fastify/otel's spans: which part of the request lifecycle ran.
  'fastify.root',
  'fastify.type',
  'hook.name',
  'hook.callback.name',
  // PostgreSQL (both generations of the database conventions). The statement is the parameterised text node-postgres
  // sends: values travel as bind parameters, which are recorded only with enhancedDatabaseReporting (never on).
  'db.system',
  'db.system.name',
  'db.name',
  'db.namespace',
  'db.user',
  'db.connection_string',
  'db.statement',
  'db.query.text',
  'db.operation.name',
  'db.collection.name',
  'db.response.status_code',
  'net.peer.name',
  'net.peer.port',
]);

/**
 * `url.path` on spans of requests this server answers, without any query string (@fastify/otel records the raw URL
 * there). Never on client spans: a webhook URL's path may hold its receiver's secret, as the dispatcher's logs know.
 */
const URL_PATH = 'url.path';

function keptAttributes(attributes: Attributes, kind: SpanKind): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (KEPT.has(key)) kept[key] = value;
    else if (key === URL_PATH && kind !== SpanKind.CLIENT && typeof value === 'string') {
      const query = value.indexOf('?');
      kept[key] = query === -1 ? value : value.slice(0, query);
    }
  }
  return kept;
}

/**
 * An exception event keeps its type only: its message and stack trace may quote input (a JSON parse error quotes
 * the body it could not parse, a database error the value it refused).
 */
function keptEvent(event: TimedEvent): TimedEvent {
  const type = event.attributes?.['exception.type'];
  return {
    name: event.name,
    time: event.time,
    attributes: event.name === 'exception' && type !== undefined ? { 'exception.type': type } : {},
    droppedAttributesCount: 0,
  };
}

/** The span as it may leave the process: kept attributes, events without their details, the status without its message. */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: keptAttributes(span.attributes, span.kind),
    links: span.links.map((link) => ({ context: link.context })),
    events: span.events.map(keptEvent),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: 0,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Hands the exporter only redacted spans: the one place every span passes before it leaves the process. */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly exporter: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.exporter.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}
