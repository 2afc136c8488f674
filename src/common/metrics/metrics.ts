import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What one answered request tells the metrics (the request log's line, and whether the response cache answered). */
export interface ObservedRequest {
  method: string;
  /** The route's pattern; null when no route matched (a 404, a refused URL). */
  route: string | null;
  statusCode: number;
  durationMs: number;
  /** `HIT` or `MISS` for a route whose responses the server caches; undefined otherwise. */
  cache?: string;
}

/** A gauge's current samples, computed when Prometheus scrapes. */
export type GaugeSamples = { labels?: Record<string, string>; value: number }[];

/** Route label of a request no route matched: one series, not one per URL someone tried. */
const UNMATCHED = 'unmatched';

/**
 * The app's Prometheus metrics, in a registry of its own (several apps may share a process, as the tests do):
 * request durations per route and status, response-cache results per route, rate-limit refusals per policy, query
 * deadlines hit, and the gauges features register (pool, outbox, overdue replies), plus Node's own process metrics
 * (memory, event-loop delay, GC). Served by MetricsModule on METRICS_PORT or behind METRICS_TOKEN.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by method, route pattern and status (cache hits included).',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly cacheResults = new Counter({
    name: 'response_cache_requests_total',
    help: 'Requests to routes whose responses the server caches, by route and result (hit or miss).',
    labelNames: ['route', 'result'] as const,
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused with 429, by rate-limit policy.',
    labelNames: ['policy'] as const,
    registers: [this.registry],
  });
  /** Rendered after the gauges, so a scrape's own failures are in it. */
  private readonly failuresRegistry = new Registry();
  private readonly collectFailures = new Counter({
    name: 'metrics_collect_failures_total',
    help: 'Scrapes at which a gauge could not read its source (the database down): it kept its last value.',
    labelNames: ['gauge'] as const,
    registers: [this.failuresRegistry],
  });
  private readonly queryDeadlines = new Counter({
    name: 'db_query_deadline_exceeded_total',
    help: 'Queries abandoned at the client-side query deadline (DB_QUERY_TIMEOUT_MS).',
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(request: ObservedRequest): void {
    const route = request.route ?? UNMATCHED;
    this.requestDuration.observe(
      { method: request.method, route, status: String(request.statusCode) },
      request.durationMs / 1000,
    );
    if (request.cache === 'HIT' || request.cache === 'MISS') {
      this.cacheResults.inc({ route, result: request.cache.toLowerCase() });
    }
  }

  rateLimitRejected(policy: string): void {
    this.rateLimited.inc({ policy });
  }

  queryDeadlineExceeded(): void {
    this.queryDeadlines.inc();
  }

  /** A gauge whose samples are computed on each scrape (a count from the database, a pool's state). */
  gauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: () => Promise<GaugeSamples> | GaugeSamples,
  ): void {
    const failures = this.collectFailures;
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        let samples: GaugeSamples;
        try {
          samples = await collect();
        } catch {
          // A source that cannot answer leaves its last value, and says so, rather than failing the whole scrape.
          failures.inc({ gauge: name });
          return;
        }
        this.reset();
        for (const sample of samples) {
          if (sample.labels) this.set(sample.labels, sample.value);
          else this.set(sample.value);
        }
      },
    });
  }

  async render(): Promise<string> {
    return `${await this.registry.metrics()}\n${await this.failuresRegistry.metrics()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
