import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DateTime } from 'luxon';
import { PollingLoop } from '../common/outbox/polling-loop.js';
import { Clock } from '../common/clock/clock.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import { Metrics } from '../common/metrics/metrics.js';
import { AppConfig } from '../config/app-config.js';
import { NOTIFICATION_KINDS, type NotificationKind, UsersRepository } from '../users/index.js';
import { nextAttemptAt, type RandomSource } from '../common/outbox/backoff.js';
import { loadMailTemplates, type MailTemplates, renderMail, requesterTime, staffTime } from './mail-content.js';
import { MailHealth } from './mail-health.js';
import type { MailMessage } from './mail-message.entity.js';
import { type MailOutcome, MailOutboxRepository } from './mail-outbox.repository.js';
import { recipientContext, secretParamContext } from './mail-outbox.service.js';
import { MailTransport, smtpFailure, type SmtpFailure } from './mail-transport.js';
import type { TemplateValues } from './template.js';

/** The jitter of retry delays (`Math.random` in production). */
export const MAIL_RANDOM = Symbol('MAIL_RANDOM');
/** The SMTP transport, or null when email is off. */
export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

/** Messages claimed per run. */
export const MAIL_BATCH_SIZE = 20;
/** How long a claim, and each renewal before a recipient, holds a message: well above one send's SMTP timeouts. */
export const MAIL_LEASE_MS = 5 * 60_000;

export interface MailDispatchResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

type Outcome = 'sent' | 'retried' | 'failed' | 'lost';

interface Delivery {
  to: string;
  /** The staff member it goes to; null for a message to one address. */
  userId: string | null;
}

/**
 * Sends the mail outbox: claims due messages (`FOR UPDATE SKIP LOCKED` plus a lease, like the webhook dispatcher),
 * finds a staff notice's recipients (active staff whose preferences say yes), renders the templates and sends each
 * email over SMTP outside any transaction, then records the outcome: sent, retried later with backoff, or failed
 * once the retry window (NOTIFY_RETRY_HOURS) is over. A message's encrypted address is erased once it is sent or
 * failed. Runs every NOTIFY_DISPATCH_INTERVAL_MS (0: only when called). Never logs an address or a body.
 */
@Injectable()
export class MailDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private readonly templates: MailTemplates = loadMailTemplates();
  private readonly loop: PollingLoop<MailDispatchResult>;

  constructor(
    private readonly messages: MailOutboxRepository,
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly cipher: DataCipher,
    private readonly health: MailHealth,
    private readonly metrics: Metrics,
    @Inject(MAIL_RANDOM) private readonly random: RandomSource,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport | null,
  ) {
    this.loop = new PollingLoop({
      // Without a transport (email off) nothing runs in the background.
      intervalMs: transport ? config.notifications.dispatchIntervalMs : 0,
      run: () => this.dispatch(),
      backlog: (run) => run.claimed === MAIL_BATCH_SIZE,
      failed: (error) => this.logger.warn(`Mail dispatch failed (${smtpFailure(error).label}); trying again later`),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.transport) return;
    this.metrics.gauge('mail_outbox_messages', 'Emails waiting and failed for good.', ['status'], async () => {
      const { pending, failed } = await this.messages.backlog(this.clock.now());
      return [
        { labels: { status: 'pending' }, value: pending },
        { labels: { status: 'failed' }, value: failed },
      ];
    });
    // Messages left pending by the previous run of the process go out right away.
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    this.transport?.close();
  }

  /** Asks the background loop for a run soon (after committing a transaction that wrote messages). */
  poke(): void {
    this.loop.poke();
  }

  /** One pass: claim what is due, send it, record the outcomes. */
  runOnce(): Promise<MailDispatchResult> {
    return this.loop.runOnce();
  }

  private async dispatch(): Promise<MailDispatchResult> {
    const result: MailDispatchResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
    const transport = this.transport;
    if (!transport || this.loop.isStopped) return result;
    const now = this.clock.now();
    const claimed = await this.messages.claimDue(now, new Date(now.getTime() + MAIL_LEASE_MS), MAIL_BATCH_SIZE);
    result.claimed = claimed.length;
    // One message after the other: the pool's two connections carry each message's recipients.
    for (const message of claimed) {
      const outcome = await this.attempt(message, transport);
      if (outcome !== 'lost') result[outcome] += 1;
    }
    this.health.recordBacklog((await this.messages.backlog(this.clock.now())).oldestDueSeconds);
    return result;
  }

  private async attempt(message: MailMessage, transport: MailTransport): Promise<Outcome> {
    const { id, kind, attempts } = message;
    let deliveries: Delivery[];
    try {
      deliveries = await this.deliveriesOf(message);
    } catch (error) {
      if (error instanceof UndecryptableMail) return this.giveUp(message, 'recipient could not be decrypted');
      // The lease runs out and the message is tried again.
      this.logger.warn(`Mail ${id} (${kind}): finding its recipients failed (${smtpFailure(error).label})`);
      return 'lost';
    }
    const now = this.clock.now();
    let content: ReturnType<typeof renderMail>;
    try {
      content = renderMail(this.templates, kind, this.values(message, now));
    } catch {
      // An encrypted part (a reset token) under a key this instance no longer has: it will never render. Failed on
      // its own, logged without content, and the batch goes on.
      return this.giveUp(message, 'content could not be decrypted');
    }
    const headers = this.headers(message);
    const sentTo = [...message.sentTo];
    let sent = 0;
    let refused: SmtpFailure | undefined;
    let failure: SmtpFailure | undefined;
    for (const delivery of deliveries) {
      if (this.loop.isStopped) {
        failure = { label: 'interrupted by shutdown', permanent: false };
        break;
      }
      // The batch's messages wait their turn under one lease from the claim, and a notice may go to many staff: before
      // each send the attempt renews its lease (which then outlasts the send) only if it still holds the message, and
      // records whom it has reached, so neither another instance nor a retry after a crash sends anyone a second copy.
      if (!(await this.holdLease(message, sentTo))) return 'lost';
      try {
        await transport.send({ to: delivery.to, ...content, headers });
        sent += 1;
        this.health.recordSend(undefined);
        if (delivery.userId) sentTo.push(delivery.userId);
      } catch (error) {
        const f = smtpFailure(error);
        if (!f.permanent) {
          // The server is away or refusing for now: the rest waits for the next attempt.
          this.health.recordSend(f.label);
          failure = f;
          break;
        }
        // This recipient will never take it: not retried. The server answered, so sending works (a mistyped address
        // is no reason for /health to report email degraded).
        this.health.recordSend(undefined);
        refused = f;
        if (delivery.userId) sentTo.push(delivery.userId);
      }
    }
    const personal = message.audience === null;
    let outcome: Exclude<Outcome, 'lost'>;
    let changes: MailOutcome;
    let next: Date | null = null;
    if (failure) {
      next = nextAttemptAt(now, attempts, message.giveUpAt, this.random);
      outcome = next ? 'retried' : 'failed';
      changes = next
        ? { nextAttemptAt: next, sentTo, lastError: failure.label }
        : ended(message, { status: 'failed', sentTo, lastError: failure.label });
    } else if (personal && refused) {
      outcome = 'failed';
      changes = ended(message, { status: 'failed', sentTo, lastError: refused.label });
    } else {
      outcome = 'sent';
      changes = ended(message, { status: 'sent', sentAt: now, sentTo, lastError: refused?.label ?? null });
    }
    let recorded: boolean;
    try {
      recorded = await this.messages.recordOutcome(id, attempts, changes);
    } catch (error) {
      this.logger.warn(`Mail ${id} (${kind}): recording the outcome failed (${smtpFailure(error).label})`);
      return 'lost';
    }
    if (!recorded) {
      this.logger.warn(`Mail ${id} (${kind}): attempt ${attempts} outlived its lease`);
      return 'lost';
    }
    const count = `${sent} ${sent === 1 ? 'recipient' : 'recipients'}`;
    if (outcome === 'sent') {
      // Not for account mail: whether a reset went to 0 or 1 recipients would tell whether the address has an account.
      if (!ACCOUNT_MAIL.has(kind)) this.logger.log(`Mail ${id} (${kind}): sent to ${count} on attempt ${attempts}`);
    } else if (next) {
      this.logger.warn(
        `Mail ${id} (${kind}): attempt ${attempts} failed (${failure!.label}) after ${count}; next attempt at ${next.toISOString()}`,
      );
    } else {
      this.logger.error(
        `Mail ${id} (${kind}): failed for good after ${attempts} attempts (${changes.lastError}); sent to ${count}`,
      );
    }
    return outcome;
  }

  /** A message that can never be sent (its encrypted parts do not decrypt): failed for good, its secrets cleared. */
  private async giveUp(message: MailMessage, reason: string): Promise<Outcome> {
    const { id, kind, attempts } = message;
    try {
      const changes = ended(message, { status: 'failed', sentTo: message.sentTo, lastError: reason });
      if (!(await this.messages.recordOutcome(id, attempts, changes))) return 'lost';
    } catch (error) {
      this.logger.warn(`Mail ${id} (${kind}): recording the outcome failed (${smtpFailure(error).label})`);
      return 'lost';
    }
    this.logger.error(`Mail ${id} (${kind}): failed for good (${reason})`);
    return 'failed';
  }

  /** Renews the attempt's lease and records its progress; false (logged) when it must stop sending. */
  private async holdLease(message: MailMessage, sentTo: readonly string[]): Promise<boolean> {
    const { id, kind, attempts } = message;
    try {
      const lease = new Date(this.clock.now().getTime() + MAIL_LEASE_MS);
      if (await this.messages.holdLease(id, attempts, lease, sentTo)) return true;
      this.logger.warn(`Mail ${id} (${kind}): attempt ${attempts} no longer holds the message; sending no more`);
    } catch (error) {
      // The lease runs out and the recipients not yet recorded get it on the next attempt.
      this.logger.warn(`Mail ${id} (${kind}): renewing the lease failed (${smtpFailure(error).label})`);
    }
    return false;
  }

  /** Who gets it now: a staff notice's recipients that it has not reached yet, or the message's one address. */
  private async deliveriesOf(message: MailMessage): Promise<Delivery[]> {
    const audience = message.audience?.startsWith('staff:') ? message.audience.slice('staff:'.length) : undefined;
    if (audience !== undefined) {
      if (!(NOTIFICATION_KINDS as readonly string[]).includes(audience)) return [];
      const recipients = await this.users.notificationRecipients(audience as NotificationKind);
      return recipients.filter((r) => !message.sentTo.includes(r.id)).map((r) => ({ to: r.email, userId: r.id }));
    }
    if (message.recipientCipher === null) return [];
    let to: string;
    try {
      to = this.cipher.decrypt(message.recipientCipher, recipientContext(message.id));
    } catch {
      throw new UndecryptableMail();
    }
    return [{ to, userId: null }];
  }

  /** What the template shows; the reply time as of now, in the schedule's zone. */
  private values(message: MailMessage, now: Date): TemplateValues {
    const p = message.params;
    const staffApp = this.config.mail.staffAppUrl;
    const link = (path: string) => (staffApp ? `${staffApp}/${path}` : null);
    const settingsLink = link('settings/notifications');
    const param = (name: string): string => p[name] ?? '';
    switch (message.kind) {
      case 'contact_request.created':
      case 'contact_request.reply_overdue':
        return {
          reference: param('reference'),
          channel: param('channel'),
          replyBy: staffTime(new Date(param('expectedReplyBy')), now, param('timeZone')),
          link: message.entityId ? link(`contact-requests/${encodeURIComponent(message.entityId)}`) : null,
          settingsLink,
        };
      case 'webhook_endpoint.disabled':
        return {
          endpoint: p.description || param('endpointId'),
          endpointId: param('endpointId'),
          disabledAt: DateTime.fromISO(param('disabledAt'), { zone: 'UTC' }).toFormat("yyyy-LL-dd HH:mm 'UTC'"),
          link: link(`webhook-endpoints/${encodeURIComponent(param('endpointId'))}`),
          settingsLink,
        };
      case 'api_keys.creator_deleted':
        return {
          count: param('count'),
          keys: param('keys'),
          userId: param('userId'),
          deletedAt: DateTime.fromISO(param('deletedAt'), { zone: 'UTC' }).toFormat("yyyy-LL-dd HH:mm 'UTC'"),
          link: link('api-keys'),
          settingsLink,
        };
      case 'contact_request.confirmation':
        return {
          reference: param('reference'),
          replyBy: requesterTime(new Date(param('expectedReplyBy')), param('timeZone')),
          crisisNotice: this.config.contactRequests.crisisNotice,
        };
      case 'user.password_reset': {
        const token = p.secret ? this.cipher.decrypt(p.secret, secretParamContext(message.id)) : '';
        const page = this.config.auth.passwordResetUrl ?? '';
        return {
          link: `${page}${page.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`,
          expiresAt: DateTime.fromISO(param('expiresAt'), { zone: 'UTC' }).toFormat("yyyy-LL-dd HH:mm 'UTC'"),
        };
      }
    }
  }

  /** Automatic mail (RFC 3834); staff notices say where to switch them off (RFC 2369). */
  private headers(message: MailMessage): Record<string, string> {
    const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
    if (message.audience !== null) {
      const staffApp = this.config.mail.staffAppUrl;
      headers['List-Unsubscribe'] = staffApp
        ? `<${staffApp}/settings/notifications>`
        : `<mailto:${fromAddress(this.config.mail.from ?? '')}?subject=unsubscribe>`;
    }
    return headers;
  }
}

/** Mail about one account: its sending is not logged, which would tell whether an address has an account. */
const ACCOUNT_MAIL: ReadonlySet<string> = new Set(['user.password_reset']);

/** A message's encrypted recipient does not decrypt (a key dropped too soon): it can never be sent. */
class UndecryptableMail extends Error {}

/**
 * The outcome that ends a message (sent, or failed for good): with it go its encrypted recipient and, when it has one,
 * its encrypted secret parameter (a reset token).
 */
function ended(message: MailMessage, outcome: MailOutcome): MailOutcome {
  if (!('secret' in message.params)) return { ...outcome, recipientCipher: null };
  const { secret: _secret, ...params } = message.params;
  return { ...outcome, recipientCipher: null, params };
}

/** `Well Clinic <noreply@clinic.example>` → `noreply@clinic.example` */
export function fromAddress(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}
