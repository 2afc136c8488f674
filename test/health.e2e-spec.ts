import { FixturesModule } from './fixtures/fixtures.module.js';
import { expectProblem } from './utils/expect-problem.js';
import { TcpProxy } from './utils/tcp-proxy.js';
import { createTestApp, e2eDatabaseUrl, type TestApp } from './utils/test-app.js';

describe('health and database outages', () => {
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    // A TCP port or, for the embedded database, a Unix socket.
    proxy = await TcpProxy.for(e2eDatabaseUrl());
    t = await createTestApp({
      env: { DATABASE_URL: proxy.route(e2eDatabaseUrl()), DB_RETRY_AFTER_SECONDS: '7', DB_CONNECT_TIMEOUT_MS: '1000' },
      imports: [FixturesModule],
    });
  });

  afterAll(async () => {
    await t.close();
    await proxy.close();
  });

  it('reports ready while the database answers', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toMatch(/no-store/);
    expect(res.body).toEqual({
      status: 'ok',
      info: { database: { status: 'up', responseTime: expect.any(Number) }, mail: { status: 'off' } },
      error: {},
      details: { database: { status: 'up', responseTime: expect.any(Number) }, mail: { status: 'off' } },
    });
  });

  it('answers liveness without touching the database', async () => {
    const res = await t.http().get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses unknown query parameters on both probes, as on every route (400, documented)', async () => {
    for (const path of ['/health', '/health/live']) {
      const res = await t.http().get(path).query({ verbose: 'true' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'verbose' }] });
    }
  });

  it('turns a database outage into 503 problem+json with Retry-After, and recovers by itself', async () => {
    expect((await t.http().get('/api/v1/fixtures/db')).body).toEqual({ one: 1 });

    proxy.cut();

    const health = await t.http().get('/health');
    expect(health.headers['retry-after']).toBe('7');
    expectProblem(
      health,
      { code: 'service_unavailable', detail: 'A dependency of the service is not available.', instance: '/health' },
      { checks: { database: { status: 'down' } } },
    );

    const query = await t.http().get('/api/v1/fixtures/db');
    expect(query.headers['retry-after']).toBe('7');
    expectProblem(query, {
      code: 'database_unavailable',
      detail: 'The database is not reachable right now. Retry shortly.',
      instance: '/api/v1/fixtures/db',
    });
    expect(t.logs.json().find((line) => line.msg === 'Database unavailable; answered 503')).toMatchObject({
      level: 'warn',
      reqId: query.body.requestId,
    });

    const live = await t.http().get('/health/live');
    expect(live.status).toBe(200);

    proxy.restore();

    const recovered = await t.http().get('/api/v1/fixtures/db');
    expect(recovered.status).toBe(200);
    expect(recovered.body).toEqual({ one: 1 });
    const ready = await t.http().get('/health');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
  });
});
