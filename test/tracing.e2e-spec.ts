import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock/clock.js';
import { Outbox } from '../src/notifications/outbox.service.js';
import { WebhookDispatcher } from '../src/notifications/webhook-dispatcher.service.js';
import {
  CONTACT_REQUESTS,
  contactRequestBody,
  createArticle,
  createStaff,
  publishArticle,
  publishServices,
  type StaffMember,
} from './factories/index.js';
import { FixturesModule } from './fixtures/fixtures.module.js';
import { expectPage, ISO, pageMeta as meta, type ResponseLike, UUID } from './utils/expect-problem.js';
import { createTestApp, logs, type TestApp, withTestApp } from './utils/test-app.js';
import { Receiver } from './utils/webhook-receiver.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const SECRET = 'trace-webhook-secret-0123456789';

type LogLine = Record<string, unknown>;

/** The completion line of the request that got this response (its X-Request-Id is the line's reqId). */
function completionLine(res: ResponseLike): LogLine {
  const reqId = res.headers['x-request-id'];
  expect(reqId).toMatch(UUID);
  const lines = logs.json().filter((l) => l.msg === 'request completed' && l.reqId === reqId);
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('W3C trace context', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let admin: StaffMember;

  beforeAll(async () => {
    await receiver.start();
    // A database of its own: the dispatcher sends every due delivery in it, and only this suite's may be there.
    t = await createTestApp({
      isolatedDatabase: true,
      // Still time: the cached article stays cached however slow the machine.
      clock: new ManualClock(new Date('2026-11-23T17:00:00.000Z')),
      imports: [FixturesModule],
      env: {
        NOTIFY_WEBHOOK_URLS: `${receiver.origin}/hook`,
        NOTIFY_WEBHOOK_SECRET: SECRET,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        // Not about the submission limit: every test submits.
        RATE_LIMIT_SUBMISSION_LIMIT: '10000',
      },
    });
    admin = await createStaff(t, 'admin');
    await publishServices(t, admin);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });
  beforeEach(() => {
    logs.lines.length = 0;
    receiver.reset();
  });

  /**
   * Submits a contact request with these headers, sends its webhook and returns what each place recorded of it:
   * the completion log line, the webhook as received, and the audit events about the new request.
   */
  async function submitAndDeliver(headers: Record<string, string>) {
    const res = await t.http().post(CONTACT_REQUESTS).set(headers).send(contactRequestBody());
    expect(res.status).toBe(201);
    const line = completionLine(res);

    expect(await t.app.get(WebhookDispatcher).runOnce()).toEqual({
      fannedOut: 1,
      claimed: 1,
      delivered: 1,
      retried: 0,
      failed: 0,
    });
    expect(receiver.requests).toHaveLength(1);
    const [webhook] = receiver.requests;
    const { contactRequestId: id } = JSON.parse(webhook.body) as { contactRequestId: string };

    const audit = await t.http().get(`/api/v1/admin/audit-events?entityId=${id}`).set(admin.auth);
    const event = (traceId: string) => ({
      id: expect.stringMatching(UUID),
      occurredAt: expect.stringMatching(ISO),
      actorType: 'anonymous',
      actorId: null,
      action: 'contact_request.received',
      entityType: 'contact_request',
      entityId: id,
      requestId: res.headers['x-request-id'],
      clientRequestId: null,
      traceId,
      metadata: { channel: 'text', status: 'new' },
    });
    return { line, webhook, audit, event };
  }

  it("continues the caller's trace: the same trace id on the log line, the audit event and the webhook", async () => {
    const { line, webhook, audit, event } = await submitAndDeliver({ traceparent: TRACEPARENT });

    expect(line).toMatchObject({ statusCode: 201, traceId: TRACE_ID, spanId: expect.stringMatching(HEX16) });
    // A span of its own, child of the caller's: never the caller's span id.
    expect(line.spanId).not.toBe(PARENT_ID);
    expectPage(audit, [event(TRACE_ID)], meta(1));
    // The webhook joins the trace as a child of the request that caused it, sampled as the caller asked.
    expect(webhook.headers.traceparent).toBe(`00-${TRACE_ID}-${line.spanId as string}-01`);
  });

  it.each([
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['upper-case hex', TRACEPARENT.toUpperCase()],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with a field too many', `${TRACEPARENT}-01`],
    ['a truncated header', TRACEPARENT.slice(0, 54)],
    ['garbage', 'not a trace; DROP TABLE audit_events'],
  ])('ignores a traceparent with %s and starts a new trace, recorded alike everywhere', async (_label, header) => {
    const { line, webhook, audit, event } = await submitAndDeliver({ traceparent: header });

    expect(line).toMatchObject({ statusCode: 201, traceId: expect.stringMatching(HEX32) });
    const traceId = line.traceId as string;
    expect(traceId).not.toBe(TRACE_ID);
    expect(logs.text).not.toContain(header);
    expectPage(audit, [event(traceId)], meta(1));
    // A trace started here is not sampled: nothing records it.
    expect(webhook.headers.traceparent).toBe(`00-${traceId}-${line.spanId as string}-00`);
  });

  it('starts a new trace for a request without traceparent, a different one each time', async () => {
    const first = await submitAndDeliver({});
    const firstTrace = first.line.traceId as string;
    expect(firstTrace).toMatch(HEX32);
    expectPage(first.audit, [first.event(firstTrace)], meta(1));
    expect(first.webhook.headers.traceparent).toBe(`00-${firstTrace}-${first.line.spanId as string}-00`);

    logs.lines.length = 0;
    receiver.reset();
    const second = await submitAndDeliver({});
    expect(second.line.traceId).toMatch(HEX32);
    expect(second.line.traceId).not.toBe(firstTrace);
  });

  it('sends no traceparent with an event no request caused', async () => {
    const entityId = randomUUID();
    const payload = { event: 'contact_request.created', id: entityId };
    await t.app
      .get(DataSource)
      .transaction((m) => t.app.get(Outbox).enqueue(m, { event: 'contact_request.created', entityId, payload }));

    expect(await t.app.get(WebhookDispatcher).runOnce()).toEqual({
      fannedOut: 1,
      claimed: 1,
      delivered: 1,
      retried: 0,
      failed: 0,
    });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0].headers['x-delivery-id']).toMatch(UUID);
    expect(receiver.requests[0].headers).not.toHaveProperty('traceparent');
  });

  it('puts the trace id on the error line of a failed request, the same as on its completion line', async () => {
    const res = await t.http().get('/api/v1/fixtures/boom').set('traceparent', TRACEPARENT);
    expect(res.status).toBe(500);

    const error = logs.json().find((l) => l.msg === 'Unhandled error');
    expect(error).toMatchObject({ level: 'error', reqId: res.body.requestId, traceId: TRACE_ID });
    expect(completionLine(res)).toMatchObject({ statusCode: 500, traceId: TRACE_ID });
    // The trace travels in logs, never in the problem body.
    expect(res.text).not.toContain(TRACE_ID);
  });

  it("gives a response answered from the cache its own span in the caller's trace", async () => {
    const editor = await createStaff(t, 'editor');
    const draft = await createArticle(t, editor);
    const { slug } = await publishArticle(t, editor, draft.id);
    const url = `/api/v1/articles/${slug}`;
    const miss = await t.http().get(url);
    expect(miss.headers['x-cache']).toBe('MISS');

    const other = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`;
    const hit = await t.http().get(url).set('traceparent', other).set('If-None-Match', miss.headers.etag);
    expect(hit.status).toBe(304);
    expect(completionLine(hit)).toMatchObject({
      statusCode: 304,
      traceId: 'a'.repeat(32),
      spanId: expect.stringMatching(HEX16),
    });
    const unnamed = await t.http().get(url).set('If-None-Match', miss.headers.etag);
    expect(completionLine(unnamed)).toMatchObject({ statusCode: 304, traceId: expect.stringMatching(HEX32) });
    expect(completionLine(unnamed).traceId).not.toBe('a'.repeat(32));
  });

  it('lets browsers send traceparent (and tracestate) cross-origin', () =>
    withTestApp({ env: { CORS_ORIGINS: 'https://www.wellclinic.example' } }, async (cors) => {
      const preflight = await cors
        .http()
        .options('/api/v1/articles')
        .set('Origin', 'https://www.wellclinic.example')
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'traceparent,tracestate');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-headers']).toEqual(expect.stringMatching(/\btraceparent\b/));
      expect(preflight.headers['access-control-allow-headers']).toEqual(expect.stringMatching(/\btracestate\b/));
    }));
});
