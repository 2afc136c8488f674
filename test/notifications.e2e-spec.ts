import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock/clock.js';
import { jest } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { Outbox } from '../src/notifications/outbox.service.js';
import { OutboxDelivery } from '../src/notifications/outbox-delivery.entity.js';
import { OutboxRepository } from '../src/notifications/outbox.repository.js';
import { WebhookEndpoint } from '../src/notifications/webhook-endpoint.entity.js';
import { endpointSecretOfLegacy } from '../src/notifications/webhook-signing.js';
import {
  DISPATCH_BATCH_SIZE,
  INTERRUPTED,
  LEASE_MS,
  SEND_CONCURRENCY,
  WebhookDispatcher,
} from '../src/notifications/webhook-dispatcher.service.js';
import { verifyWebhookSignature } from '../src/notifications/webhook-signature.js';
import { E2E_EMBEDDED, createScratchDatabase } from './setup/test-database.js';
import { createStaff, type StaffMember } from './factories/index.js';
import { expectInvalid, expectPage, expectProblem, pageMeta as meta } from './utils/expect-problem.js';
import { createTestApp, logs, type TestApp } from './utils/test-app.js';
import { until } from './utils/until.js';
import { type Received, Receiver, refusedUrl } from './utils/webhook-receiver.js';

const BASE = '/api/v1/admin/notifications';
const SECRET = 'test-webhook-secret-0123456789abcdef';
const EVENT = 'contact_request.created';
/** Receivers may put a credential in the URL: it must never reach a log line or the admin listing. */
const URL_TOKEN = 'hook-token-5f3a9c1e77';
const SECOND = 1000;
const HOUR = 3_600_000;
const START = '2026-11-03T09:00:00.000Z';

// ---------------------------------------------------------------------------------------------------------
// Helpers

type Payload = {
  event: string;
  id: string;
  reference: string;
  channel: string;
  createdAt: string;
};

function payloadFor(entityId = randomUUID()): Payload {
  const reference = `WC-${randomUUID().slice(0, 6).toUpperCase()}`;
  return { event: EVENT, id: entityId, reference, channel: 'text', createdAt: '2026-01-02T03:04:05.678Z' };
}

/**
 * Announces in a transaction of its own, as a feature does, and fans the event out as the dispatcher's run starts
 * by doing; returns the deliveries written, by URL order (one per endpoint made from NOTIFY_WEBHOOK_URLS).
 */
async function enqueue(t: TestApp, payload = payloadFor()): Promise<{ payload: Payload; rows: OutboxDelivery[] }> {
  const dataSource = t.app.get(DataSource);
  await dataSource.transaction((m) => t.app.get(Outbox).enqueue(m, { event: EVENT, entityId: payload.id, payload }));
  const urls = t.config.notifications.webhookUrls;
  // Another run fanning out at the same time may hold this event until it commits.
  let rows: OutboxDelivery[] = [];
  await until(async () => {
    await t.app.get(OutboxRepository).fanOut(100);
    rows = await dataSource.getRepository(OutboxDelivery).findBy({ entityId: payload.id });
    return rows.length === urls.length;
  });
  return { payload, rows: rows.sort((a, b) => urls.indexOf(a.url) - urls.indexOf(b.url)) };
}

const row = (t: TestApp, id: string) => t.app.get(DataSource).getRepository(OutboxDelivery).findOneByOrFail({ id });
const runOnce = (t: TestApp) => t.app.get(WebhookDispatcher).runOnce();
const none = { fannedOut: 0, claimed: 0, delivered: 0, retried: 0, failed: 0 };

/**
 * jsonb keeps object keys ordered by length, then bytewise: the body is that serialization, byte for byte
 * what was signed.
 */
const bodyOf = (p: Payload) =>
  JSON.stringify({ id: p.id, event: p.event, channel: p.channel, createdAt: p.createdAt, reference: p.reference });

/** Asserts one signed delivery request as a receiver sees it. */
function expectSignedDelivery(req: Received, delivery: OutboxDelivery, payload: Payload, at: Date): void {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  expect(req.method).toBe('POST');
  expect(req.body).toBe(bodyOf(payload));
  expect(JSON.parse(req.body)).toEqual(payload);
  expect(req.headers).toMatchObject({
    'content-type': 'application/json',
    'user-agent': 'WellClinic-Webhooks/1.0',
    'x-delivery-id': delivery.id,
    'x-signature-timestamp': timestamp,
    'x-signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
  });
  const webhook = { signature: req.headers['x-signature'] as string, timestamp, body: req.body };
  expect(verifyWebhookSignature(SECRET, webhook, { nowSeconds: Number(timestamp) })).toBe(true);
  expect(verifyWebhookSignature('another-secret-0123456789', webhook, { nowSeconds: Number(timestamp) })).toBe(false);
  // The same delivery per Standard Webhooks, verified with NOTIFY_WEBHOOK_SECRET as a `whsec_` secret.
  expect(req.headers).toMatchObject({ 'webhook-id': delivery.id, 'webhook-timestamp': timestamp });
  const now = jest.spyOn(Date, 'now').mockReturnValue(at.getTime());
  try {
    expect(new Webhook(endpointSecretOfLegacy(SECRET)).verify(req.body, req.headers as Record<string, string>)).toEqual(
      payload,
    );
  } finally {
    now.mockRestore();
  }
}

/**
 * The admin listing's view of a delivery row: the row's identity as stored, and the outcome the test
 * expects written out literally (not derived from the row, so a wrong mapping cannot agree with itself).
 */
function listed(d: OutboxDelivery, url: string, outcome: Record<string, unknown>): Record<string, unknown> {
  return {
    id: d.id,
    endpointId: d.endpointId,
    event: d.event,
    entityId: d.entityId,
    url,
    lastAttemptAt: d.lastAttemptAt!.toISOString(),
    lastDurationMs: d.lastDurationMs,
    giveUpAt: d.giveUpAt.toISOString(),
    createdAt: d.createdAt.toISOString(),
    payload: d.payload,
    ...outcome,
  };
}

const appEnv = (urls: string[], extra: Record<string, string> = {}) => ({
  NOTIFY_WEBHOOK_URLS: urls.join(','),
  NOTIFY_WEBHOOK_SECRET: SECRET,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  ...extra,
});

// ---------------------------------------------------------------------------------------------------------

describe('webhook delivery', () => {
  const receiver = new Receiver();
  const clock = new ManualClock(new Date(START));
  let app: TestApp | undefined;
  const t = () => app!;
  let hookUrl: string;
  let listedUrl: string;

  beforeAll(async () => {
    await receiver.start();
    listedUrl = `${receiver.origin}/hooks/primary`;
    hookUrl = `${listedUrl}?token=${URL_TOKEN}`;
    app = await createTestApp({ env: appEnv([hookUrl]), clock, isolatedDatabase: true });
  });
  afterAll(async () => {
    await app?.close();
    await receiver.stop();
  });
  beforeEach(() => {
    receiver.reset();
    logs.lines.length = 0;
  });

  it('delivers the event once, signed over timestamp and body, and records it', async () => {
    const { payload, rows } = await enqueue(t());
    expect(rows).toHaveLength(1);
    const [delivery] = rows;
    const sentAt = clock.now();

    expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 1, retried: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0].path).toBe(`/hooks/primary?token=${URL_TOKEN}`);
    expectSignedDelivery(receiver.requests[0], delivery, payload, sentAt);

    expect(await row(t(), delivery.id)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatus: 200,
      lastError: null,
      lastAttemptAt: sentAt,
      deliveredAt: sentAt,
      lockedUntil: null,
    });
    // Delivered is final.
    clock.advance(HOUR);
    expect(await runOnce(t())).toEqual(none);
    expect(receiver.requests).toHaveLength(1);
  });

  it('reuses its connection to a receiver for the next deliveries, and drops one whose answer is too long', async () => {
    const opened = receiver.connections;
    for (let i = 0; i < 3; i++) {
      await enqueue(t());
      expect(await runOnce(t())).toMatchObject({ claimed: 1, delivered: 1 });
    }
    expect(receiver.requests).toHaveLength(3);
    // One connection at most (none when an earlier test's is still open): not one per delivery.
    expect(receiver.connections - opened).toBeLessThanOrEqual(1);

    // A receiver that answers with more than the 64 KiB read and dropped loses its connection; the next delivery
    // connects again and is delivered.
    receiver.padding = 200_000;
    await enqueue(t());
    expect(await runOnce(t())).toMatchObject({ delivered: 1 });
    const afterLongAnswer = receiver.connections;
    receiver.padding = 0;
    await enqueue(t());
    expect(await runOnce(t())).toMatchObject({ delivered: 1 });
    expect(receiver.connections).toBe(afterLongAnswer + 1);
  });

  it('retries a failed attempt after a backoff delay, with the same delivery id, and then delivers', async () => {
    receiver.answer(500);
    const { payload, rows } = await enqueue(t());
    const [delivery] = rows;
    const firstAt = clock.now();

    expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 0, retried: 1, failed: 0 });
    const retrying = await row(t(), delivery.id);
    expect(retrying).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: 500,
      lastError: 'HTTP 500',
      lastAttemptAt: firstAt,
      lockedUntil: null,
      deliveredAt: null,
    });
    // The first retry comes 1 to 30 s later (full jitter below a 30 s ceiling).
    const delay = retrying.nextAttemptAt.getTime() - firstAt.getTime();
    expect(delay).toBeGreaterThanOrEqual(SECOND);
    expect(delay).toBeLessThanOrEqual(30 * SECOND);

    // Not due yet: nothing happens.
    expect(await runOnce(t())).toEqual(none);
    clock.set(new Date(retrying.nextAttemptAt.getTime() - 1));
    expect(await runOnce(t())).toEqual(none);
    expect(receiver.requests).toHaveLength(1);

    clock.set(retrying.nextAttemptAt);
    expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 1, retried: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(2);
    expectSignedDelivery(receiver.requests[0], delivery, payload, firstAt);
    expectSignedDelivery(receiver.requests[1], delivery, payload, retrying.nextAttemptAt);
    expect(await row(t(), delivery.id)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatus: 200,
      lastError: null,
      deliveredAt: retrying.nextAttemptAt,
    });
  });

  it('treats redirects as failures and never follows them', async () => {
    receiver.answer(302);
    const { rows } = await enqueue(t());
    expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 0, retried: 1, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
    expect(await row(t(), rows[0].id)).toMatchObject({ status: 'pending', lastStatus: 302, lastError: 'HTTP 302' });
    clock.set((await row(t(), rows[0].id)).nextAttemptAt);
    expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 1, retried: 0, failed: 0 });
  });

  it('keeps retrying with growing delays until the retry window ends, then marks the delivery failed', async () => {
    receiver.fallback = 503;
    const { rows } = await enqueue(t());
    const [delivery] = rows;
    expect(delivery.giveUpAt).toEqual(new Date(clock.now().getTime() + 24 * HOUR));

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 0, retried: 1, failed: 0 });
      const current = await row(t(), delivery.id);
      expect(current).toMatchObject({ status: 'pending', attempts: attempt, lastStatus: 503, lastError: 'HTTP 503' });
      const delay = current.nextAttemptAt.getTime() - clock.now().getTime();
      // Below a ceiling of 30 s × 2^(attempt-1).
      expect(delay).toBeGreaterThanOrEqual(SECOND);
      expect(delay).toBeLessThanOrEqual(30 * SECOND * 2 ** (attempt - 1));
      delays.push(delay);
      clock.set(current.nextAttemptAt);
    }
    expect(receiver.requests.map((r) => r.headers['x-delivery-id'])).toEqual(Array(6).fill(delivery.id));

    // A retry is never scheduled past giveUpAt: the last attempt happens exactly then.
    clock.set(new Date(delivery.giveUpAt.getTime() - 10 * SECOND));
    expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 0, retried: 1, failed: 0 });
    expect((await row(t(), delivery.id)).nextAttemptAt).toEqual(delivery.giveUpAt);

    clock.set(delivery.giveUpAt);
    expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 0, retried: 0, failed: 1 });
    expect(await row(t(), delivery.id)).toMatchObject({
      status: 'failed',
      attempts: 8,
      lastStatus: 503,
      lastError: 'HTTP 503',
      lastAttemptAt: delivery.giveUpAt,
      deliveredAt: null,
      lockedUntil: null,
    });
    // Failed is final.
    clock.advance(48 * HOUR);
    expect(await runOnce(t())).toEqual(none);
    expect(receiver.requests).toHaveLength(8);
  });

  it('respects the lease of a dispatcher that crashed mid-attempt, and takes over when it expires', async () => {
    const { payload, rows } = await enqueue(t());
    const [delivery] = rows;
    const crashedAt = clock.now();
    // What a claim leaves behind when its process dies before recording the outcome.
    await t()
      .app.get(DataSource)
      .getRepository(OutboxDelivery)
      .update(delivery.id, {
        attempts: 1,
        lastAttemptAt: crashedAt,
        lockedUntil: new Date(crashedAt.getTime() + LEASE_MS),
      });

    expect(await runOnce(t())).toEqual(none);
    clock.advance(LEASE_MS - 1);
    expect(await runOnce(t())).toEqual(none);
    expect(receiver.requests).toHaveLength(0);

    clock.advance(1);
    expect(await runOnce(t())).toEqual({ fannedOut: 0, claimed: 1, delivered: 1, retried: 0, failed: 0 });
    expectSignedDelivery(receiver.requests[0], delivery, payload, clock.now());
    expect(await row(t(), delivery.id)).toMatchObject({ status: 'delivered', attempts: 2, lockedUntil: null });
  });

  it('never sends a delivery twice when two runs overlap', async () => {
    const enqueued = await Promise.all([1, 2, 3, 4, 5].map(() => enqueue(t())));
    const ids = enqueued.map((e) => e.rows[0].id).sort();

    const results = await Promise.all([runOnce(t()), runOnce(t()), runOnce(t())]);
    expect(results.reduce((sum, r) => sum + r.claimed, 0)).toBe(5);
    expect(results.reduce((sum, r) => sum + r.delivered, 0)).toBe(5);
    expect(receiver.requests.map((r) => r.headers['x-delivery-id']).sort()).toEqual(ids);
  });

  it('logs ids, event names, status codes and attempts, never payload values or the URL beyond its origin', async () => {
    receiver.answer(500, 200);
    const { payload, rows } = await enqueue(t());
    await runOnce(t());
    clock.set((await row(t(), rows[0].id)).nextAttemptAt);
    await runOnce(t());

    const lines = logs.json().filter((l) => l.context === 'Notifications');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        expect.stringMatching(
          new RegExp(
            `^Webhook delivery ${rows[0].id} \\(${EVENT}\\) to ${receiver.origin}: attempt 1 failed \\(HTTP 500\\); next attempt at \\S+Z$`,
          ),
        ),
      ],
      ['info', `Webhook delivery ${rows[0].id} (${EVENT}) to ${receiver.origin}: delivered on attempt 2 (HTTP 200)`],
    ]);
    for (const secret of [payload.reference, payload.id, payload.createdAt, URL_TOKEN, '/hooks/primary', SECRET]) {
      expect(logs.text).not.toContain(secret);
    }
  });

  describe('GET /api/v1/admin/notifications', () => {
    let admin: StaffMember;
    let delivered: OutboxDelivery;
    let failed: OutboxDelivery;
    let pending: OutboxDelivery;
    let expected: Record<'pending' | 'failed' | 'delivered', Record<string, unknown>>;

    beforeAll(async () => {
      admin = await createStaff(t(), 'admin');
      await t().app.get(DataSource).getRepository(OutboxDelivery).clear();

      clock.advance(HOUR);
      receiver.answer(200);
      const ok = await enqueue(t());
      await runOnce(t());
      const deliveredAt = clock.now().toISOString();

      clock.advance(HOUR);
      const bad = await enqueue(t());
      await t().app.get(DataSource).getRepository(OutboxDelivery).update(bad.rows[0].id, { giveUpAt: clock.now() });
      receiver.answer(410);
      await runOnce(t());

      clock.advance(HOUR);
      const waiting = await enqueue(t());
      receiver.answer(502);
      await runOnce(t());

      [delivered, failed, pending] = await Promise.all([ok, bad, waiting].map((e) => row(t(), e.rows[0].id)));
      expect([delivered.status, failed.status, pending.status]).toEqual(['delivered', 'failed', 'pending']);
      // The pending row's next attempt is the worker's jittered backoff, whose value the retry tests above check.
      expected = {
        pending: listed(pending, listedUrl, {
          status: 'pending',
          attempts: 1,
          lastStatus: 502,
          lastError: 'HTTP 502',
          nextAttemptAt: pending.nextAttemptAt.toISOString(),
          deliveredAt: null,
        }),
        failed: listed(failed, listedUrl, {
          status: 'failed',
          attempts: 1,
          lastStatus: 410,
          lastError: 'HTTP 410',
          nextAttemptAt: null,
          deliveredAt: null,
        }),
        delivered: listed(delivered, listedUrl, {
          status: 'delivered',
          attempts: 1,
          lastStatus: 200,
          lastError: null,
          nextAttemptAt: null,
          deliveredAt,
        }),
      };
    });

    const list = (query = '') => t().http().get(`${BASE}${query}`).set(admin.auth);

    it('lists every delivery, newest first, with outcome and no URL credentials', async () => {
      const res = await list();
      expectPage(res, [expected.pending, expected.failed, expected.delivered], meta(3));
      expect(res.text).not.toContain(URL_TOKEN);
      expect(Object.keys(res.body.data[0]).sort()).toEqual(
        [
          'attempts',
          'createdAt',
          'deliveredAt',
          'endpointId',
          'entityId',
          'event',
          'giveUpAt',
          'id',
          'lastAttemptAt',
          'lastDurationMs',
          'lastError',
          'lastStatus',
          'nextAttemptAt',
          'payload',
          'status',
          'url',
        ].sort(),
      );
    });

    it('filters by status, event and entity, and pages', async () => {
      expectPage(await list('?status=failed'), [expected.failed], meta(1));
      expectPage(await list('?status=delivered'), [expected.delivered], meta(1));
      expectPage(await list(`?event=${EVENT}&status=pending`), [expected.pending], meta(1));
      expectPage(await list('?event=article.published'), [], meta(0));
      expectPage(await list(`?entityId=${failed.entityId}`), [expected.failed], meta(1));
      expectPage(await list('?pageSize=2&page=2'), [expected.delivered], meta(3, 2, 2));
      expectPage(await list(`?event=${encodeURIComponent("x' OR '1'='1")}`), [], meta(0));
    });

    it.each([
      ['status=lost', 'status', 'status must be one of: pending, delivered, failed'],
      ['pageSize=0', 'pageSize', 'pageSize must not be less than 1'],
      ['pageSize=101', 'pageSize', 'pageSize must not be greater than 100'],
      ['page=x', 'page', 'page must be an integer number'],
      ['entityId=42', 'entityId', 'entityId must be a UUID'],
      ['event=', 'event', 'event must be longer than or equal to 1 characters'],
      [`event=${'e'.repeat(101)}`, 'event', 'event must be shorter than or equal to 100 characters'],
      ['url=http://x', 'url', 'property url should not exist'],
    ])('400 for ?%s', async (query, field, message) => {
      expectInvalid(await list(`?${query}`), BASE, [{ field, message }]);
    });

    it('401 without a valid token', async () => {
      const detail = 'A valid bearer token is required.';
      expectProblem(await t().http().get(BASE), { code: 'unauthorized', detail, instance: BASE });
      expectProblem(await t().http().get(BASE).set('Authorization', 'Bearer nope'), {
        code: 'unauthorized',
        detail,
        instance: BASE,
      });
    });

    it.each(['editor', 'frontdesk'] as const)('403 for %s', async (role) => {
      const staff = await createStaff(t(), role);
      expectProblem(await t().http().get(BASE).set(staff.auth), {
        code: 'forbidden',
        detail: 'This requires one of the roles: admin.',
        instance: BASE,
      });
    });
  });
});

describe('webhook delivery to several receivers', () => {
  const receiver = new Receiver();
  const clock = new ManualClock(new Date(START));
  let down: string;
  let up: string;
  let running: TestApp | undefined;
  const app = () => running!;

  beforeAll(async () => {
    await receiver.start();
    down = await refusedUrl();
    up = `${receiver.origin}/hooks/up`;
    running = await createTestApp({ env: appEnv([down, up]), clock, isolatedDatabase: true });
  });
  afterAll(async () => {
    await running?.close();
    await receiver.stop();
  });

  it('writes one delivery per URL; a receiver that is down fails with its error code without holding up the others', async () => {
    const { payload, rows } = await enqueue(app());
    expect(rows.map((r) => r.url)).toEqual([down, up]);

    expect(await runOnce(app())).toEqual({ fannedOut: 0, claimed: 2, delivered: 1, retried: 1, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
    expectSignedDelivery(receiver.requests[0], rows[1], payload, clock.now());
    expect(await row(app(), rows[0].id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: null,
      lastError: 'ECONNREFUSED',
    });
    expect(await row(app(), rows[1].id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
  });
});

describe('webhook delivery across restarts (apps one after another on one database)', () => {
  const receiver = new Receiver();
  const clock = new ManualClock(new Date(START));
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let url: string;
  const boot = (extra: Record<string, string> = {}) =>
    createTestApp({ env: { ...appEnv([url], extra), DATABASE_URL: scratch.url }, clock });

  beforeAll(async () => {
    await receiver.start();
    url = `${receiver.origin}/hooks/restart`;
    scratch = await createScratchDatabase({ migrated: true });
  });
  afterAll(async () => {
    await receiver.stop();
    await scratch?.drop();
  });
  beforeEach(() => receiver.reset());

  it('delivers after a restart what failed before it', async () => {
    receiver.answer(500);
    const first = await boot();
    let enqueued!: Awaited<ReturnType<typeof enqueue>>;
    let retryAt!: Date;
    try {
      enqueued = await enqueue(first);
      expect(await runOnce(first)).toEqual({ fannedOut: 0, claimed: 1, delivered: 0, retried: 1, failed: 0 });
      retryAt = (await row(first, enqueued.rows[0].id)).nextAttemptAt;
    } finally {
      await first.close();
    }

    const second = await boot();
    try {
      expect(await runOnce(second)).toEqual(none);
      clock.set(retryAt);
      expect(await runOnce(second)).toEqual({ fannedOut: 0, claimed: 1, delivered: 1, retried: 0, failed: 0 });
      expect(receiver.requests).toHaveLength(2);
      expectSignedDelivery(receiver.requests[1], enqueued.rows[0], enqueued.payload, retryAt);
      expect(await row(second, enqueued.rows[0].id)).toMatchObject({
        status: 'delivered',
        attempts: 2,
        lastStatus: 200,
        deliveredAt: retryAt,
      });
    } finally {
      await second.close();
    }
  });

  it('runs in the background, and a shutdown interrupts the attempt in flight, which the next start retries', async () => {
    const loop = await boot({ NOTIFY_DISPATCH_INTERVAL_MS: '20' });
    let held!: Awaited<ReturnType<typeof enqueue>>;
    let closeMs: number;
    try {
      // The loop picks up a new event by itself.
      const sent = await enqueue(loop);
      loop.app.get(WebhookDispatcher).poke();
      await receiver.received(1);
      expectSignedDelivery(receiver.requests[0], sent.rows[0], sent.payload, clock.now());
      await until(async () => (await row(loop, sent.rows[0].id)).status === 'delivered', { timeoutMs: 10_000 });

      // The receiver holds the next request open; the app shuts down meanwhile.
      receiver.answer('hang');
      held = await enqueue(loop);
      loop.app.get(WebhookDispatcher).poke();
      await receiver.received(2);
    } finally {
      const started = performance.now();
      await loop.close();
      closeMs = performance.now() - started;
    }
    // Well before the 10 s request timeout: the request was aborted, not waited for.
    expect(closeMs).toBeLessThan(5000);

    // The loop is gone: nothing more was sent after the shutdown.
    expect(receiver.requests).toHaveLength(2);

    const next = await boot();
    try {
      expect(await row(next, held.rows[0].id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatus: null,
        lastError: INTERRUPTED,
        lockedUntil: null,
        nextAttemptAt: clock.now(),
      });
      expect(await runOnce(next)).toEqual({ fannedOut: 0, claimed: 1, delivered: 1, retried: 0, failed: 0 });
      expectSignedDelivery(receiver.requests[2], held.rows[0], held.payload, clock.now());
    } finally {
      await next.close();
    }
  });
});

/** Two instances on one Postgres: SKIP LOCKED only means something with real concurrent sessions. */
const twoInstances = 'webhook delivery with two app instances on one database';
const describeOnPostgres =
  process.env[E2E_EMBEDDED] === 'true'
    ? (name: string, body: () => void) =>
        describe.skip(`${name} [skipped: the embedded database serves one session]`, body)
    : describe;

describeOnPostgres(twoInstances, () => {
  const receiver = new Receiver();
  const clock = new ManualClock(new Date(START));
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let apps: TestApp[] = [];

  beforeAll(async () => {
    await receiver.start();
    scratch = await createScratchDatabase();
    const env = { ...appEnv([`${receiver.origin}/hooks/pair`]), DATABASE_URL: scratch.url };
    // One after the other: the first one migrates.
    apps = [await createTestApp({ env, clock })];
    apps.push(await createTestApp({ env, clock }));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await receiver.stop();
    await scratch?.drop();
  });

  it('never delivers a row twice while both dispatch at once', async () => {
    // More than one run claims: the second claims what the first left, while the first's attempts are in flight.
    const count = DISPATCH_BATCH_SIZE + SEND_CONCURRENCY;
    const enqueued = await Promise.all(Array.from({ length: count }, (_, i) => enqueue(apps[i % 2])));
    const ids = enqueued.map((e) => e.rows[0].id).sort();
    // The receiver holds the requests until two runs' worth are in flight: every claim happens meanwhile.
    receiver.fallback = 'hang';
    const held = receiver.received(2 * SEND_CONCURRENCY);
    const runs = [...apps, ...apps].map((app) => runOnce(app));
    await held.catch(() => undefined);
    receiver.fallback = 200;
    receiver.release(200);

    const results = await Promise.all(runs);
    expect(results.reduce((sum, r) => sum + r.claimed, 0)).toBe(count);
    expect(results.reduce((sum, r) => sum + r.delivered, 0)).toBe(count);
    expect(results.filter((r) => r.claimed > 0).length).toBeGreaterThan(1);
    expect(receiver.requests.map((r) => r.headers['x-delivery-id']).sort()).toEqual(ids);
  });
});

describe('NOTIFY_WEBHOOK_URLS as managed endpoints', () => {
  const clock = new ManualClock(new Date(START));
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const url = 'http://127.0.0.1:9/hooks/legacy';
  const gone = 'http://127.0.0.1:9/hooks/removed';
  const env = () => ({ ...appEnv([url]), DATABASE_URL: scratch.url });
  const endpoints = (t: TestApp) => t.app.get(DataSource).getRepository(WebhookEndpoint).find();

  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('makes one endpoint per URL, for what it received before, once across restarts; earlier deliveries move to it', async () => {
    let endpointId: string;
    let legacyIds: string[];
    const first = await createTestApp({ env: env(), clock });
    try {
      const admin = await createStaff(first, 'admin');
      const res = await first.http().get('/api/v1/admin/webhook-endpoints').set(admin.auth);
      expectPage(
        res,
        [
          {
            id: expect.any(String),
            url,
            description: 'From NOTIFY_WEBHOOK_URLS',
            events: [EVENT],
            active: true,
            source: 'environment',
            failingSince: null,
            disabledAt: null,
            previousSecretExpiresAt: null,
            createdAt: expect.any(String),
            updatedAt: expect.any(String),
          },
        ],
        meta(1),
      );
      endpointId = (res.body as { data: { id: string }[] }).data[0].id;
      // Deliveries as the outbox wrote them before endpoints existed: a URL still configured, and one removed since.
      const repository = first.app.get(DataSource).getRepository(OutboxDelivery);
      const legacy = (to: string) =>
        repository.save({
          event: EVENT,
          entityId: randomUUID(),
          payload: {},
          url: to,
          endpointId: null,
          status: 'pending' as const,
          nextAttemptAt: clock.now(),
          giveUpAt: new Date(clock.now().getTime() + HOUR),
          createdAt: clock.now(),
        });
      legacyIds = [(await legacy(url)).id, (await legacy(gone)).id];
    } finally {
      await first.close();
    }

    const second = await createTestApp({ env: env(), clock });
    try {
      expect((await endpoints(second)).map((e) => e.id)).toEqual([endpointId]);
      const [kept, orphan] = await Promise.all(legacyIds.map((id) => row(second, id)));
      expect(kept).toMatchObject({ endpointId, status: 'pending' });
      expect(orphan).toMatchObject({ endpointId: null, status: 'failed', lastError: 'no endpoint for this URL' });
      const created = await second.app
        .get(DataSource)
        .query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'webhook_endpoint.created' AND entity_id = $1`,
          [endpointId],
        );
      expect(created[0].n).toBe(1);
    } finally {
      await second.close();
    }
  });
});

describe('NOTIFY_WEBHOOK_URLS checked as endpoints are', () => {
  it('warns, naming the entry and never the URL, of one refused when connecting; other events do not reach them', async () => {
    const refused = `https://localhost/hooks/b?token=${URL_TOKEN}`;
    logs.lines.length = 0;
    const t = await createTestApp({
      env: { ...appEnv(['https://93.184.215.14/hooks/a', refused]), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' },
      isolatedDatabase: true,
    });
    try {
      const warnings = logs.json().filter((l) => l.context === 'Notifications' && l.level === 'warn');
      expect(warnings.map((l) => l.msg)).toEqual([
        'NOTIFY_WEBHOOK_URLS: entry 2: url must not point to a loopback, private, link-local or other internal ' +
          'address (loopback); its deliveries will be refused when connecting',
      ]);
      expect(logs.text).not.toContain(URL_TOKEN);
      expect(logs.text).not.toContain('/hooks/b');
      // Made all the same, subscribed to what they were sent before endpoints existed.
      const made = await t.app
        .get(DataSource)
        .getRepository(WebhookEndpoint)
        .find({ order: { url: 'ASC' } });
      expect(made.map((e) => [e.url, e.events, e.active])).toEqual([
        ['https://93.184.215.14/hooks/a', [EVENT], true],
        [refused, [EVENT], true],
      ]);
      const announce = (event: string) =>
        t.app
          .get(DataSource)
          .transaction((m) => t.app.get(Outbox).enqueue(m, { event, entityId: randomUUID(), payload: { event } }));
      await announce('article.published');
      await announce(EVENT);
      expect(await t.app.get(OutboxRepository).fanOut(10)).toEqual({ events: 2, deliveries: 2 });
    } finally {
      await t.close();
    }
  });
});

describeOnPostgres('NOTIFY_WEBHOOK_URLS with instances starting together', () => {
  it('makes each endpoint once', async () => {
    const scratch = await createScratchDatabase();
    const env = {
      ...appEnv(['http://127.0.0.1:9/hooks/a', 'http://127.0.0.1:9/hooks/b']),
      DATABASE_URL: scratch.url,
    };
    const clock = new ManualClock(new Date(START));
    // The first one migrates; the next three start together.
    const apps = [await createTestApp({ env, clock })];
    try {
      apps.push(...(await Promise.all([1, 2, 3].map(() => createTestApp({ env, clock })))));
      const rows = await apps[0].app
        .get(DataSource)
        .getRepository(WebhookEndpoint)
        .find({ order: { url: 'ASC' } });
      expect(rows.map((e) => [e.url, e.source])).toEqual([
        ['http://127.0.0.1:9/hooks/a', 'environment'],
        ['http://127.0.0.1:9/hooks/b', 'environment'],
      ]);
    } finally {
      for (const app of apps) await app.close();
      await scratch.drop();
    }
  });
});
