import { Injectable, Logger } from '@nestjs/common';
import { type AuditContext, AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import { AppException } from '../common/errors/app-exception.js';
import { sqlState } from '../common/errors/database-errors.js';
import { Idempotency, idempotencyClientOf, idempotencyKeyOf } from '../common/idempotency/idempotency.js';
import { AppConfig } from '../config/app-config.js';
import { HoursService } from '../hours/hours.service.js';
import { Outbox } from '../notifications/outbox.js';
import { WebhookDispatcher } from '../notifications/webhook-dispatcher.js';
import { newReference } from './contact-details.js';
import { contactDetailsOf, insertContactRequest } from './contact-request-records.js';
import type { ContactChannel } from './contact-request.entity.js';
import type { CreateContactRequestRequest } from './dto/contact-request.requests.js';
import type { ContactRequestReceiptResponse } from './dto/contact-request.responses.js';
import { expectedReplyBy, expectedReplyText } from './reply-time.js';

export const CONTACT_REQUEST_CREATED = 'contact_request.created';
const IDEMPOTENCY_SCOPE = 'contact-requests.create';
/** A reference clash (1 in ~729 million per pair) is retried with a new one. */
const REFERENCE_ATTEMPTS = 5;

/** Receiving requests: stored encrypted, announced through the outbox, answered with when to expect a reply. */
@Injectable()
export class ContactRequestsService {
  private readonly logger = new Logger(ContactRequestsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly cipher: DataCipher,
    private readonly idempotency: Idempotency,
    private readonly hours: HoursService,
    private readonly outbox: Outbox,
    private readonly dispatcher: WebhookDispatcher,
    private readonly audit: AuditService,
  ) {}

  /**
   * A filled honeypot gets the same kind of answer, but the request is stored as `spam` and nobody is notified.
   * Returns the receipt and whether it replays an earlier request with the same Idempotency-Key.
   */
  async submit(
    body: CreateContactRequestRequest,
    idempotency: { key: string | undefined; ip: string },
    ctx: AuditContext,
  ): Promise<{ receipt: ContactRequestReceiptResponse; replayed: boolean }> {
    const key = idempotencyKeyOf(idempotency.key);
    const client = idempotencyClientOf(ctx.actor, idempotency.ip);
    const details = contactDetailsOf(body, this.config.contactRequests.defaultRegion);
    const spam = typeof body.website === 'string' && body.website.trim() !== '';
    const now = this.clock.now();
    const reply = await this.replyBy(body.preferredChannel, now);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.idempotency.run<ContactRequestReceiptResponse>(
          IDEMPOTENCY_SCOPE,
          client,
          key,
          body,
          async (manager) => {
            const reference = newReference();
            const request = await insertContactRequest(manager, this.cipher, details, {
              reference,
              status: spam ? 'spam' : 'new',
              channel: body.preferredChannel,
              preferredTime: body.preferredTime ?? null,
              serviceInterest: body.serviceInterest ?? null,
              consentToText: body.consentToText ?? false,
              expectedReplyBy: reply.by,
              now,
            });
            if (!spam) {
              await this.outbox.enqueue(manager, {
                event: CONTACT_REQUEST_CREATED,
                entityId: request.id,
                payload: {
                  event: CONTACT_REQUEST_CREATED,
                  id: request.id,
                  reference,
                  channel: request.channel,
                  createdAt: now.toISOString(),
                },
              });
            }
            await this.audit.record(manager, ctx, {
              action: 'contact_request.received',
              entityType: 'contact_request',
              entityId: request.id,
              metadata: { channel: request.channel, status: request.status },
            });
            return {
              status: 201,
              body: {
                reference,
                status: 'received',
                expectedReplyBy: reply.by.toISOString(),
                expectedReplyText: reply.text,
                crisisNotice: this.config.contactRequests.crisisNotice,
              },
            };
          },
        );
        // Committed: announce it now rather than at the dispatcher's next round.
        if (!result.replayed && !spam) this.dispatcher.poke();
        return { receipt: result.body, replayed: result.replayed };
      } catch (error) {
        const clash = sqlState(error) === '23505' && /reference/.test(String((error as { detail?: string }).detail));
        if (!clash || attempt >= REFERENCE_ATTEMPTS) throw error;
      }
    }
  }

  /** From the operating hours of the channel's schedule; without that schedule, now plus the allowance. */
  private async replyBy(channel: ContactChannel, now: Date): Promise<{ by: Date; text: string }> {
    const allowance = this.config.contactRequests.replyWithinMinutes;
    const key = this.config.contactRequests.scheduleByChannel[channel];
    try {
      const { schedule, status } = await this.hours.status(key, now);
      const by = expectedReplyBy(status, now, allowance);
      return { by, text: expectedReplyText(channel, by, now, schedule.timeZone) };
    } catch (error) {
      if (!(error instanceof AppException && error.code === 'not_found')) throw error;
      this.logger.warn(`No operating-hours schedule "${key}": reply times ignore opening hours.`);
      const by = expectedReplyBy(undefined, now, allowance);
      return { by, text: expectedReplyText(channel, by, now, 'UTC') };
    }
  }
}
