import { Metrics } from './metrics.js';

const fresh = () => new Metrics({ processMetrics: false });

describe('Metrics', () => {
  it('times requests by method, route pattern and status, with unmatched URLs in one series', async () => {
    const metrics = fresh();
    metrics.observeRequest({ method: 'GET', route: '/api/v1/articles/:slug', statusCode: 200, durationMs: 3 });
    metrics.observeRequest({ method: 'GET', route: null, statusCode: 404, durationMs: 1 });
    const text = await metrics.render();
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/articles/:slug",status="200"} 1',
    );
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1');
  });

  it('counts response-cache hits and misses per route, and nothing for routes without the cache', async () => {
    const metrics = fresh();
    const at = (cache?: string) =>
      metrics.observeRequest({ method: 'GET', route: '/api/v1/hours', statusCode: 200, durationMs: 1, cache });
    at('MISS');
    at('HIT');
    at('HIT');
    at(undefined);
    const text = await metrics.render();
    expect(text).toContain('response_cache_requests_total{route="/api/v1/hours",result="hit"} 2');
    expect(text).toContain('response_cache_requests_total{route="/api/v1/hours",result="miss"} 1');
  });

  it('counts rate-limit refusals per policy and query deadlines', async () => {
    const metrics = fresh();
    metrics.rateLimitRejected('login');
    metrics.rateLimitRejected('login');
    metrics.queryDeadlineExceeded();
    const text = await metrics.render();
    expect(text).toContain('rate_limit_rejections_total{policy="login"} 2');
    expect(text).toContain('db_query_deadline_exceeded_total 1');
  });

  it('computes gauges on each scrape, and counts a scrape at which a source failed', async () => {
    const metrics = fresh();
    let pending = 3;
    metrics.gauge('outbox_deliveries', 'help', ['status'], () => [{ labels: { status: 'pending' }, value: pending }]);
    metrics.gauge('broken_gauge', 'help', [], () => Promise.reject(new Error('database down')));
    expect(await metrics.render()).toContain('outbox_deliveries{status="pending"} 3');
    pending = 5;
    const text = await metrics.render();
    expect(text).toContain('outbox_deliveries{status="pending"} 5');
    expect(text).toContain('metrics_collect_failures_total{gauge="broken_gauge"} 2');
  });

  it("includes Node's process metrics unless told not to", async () => {
    expect(await new Metrics().render()).toMatch(/process_resident_memory_bytes \d+/);
    expect(await fresh().render()).not.toContain('process_resident_memory_bytes');
  });
});
