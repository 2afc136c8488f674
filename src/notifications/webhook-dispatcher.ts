import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { AppConfig } from '../config/app-config.js';
import { nextAttemptAt, type RandomSource } from './backoff.js';
import { OutboxDelivery } from './outbox-delivery.entity.js';
import { signWebhook } from './webhook-signature.js';
import { webhookOrigin } from './webhook-url.js';

/** The jitter of retry delays (`Math.random` in production). */
export const WEBHOOK_RANDOM = Symbol('WEBHOOK_RANDOM');

/** Deliveries claimed per run; they are sent concurrently. */
export const DISPATCH_BATCH_SIZE = 20;
/** How long a claim holds a delivery: well above the request timeout, so only a crashed dispatcher loses it. */
export const LEASE_MS = 60_000;
export const REQUEST_TIMEOUT_MS = 10_000;
/** Pokes within this window (a burst of new events) share one run. */
const POKE_DEBOUNCE_MS = 100;
const USER_AGENT = 'WellClinic-Webhooks/1.0';
/** What `lastError` says when shutdown interrupted an attempt; that attempt is retried at once, without backoff. */
export const INTERRUPTED = 'interrupted by shutdown';

export interface DispatchResult {
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
}

type Outcome = 'delivered' | 'retried' | 'failed' | 'lost';

interface AttemptResult {
  status: number | null;
  error: string | null;
}

/**
 * Delivers the outbox: claims due deliveries (`FOR UPDATE SKIP LOCKED` plus a lease, so several instances never
 * send the same one together and a crashed instance's claims come back when the lease ends), POSTs each one
 * signed, outside any transaction, and records the outcome: delivered, retried later with backoff, or failed once
 * its retry window is over. Runs in the background every NOTIFY_DISPATCH_INTERVAL_MS (0: only when called).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private readonly shutdown = new AbortController();
  private readonly runs = new Set<Promise<DispatchResult>>();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private looping = false;
  private pokedDuringRun = false;
  private warnedNoSecret = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(WEBHOOK_RANDOM) private readonly random: RandomSource,
  ) {}

  onApplicationBootstrap(): void {
    // Deliveries left pending by the previous run of the process go out right away.
    if (this.config.notifications.dispatchIntervalMs > 0) this.schedule(0);
  }

  /** Stops the loop, interrupts requests in flight and waits until their outcome is recorded. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.shutdown.abort();
    await Promise.allSettled([...this.runs]);
  }

  /**
   * Asks the background loop for a run soon (call it after committing a transaction that enqueued events).
   * Without the loop (NOTIFY_DISPATCH_INTERVAL_MS=0) it does nothing.
   */
  poke(): void {
    if (this.config.notifications.dispatchIntervalMs === 0 || this.stopped) return;
    if (this.looping) {
      this.pokedDuringRun = true;
      return;
    }
    this.schedule(POKE_DEBOUNCE_MS);
  }

  /** One pass: claim what is due, send it, record the outcomes. */
  runOnce(): Promise<DispatchResult> {
    const run = this.dispatch();
    this.runs.add(run);
    const forget = () => this.runs.delete(run);
    run.then(forget, forget);
    return run;
  }

  private async dispatch(): Promise<DispatchResult> {
    const result: DispatchResult = { claimed: 0, delivered: 0, retried: 0, failed: 0 };
    const secret = this.config.notifications.webhookSecret;
    if (this.stopped) return result;
    if (!secret) {
      // Nothing is ever sent unsigned; the deliveries wait for a secret (configuration requires one with URLs).
      // Configuration requires a secret with URLs; deliveries left from an earlier configuration are worth a word.
      if (!this.warnedNoSecret) {
        this.warnedNoSecret = true;
        const waiting = await this.dataSource.getRepository(OutboxDelivery).countBy({ status: 'pending' });
        if (waiting > 0) {
          this.logger.warn(`NOTIFY_WEBHOOK_SECRET is not set: ${waiting} pending webhook deliveries are not sent`);
        }
      }
      return result;
    }
    const claimed = await this.claim();
    result.claimed = claimed.length;
    const outcomes = await Promise.all(claimed.map((delivery) => this.attempt(delivery, secret)));
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
    const lockedUntil = new Date(now.getTime() + LEASE_MS);
    return this.dataSource.transaction(async (manager) => {
      const due = await manager
        .createQueryBuilder(OutboxDelivery, 'd')
        .where('d.status = :pending', { pending: 'pending' })
        .andWhere('d.nextAttemptAt <= :now', { now })
        .andWhere('(d.lockedUntil IS NULL OR d.lockedUntil <= :now)', { now })
        .orderBy('d.nextAttemptAt', 'ASC')
        .addOrderBy('d.id', 'ASC')
        .limit(DISPATCH_BATCH_SIZE)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (due.length === 0) return [];
      await manager
        .createQueryBuilder()
        .update(OutboxDelivery)
        .set({ attempts: () => 'attempts + 1', lockedUntil, lastAttemptAt: now })
        .whereInIds(due.map((d) => d.id))
        .execute();
      return due.map((d) => Object.assign(d, { attempts: d.attempts + 1, lockedUntil, lastAttemptAt: now }));
    });
  }

  private async attempt(delivery: OutboxDelivery, secret: string): Promise<Outcome> {
    const result = await this.post(delivery, secret);
    try {
      return await this.record(delivery, result);
    } catch (error) {
      // The lease runs out and the delivery is tried again.
      this.logger.warn(`Webhook delivery ${delivery.id}: recording the outcome failed (${errorLabel(error)})`);
      return 'lost';
    }
  }

  /** Never throws. Neither the response body nor the full URL is read into any record or log. */
  private async post(delivery: OutboxDelivery, secret: string): Promise<AttemptResult> {
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        body,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': USER_AGENT,
          'X-Delivery-Id': delivery.id,
          'X-Signature': signWebhook(secret, timestamp, body),
          'X-Signature-Timestamp': String(timestamp),
        },
        // A redirect is a failure: the body is signed for this receiver only.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), this.shutdown.signal]),
      });
      await response.body?.cancel();
      const ok = response.status >= 200 && response.status < 300;
      return { status: response.status, error: ok ? null : `HTTP ${response.status}` };
    } catch (error) {
      return { status: null, error: this.shutdown.signal.aborted ? INTERRUPTED : errorLabel(error) };
    }
  }

  private async record(delivery: OutboxDelivery, result: AttemptResult): Promise<Outcome> {
    const now = this.clock.now();
    const { id, event, attempts } = delivery;
    const to = webhookOrigin(delivery.url);
    let outcome: Outcome;
    let changes: Partial<Pick<OutboxDelivery, 'status' | 'deliveredAt' | 'nextAttemptAt'>>;
    let next: Date | null = null;
    if (result.error === null) {
      outcome = 'delivered';
      changes = { status: 'delivered', deliveredAt: now };
    } else {
      next = result.error === INTERRUPTED ? now : nextAttemptAt(now, attempts, delivery.giveUpAt, this.random);
      outcome = next ? 'retried' : 'failed';
      changes = next ? { nextAttemptAt: next } : { status: 'failed' };
    }
    const updated = await this.dataSource
      .createQueryBuilder()
      .update(OutboxDelivery)
      .set({ ...changes, lockedUntil: null, lastStatus: result.status, lastError: result.error })
      .where('id = :id AND attempts = :attempts AND status = :pending', { id, attempts, pending: 'pending' })
      .execute();
    if (updated.affected === 0) {
      this.logger.warn(`Webhook delivery ${id} (${event}) to ${to}: attempt ${attempts} outlived its lease`);
      return 'lost';
    }
    if (outcome === 'delivered') {
      this.logger.log(
        `Webhook delivery ${id} (${event}) to ${to}: delivered on attempt ${attempts} (HTTP ${result.status})`,
      );
    } else if (next) {
      this.logger.warn(
        `Webhook delivery ${id} (${event}) to ${to}: attempt ${attempts} failed (${result.error}); next attempt at ${next.toISOString()}`,
      );
    } else {
      this.logger.error(
        `Webhook delivery ${id} (${event}) to ${to}: failed for good after ${attempts} attempts (${result.error})`,
      );
    }
    return outcome;
  }

  /** Arms the loop's timer unless it already fires sooner. */
  private schedule(delayMs: number): void {
    const dueAt = performance.now() + delayMs;
    if (this.stopped || (this.timer && this.timerDueAt <= dueAt)) return;
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // The loop alone never keeps the process alive.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    this.looping = true;
    this.pokedDuringRun = false;
    let backlog = false;
    try {
      backlog = (await this.runOnce()).claimed === DISPATCH_BATCH_SIZE;
    } catch (error) {
      this.logger.warn(`Webhook dispatch failed (${errorLabel(error)}); trying again later`);
    } finally {
      this.looping = false;
    }
    this.schedule(backlog || this.pokedDuringRun ? 0 : this.config.notifications.dispatchIntervalMs);
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
