import { ManualClock } from '../src/common/clock/clock.js';
import { MetricsExposure } from '../src/metrics/metrics.module.js';
import { CONTACT_REQUESTS, contactRequestBody, publishServices, submitContactRequest } from './factories/index.js';
import { expectProblem } from './utils/expect-problem.js';
import { useTestApp } from './utils/test-app.js';

const TOKEN = 'metrics-token-'.padEnd(40, 'x');
const START = new Date('2031-03-04T15:00:00Z');

/** The value of one sample line (`name{labels} value`), or undefined when the scrape has no such line. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics', () => {
  const clock = new ManualClock(START);
  const app = useTestApp({
    isolatedDatabase: true,
    clock,
    env: {
      METRICS_TOKEN: TOKEN,
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      DB_SEED_ON_START: 'true',
    },
  });
  const scrape = async (): Promise<string> => {
    const res = await app().http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('answers only the metrics token, with a problem otherwise', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`]) {
      const req = app().http().get('/metrics');
      const res = await (authorization ? req.set('Authorization', authorization) : req);
      expectProblem(res, {
        code: 'unauthorized',
        detail: 'Send the metrics token as a bearer token.',
        instance: '/metrics',
      });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    }
  });

  it('times requests per route and status, and counts response-cache hits and misses', async () => {
    for (let i = 0; i < 3; i++) await app().http().get('/api/v1/hours');
    await app().http().get('/api/v1/nowhere/at/all');
    const text = await scrape();
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/api/v1/hours",status="200"}')).toBe(
      3,
    );
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(sample(text, 'response_cache_requests_total{route="/api/v1/hours",result="miss"}')).toBe(1);
    expect(sample(text, 'response_cache_requests_total{route="/api/v1/hours",result="hit"}')).toBe(2);
  });

  it('reports the pool, the outbox and the contact requests past their promised reply', async () => {
    let text = await scrape();
    expect(sample(text, 'db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'db_pool_connections{state="waiting"}')).toBe(0);
    expect(sample(text, 'outbox_deliveries{status="pending"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    const overdue = sample(text, 'contact_requests_reply_overdue');
    // A request sent now is promised a reply later; a week on, it is overdue.
    await submitContactRequest(app(), contactRequestBody({ name: 'Overdue Olive' }));
    clock.set(new Date(START.getTime() + 7 * 24 * 3600_000));
    try {
      text = await scrape();
      expect(sample(text, 'contact_requests_reply_overdue')).toBeGreaterThan(overdue ?? 0);
    } finally {
      clock.set(START);
    }
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('db_query_deadline_exceeded_total 0');
  });

  it('serves the same text on a port of its own, and nothing else there', async () => {
    const port = app().app.get(MetricsExposure).port;
    expect(port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('http_request_duration_seconds_bucket');
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/hours`)).status).toBe(404);
  });
});

describe('Prometheus metrics of rate limits', () => {
  const app = useTestApp({ env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_SUBMISSION_LIMIT: '2' } });
  beforeAll(() => publishServices(app()));
  const scrape = async (): Promise<string> =>
    (await app().http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text;

  it('counts rate-limit refusals per policy', async () => {
    const submit = () => app().http().post(CONTACT_REQUESTS).send(contactRequestBody());
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await submit()).status);
    expect(statuses).toEqual([201, 201, 429]);
    expect(sample(await scrape(), 'rate_limit_rejections_total{policy="submission"}')).toBe(1);
  });
});

describe('Prometheus metrics, not configured', () => {
  const app = useTestApp();

  it('has no /metrics route without METRICS_TOKEN, and no port without METRICS_PORT', async () => {
    expect((await app().http().get('/metrics')).status).toBe(404);
    expect(app().app.get(MetricsExposure).port).toBeUndefined();
  });
});
