import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppException } from '../common/errors/app-exception.js';
import { AppConfig } from '../config/app-config.js';
import { HoursService } from '../hours/index.js';
import { MailDispatcher, StaffMail } from '../mail/index.js';
import { markingSweep, type SweepOutcome, Sweeps } from '../maintenance/index.js';
import { CONTACT_REQUEST_REPLY_OVERDUE, eventOf, Outbox, WebhookDispatcher } from '../notifications/index.js';
import { CONTACT_CHANNELS, type ContactChannel } from './contact-request.entity.js';
import { ContactRequestsRepository, type OverdueRequest } from './contact-requests.repository.js';

/** Requests announced per run; more wait for the next one, seconds later. */
const OVERDUE_BATCH = 200;

/** The event of a request still `new` past its promised reply time: its reference and channel, nothing personal. */
export function replyOverdueEvent(request: OverdueRequest) {
  const fields = {
    contactRequestId: request.id,
    reference: request.reference,
    channel: request.channel,
    createdAt: request.createdAt.toISOString(),
    expectedReplyBy: request.expectedReplyBy.toISOString(),
  };
  return eventOf(CONTACT_REQUEST_REPLY_OVERDUE, request.id, fields, { occurredAt: request.expectedReplyBy });
}

/**
 * Announces requests still `new` after their `expectedReplyBy`: the `contact_request.reply_overdue` event and the
 * staff's "reply overdue" email, every NOTIFY_DISPATCH_INTERVAL_MS (0: only when `runOnce` is called) on one instance
 * at a time, each request once (marked `overdueAnnouncedAt` in the transaction that enqueues them).
 */
@Injectable()
export class ReplyOverdue implements OnApplicationBootstrap {
  readonly sweep = markingSweep('reply-overdue', {
    prepare: (now) => this.replyZones(now),
    due: (manager, now) => this.requests.dueOverdue(now, OVERDUE_BATCH, manager),
    each: (manager, request, zones) => this.announce(manager, request, zones[request.channel]),
    mark: (manager, ids, now) => this.requests.markOverdueAnnounced(ids, now, manager),
  });

  constructor(
    private readonly requests: ContactRequestsRepository,
    private readonly outbox: Outbox,
    private readonly dispatcher: WebhookDispatcher,
    private readonly staffMail: StaffMail,
    private readonly mailDispatcher: MailDispatcher,
    private readonly hours: HoursService,
    private readonly config: AppConfig,
    private readonly sweeps: Sweeps,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeps.schedule(this.sweep, () => {
      this.dispatcher.poke();
      this.mailDispatcher.poke();
    });
  }

  /** One run now: how many requests it announced, or that another instance is running it. */
  runOnce(): Promise<SweepOutcome> {
    return this.sweeps.run(this.sweep);
  }

  private async announce(manager: EntityManager, request: OverdueRequest, timeZone: string): Promise<void> {
    await this.outbox.enqueue(manager, replyOverdueEvent(request));
    await this.staffMail.enqueue(manager, this.staffMail.replyOverdueRows({ ...request, timeZone }));
  }

  /** The zones reply times are promised in, by channel: its operating-hours schedule's, UTC without one. */
  private async replyZones(now: Date): Promise<Record<ContactChannel, string>> {
    const zoneOf = async (channel: ContactChannel): Promise<[ContactChannel, string]> => {
      try {
        const key = this.config.contactRequests.scheduleByChannel[channel];
        return [channel, (await this.hours.status(key, now)).schedule.timeZone];
      } catch (error) {
        if (error instanceof AppException && error.code === 'not_found') return [channel, 'UTC'];
        throw error;
      }
    };
    return Object.fromEntries(await Promise.all(CONTACT_CHANNELS.map(zoneOf))) as Record<ContactChannel, string>;
  }
}
