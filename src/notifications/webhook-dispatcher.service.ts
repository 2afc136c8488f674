import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuditLog, SYSTEM_CONTEXT } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import { Metrics } from '../common/metrics/metrics.js';
import { mapLimited } from '../common/outbox/map-limited.js';
import { PollingLoop } from '../common/outbox/polling-loop.js';
import { sendInTrace } from '../common/tracing/span-source.js';
import { AppConfig } from '../config/app-config.js';
import { nextAttemptAt, type RandomSource } from '../common/outbox/backoff.js';
import { WebhookEndpointDisabledListener } from './endpoint-disabled.js';
import type { OutboxDelivery } from './outbox-delivery.entity.js';
import { type DeliveryOutcome, OutboxRepository } from './outbox.repository.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { signWebhook } from './webhook-signature.js';
import { keyOf, signingSecrets, standardWebhookHeaders } from './webhook-signing.js';
import { WebhookTargets } from './webhook-targets.js';
import { webhookOrigin, webhookUrlWithoutSecrets } from './webhook-url.js';

/** The jitter of retry delays (`Math.random` in production). */
export const WEBHOOK_RANDOM = Symbol('WEBHOOK_RANDOM');

/**
 * Deliveries claimed per run: each run also fans out, claims and records once, so under a burst a larger batch means
 * fewer statements per delivery (`bench:contact`).
 */
export const DISPATCH_BATCH_SIZE = 50;
/**
 * Attempts of a run in flight at once: what a receiver gets from one instance at most. With REQUEST_TIMEOUT_MS, a
 * run of DISPATCH_BATCH_SIZE ends well within LEASE_MS even when every receiver times out.
 */
export const SEND_CONCURRENCY = 20;
/** Announced events fanned out per run. */
export const FAN_OUT_BATCH_SIZE = 200;
/** An endpoint whose every attempt has failed for this long is disabled. */
export const DISABLE_AFTER_MS = 3 * 24 * 60 * 60 * 1000;
/** How long a claim holds a delivery: well above the request timeout, so only a crashed dispatcher loses it. */
export const LEASE_MS = 60_000;
export const REQUEST_TIMEOUT_MS = 10_000;
const USER_AGENT = 'WellClinic-Webhooks/1.0';
/** What `lastError` says when shutdown interrupted an attempt; that attempt is retried at once, without backoff. */
export const INTERRUPTED = 'interrupted by shutdown';
/** What `lastError` says when the endpoint's secret cannot be decrypted (a data key missing from the configuration). */
export const SECRET_UNREADABLE = 'SECRET_UNREADABLE';
/**
 * Deliveries past their retry window are looked for at most this often (by the clock): windows are days long, and
 * the look-up walks the pending index, which every run would otherwise pay for.
 */
export const EXPIRY_CHECK_INTERVAL_MS = 60_000;
/** What `lastError` says of a delivery whose retry window ended before any attempt (its endpoint was inactive). */
export const NOT_SENT = 'NOT_SENT';

export interface DispatchResult {
  /** Announced events turned into deliveries in this run. */
  fannedOut: number;
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
}

type Outcome = 'delivered' | 'retried' | 'failed' | 'lost';

interface AttemptResult {
  status: number | null;
  error: string | null;
  durationMs: number | null;
  url: string;
}

/**
 * Delivers the outbox: fans announced events out into one delivery per subscribed active endpoint, claims due deliveries (`FOR UPDATE SKIP LOCKED` plus a lease, so several instances never
 * send the same one together and a crashed instance's claims come back when the lease ends), POSTs each one
 * signed (Standard Webhooks), outside any transaction, and records the outcome: delivered, retried later with
 * backoff, or failed once its retry window is over (an inactive endpoint's too, unsent). An endpoint whose attempts have all failed for DISABLE_AFTER_MS
 * is disabled. Runs in the background every NOTIFY_DISPATCH_INTERVAL_MS (0: only when called).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private readonly shutdown = new AbortController();
  private readonly loop: PollingLoop<DispatchResult>;
  private lastExpiryCheck: number | undefined;

  constructor(
    private readonly deliveries: OutboxRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly targets: WebhookTargets,
    private readonly cipher: DataCipher,
    private readonly audit: AuditLog,
    private readonly disabledListener: WebhookEndpointDisabledListener,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(WEBHOOK_RANDOM) private readonly random: RandomSource,
    private readonly metrics: Metrics,
  ) {
    this.loop = new PollingLoop({
      intervalMs: config.notifications.dispatchIntervalMs,
      run: () => this.dispatch(),
      backlog: (run) => run.claimed === DISPATCH_BATCH_SIZE || run.fannedOut === FAN_OUT_BATCH_SIZE,
      failed: (error) => this.logger.warn(`Webhook dispatch failed (${errorLabel(error)}); trying again later`),
    });
  }

  onApplicationBootstrap(): void {
    this.metrics.gauge('outbox_deliveries', 'Webhook deliveries waiting and failed for good.', ['status'], async () => {
      const { pending, failed } = await this.deliveries.backlog(this.clock.now());
      return [
        { labels: { status: 'pending' }, value: pending },
        { labels: { status: 'failed' }, value: failed },
      ];
    });
    this.metrics.gauge(
      'outbox_oldest_pending_age_seconds',
      'How long the oldest waiting delivery has waited.',
      [],
      async () => [{ value: (await this.deliveries.backlog(this.clock.now())).oldestPendingSeconds }],
    );
    // Deliveries left pending by the previous run of the process go out right away.
    this.loop.start();
  }

  /** Stops the loop, interrupts requests in flight and waits until their outcome is recorded. */
  async onModuleDestroy(): Promise<void> {
    await this.loop.stop(() => this.shutdown.abort());
  }

  /**
   * Asks the background loop for a run soon (call it after committing a transaction that enqueued events).
   * Without the loop (NOTIFY_DISPATCH_INTERVAL_MS=0) it does nothing.
   */
  poke(): void {
    this.loop.poke();
  }

  /** One pass: claim what is due, send it, record the outcomes. */
  runOnce(): Promise<DispatchResult> {
    return this.loop.runOnce();
  }

  private async dispatch(): Promise<DispatchResult> {
    const result: DispatchResult = { fannedOut: 0, claimed: 0, delivered: 0, retried: 0, failed: 0 };
    if (this.loop.isStopped) return result;
    const now = this.clock.now();
    const since = now.getTime() - (this.lastExpiryCheck ?? Number.NEGATIVE_INFINITY);
    // Also when the clock went back (set by hand, or by a test).
    if (since >= EXPIRY_CHECK_INTERVAL_MS || since < 0) {
      this.lastExpiryCheck = now.getTime();
      const expired = await this.deliveries.failExpired(now, NOT_SENT);
      if (expired > 0)
        this.logger.warn(`Webhook deliveries: ${expired} past their retry window without success failed`);
    }
    result.fannedOut = (await this.deliveries.fanOut(FAN_OUT_BATCH_SIZE)).events;
    const claimed = await this.claim();
    result.claimed = claimed.length;
    const endpoints = new Map(
      (await this.endpoints.findByIds([...new Set(claimed.map((d) => d.endpointId!))])).map((e) => [e.id, e]),
    );
    // Deleted since the claim (its deliveries went with it): nothing to send or record.
    const sendable = claimed.flatMap((delivery) => {
      const endpoint = endpoints.get(delivery.endpointId!);
      return endpoint ? [{ delivery, endpoint }] : [];
    });
    // Each endpoint's secrets decrypted once a run; undefined when they cannot be (a data key missing).
    const secrets = new Map<string, string[] | undefined>();
    for (const endpoint of endpoints.values()) {
      try {
        secrets.set(endpoint.id, signingSecrets(endpoint, this.cipher, now));
      } catch {
        secrets.set(endpoint.id, undefined);
      }
    }
    // Sent concurrently (SEND_CONCURRENCY at once); the outcomes are then written together (one statement), and each
    // endpoint's state once.
    const attempts = await mapLimited(sendable, SEND_CONCURRENCY, async ({ delivery, endpoint }) => ({
      delivery,
      endpoint,
      sent: await this.post(delivery, endpoint, secrets.get(endpoint.id)),
    }));
    const outcomes = await this.record(attempts);
    for (const outcome of outcomes) if (outcome !== 'lost') result[outcome] += 1;
    return result;
  }

  /**
   * A short transaction of its own: the embedded database has a single connection, which must never wait on an
   * HTTP request. Each claim increments `attempts`, which then fences the outcome's update: an attempt whose lease
   * ran out and was claimed again cannot overwrite the newer attempt's outcome.
   */
  private claim(): Promise<OutboxDelivery[]> {
    const now = this.clock.now();
    return this.deliveries.claimDue(now, new Date(now.getTime() + LEASE_MS), DISPATCH_BATCH_SIZE);
  }

  /** Never throws. Neither the response body nor the full URL is read into any record or log. */
  private async post(
    delivery: OutboxDelivery,
    endpoint: WebhookEndpoint,
    secrets: readonly string[] | undefined,
  ): Promise<AttemptResult> {
    const { url } = endpoint;
    if (secrets === undefined) return { status: null, error: SECRET_UNREADABLE, durationMs: null, url };
    const body = JSON.stringify(delivery.payload);
    const headers = this.headers(delivery, endpoint, secrets, body, this.clock.now());
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      // In the trace of the request that caused the event (with tracing on, as a client span of its own).
      const status = await sendInTrace(delivery.traceparent, (traceHeaders) =>
        this.targets.post({
          url,
          body,
          headers: { ...headers, ...traceHeaders },
          signal: AbortSignal.any([timeout, this.shutdown.signal]),
        }),
      );
      const ok = status >= 200 && status < 300;
      return { status, error: ok ? null : `HTTP ${status}`, durationMs: took(), url };
    } catch (error) {
      const label = this.shutdown.signal.aborted ? INTERRUPTED : timeout.aborted ? 'TimeoutError' : errorLabel(error);
      return { status: null, error: label, durationMs: took(), url };
    }
  }

  /**
   * Standard Webhooks headers (the delivery's id is the message id, the same on every attempt); endpoints made from
   * NOTIFY_WEBHOOK_URLS also get the first webhooks' `X-Signature` headers while their receivers move over.
   */
  private headers(
    delivery: OutboxDelivery,
    endpoint: WebhookEndpoint,
    secrets: readonly string[],
    body: string,
    at: Date,
  ): Record<string, string> {
    const timestamp = Math.floor(at.getTime() / 1000);
    return {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...standardWebhookHeaders(secrets, delivery.id, at, body),
      ...(endpoint.source === 'environment'
        ? {
            'X-Delivery-Id': delivery.id,
            'X-Signature': signWebhook(keyOf(secrets[0]), timestamp, body),
            'X-Signature-Timestamp': String(timestamp),
          }
        : {}),
    };
  }

  /**
   * Writes the outcomes of a run's attempts (one statement) and then each endpoint's state: an endpoint with a
   * successful attempt is no longer failing; one whose attempts all failed counts as failing (and may be disabled).
   * An attempt that outlived its lease writes nothing ('lost'); so does the whole run when the write fails (the
   * leases run out and the deliveries are tried again).
   */
  private async record(
    attempts: readonly { delivery: OutboxDelivery; endpoint: WebhookEndpoint; sent: AttemptResult }[],
  ): Promise<Outcome[]> {
    const now = this.clock.now();
    const planned = attempts.map(({ delivery, endpoint, sent }) => {
      let outcome: Exclude<Outcome, 'lost'>;
      let changes: Omit<DeliveryOutcome, 'lastStatus' | 'lastError' | 'lastDurationMs' | 'url'>;
      let next: Date | null = null;
      if (sent.error === null) {
        outcome = 'delivered';
        changes = { status: 'delivered', deliveredAt: now };
      } else {
        next = sent.error === INTERRUPTED ? now : nextAttemptAt(now, delivery.attempts, delivery.giveUpAt, this.random);
        outcome = next ? 'retried' : 'failed';
        changes = next ? { nextAttemptAt: next } : { status: 'failed' };
      }
      const write = {
        ...changes,
        id: delivery.id,
        attempts: delivery.attempts,
        lastStatus: sent.status,
        lastError: sent.error,
        lastDurationMs: sent.durationMs,
        url: sent.url,
      };
      return { delivery, endpoint, sent, outcome, next, write };
    });
    let recorded: Set<string>;
    try {
      recorded = await this.deliveries.recordOutcomes(planned.map((p) => p.write));
    } catch (error) {
      this.logger.warn(`Webhook deliveries: recording ${planned.length} outcomes failed (${errorLabel(error)})`);
      return planned.map(() => 'lost');
    }
    const succeeded = new Map<string, WebhookEndpoint>();
    const failed = new Map<string, { endpoint: WebhookEndpoint; url: string }>();
    const outcomes = planned.map(({ delivery, endpoint, sent, outcome, next }): Outcome => {
      const { id, event, attempts: attempt } = delivery;
      const to = webhookOrigin(sent.url);
      if (!recorded.has(id)) {
        this.logger.warn(`Webhook delivery ${id} (${event}) to ${to}: attempt ${attempt} outlived its lease`);
        return 'lost';
      }
      if (outcome === 'delivered') {
        this.logger.log(
          `Webhook delivery ${id} (${event}) to ${to}: delivered on attempt ${attempt} (HTTP ${sent.status})`,
        );
      } else if (next) {
        this.logger.warn(
          `Webhook delivery ${id} (${event}) to ${to}: attempt ${attempt} failed (${sent.error}); next attempt at ${next.toISOString()}`,
        );
      } else {
        this.logger.error(
          `Webhook delivery ${id} (${event}) to ${to}: failed for good after ${attempt} attempts (${sent.error})`,
        );
      }
      if (sent.error === null) succeeded.set(endpoint.id, endpoint);
      else if (sent.error !== INTERRUPTED) failed.set(endpoint.id, { endpoint, url: sent.url });
      return outcome;
    });
    try {
      // Only an endpoint counted as failing when this run read it has a state to clear.
      const recovered = [...succeeded.values()].filter((e) => e.failingSince !== null).map((e) => e.id);
      if (recovered.length > 0) await this.endpoints.markSucceeded(recovered);
      for (const [id, { endpoint, url }] of failed)
        if (!succeeded.has(id)) await this.endpointFailed(endpoint, url, now);
    } catch (error) {
      // The outcomes are recorded; the endpoints' state catches up with the next attempt.
      this.logger.warn(`Webhook endpoints: recording their state failed (${errorLabel(error)})`);
    }
    return outcomes;
  }

  /**
   * Counts a failed attempt against the endpoint; once every attempt has failed for DISABLE_AFTER_MS it is disabled
   * and audited in one transaction (one instance does it), in which the listener is told (admins emailed).
   */
  private async endpointFailed(endpoint: WebhookEndpoint, url: string, now: Date): Promise<void> {
    const disableBefore = new Date(now.getTime() - DISABLE_AFTER_MS);
    const disabled = await this.endpoints.transaction(async (manager) => {
      const failing = await this.endpoints.markFailed(endpoint.id, now, disableBefore, manager);
      if (failing) {
        await this.audit.record(manager, SYSTEM_CONTEXT, {
          action: 'webhook_endpoint.disabled',
          entityType: 'webhook_endpoint',
          entityId: endpoint.id,
          metadata: { reason: 'failing', failingSince: failing.failingSince.toISOString() },
        });
        await this.disabledListener.endpointDisabled(manager, {
          endpointId: endpoint.id,
          description: endpoint.description,
          url: webhookUrlWithoutSecrets(url),
          failingSince: failing.failingSince,
          disabledAt: now,
        });
      }
      return failing;
    });
    if (!disabled) return;
    this.logger.warn(
      `Webhook endpoint ${endpoint.id} (${webhookOrigin(url)}) disabled: every attempt failed since ${disabled.failingSince.toISOString()}`,
    );
  }
}

/** A network error code (`ECONNREFUSED`) or an error name (`TimeoutError`): never a message that might quote data. */
export function errorLabel(error: unknown): string {
  const candidates = [
    (error as { cause?: { code?: unknown } } | null)?.cause?.code,
    (error as { code?: unknown } | null)?.code,
    (error as { name?: unknown } | null)?.name,
  ];
  const label = candidates.find((c): c is string => typeof c === 'string' && /^[A-Za-z0-9_]{1,60}$/.test(c));
  return label ?? 'Error';
}
