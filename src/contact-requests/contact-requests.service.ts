import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { Metrics } from '../common/metrics/metrics.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import { AppException } from '../common/errors/app-exception.js';
import { isUniqueViolation } from '../common/errors/database-errors.js';
import { Idempotency, idempotencyClientOf, idempotencyKeyOf } from '../common/idempotency/idempotency.service.js';
import { VersionedWrites } from '../common/persistence/versioned-writes.js';
import { AppConfig } from '../config/app-config.js';
import { HoursService } from '../hours/index.js';
import { MailDispatcher, RequesterMail, StaffMail } from '../mail/index.js';
import { CONTACT_REQUEST_CREATED, eventOf, Outbox, WebhookDispatcher } from '../notifications/index.js';
import { newReference } from './contact-details.js';
import { contactDetailsOf, sealNewRequest } from './contact-request-sealing.js';
import { unknownReference, unknownSlugs } from '../services/index.js';
import {
  type ContactChannel,
  CONTACT_REQUEST_LOCATION_FK,
  CONTACT_REQUEST_PRACTITIONER_FK,
  CONTACT_REQUEST_SERVICE_FK,
} from './contact-request.entity.js';
import { ContactRequestsRepository, type NamedRecords } from './contact-requests.repository.js';
import type { CreateContactRequestRequest } from './dto/contact-request.requests.js';
import type { ContactRequestReceiptResponse } from './dto/contact-request.responses.js';
import { expectedReplyBy, expectedReplyText } from './reply-time.js';

const IDEMPOTENCY_SCOPE = 'contact-requests.create';
/** A reference clash (1 in ~729 million per pair) is retried with a new one. */
const REFERENCE_ATTEMPTS = 5;

const NAMED = [
  { constraint: CONTACT_REQUEST_SERVICE_FK, field: 'serviceInterest', noun: 'service' },
  { constraint: CONTACT_REQUEST_LOCATION_FK, field: 'location', noun: 'location' },
  { constraint: CONTACT_REQUEST_PRACTITIONER_FK, field: 'preferredPractitioner', noun: 'practitioner' },
] as const satisfies readonly { field: keyof NamedRecords; constraint: string; noun: string }[];

/**
 * A request naming an unknown service, location or practitioner, one deleted as it was submitted: 400 naming the
 * field. Other errors unchanged.
 */
const unknownReferenceOf = (error: unknown): unknown => unknownReference(error, NAMED);

/** Receiving requests: stored encrypted, announced through the outbox, answered with when to expect a reply. */
@Injectable()
export class ContactRequestsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ContactRequestsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly cipher: DataCipher,
    private readonly idempotency: Idempotency,
    private readonly hours: HoursService,
    private readonly outbox: Outbox,
    private readonly dispatcher: WebhookDispatcher,
    private readonly staffMail: StaffMail,
    private readonly requesterMail: RequesterMail,
    private readonly mailDispatcher: MailDispatcher,
    private readonly requests: ContactRequestsRepository,
    private readonly writes: VersionedWrites,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.gauge(
      'contact_requests_reply_overdue',
      'Contact requests still new after the reply time they were promised.',
      [],
      async () => [{ value: await this.requests.countOverdue(this.clock.now()) }],
    );
  }

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
    const named: NamedRecords = {
      serviceInterest: body.serviceInterest ?? null,
      location: body.location ?? null,
      preferredPractitioner: body.preferredPractitioner ?? null,
    };
    // The public names only published records: checked inside the one statement that stores the request.
    const allPublished = this.requests.allPublished(named);
    for (let attempt = 1; ; attempt++) {
      const reference = newReference();
      const request = sealNewRequest(this.cipher, details, {
        reference,
        status: spam ? 'spam' : 'new',
        channel: body.preferredChannel,
        preferredTime: body.preferredTime ?? null,
        ...named,
        consentToText: body.consentToText ?? false,
        expectedReplyBy: reply.by,
        now,
      });
      const announcement = spam
        ? []
        : this.outbox.rows(
            eventOf(
              CONTACT_REQUEST_CREATED,
              request.id,
              {
                contactRequestId: request.id,
                reference,
                channel: request.channel,
                createdAt: now.toISOString(),
                expectedReplyBy: reply.by.toISOString(),
              },
              { occurredAt: now, trace: ctx.trace },
            ),
          );
      // Emails without personal data for staff; the person's own confirmation, only if they asked for email.
      const mailFacts = {
        id: request.id,
        reference,
        channel: request.channel,
        expectedReplyBy: reply.by,
        timeZone: reply.zone,
      };
      const mail = spam
        ? []
        : [
            ...this.staffMail.newContactRequestRows(mailFacts),
            ...this.requesterMail.confirmationRows({
              ...mailFacts,
              email: details.email,
              consentToContact: body.consentToContact,
            }),
          ];
      const rows = [
        ...this.requests.receivedRows(request),
        ...announcement,
        ...mail,
        this.writes.auditRow(this.requests, request, ctx, {
          action: 'contact_request.received',
          metadata: { channel: request.channel, status: request.status },
        }),
      ];
      const receipt: ContactRequestReceiptResponse = {
        reference,
        status: 'received',
        expectedReplyBy: reply.by.toISOString(),
        expectedReplyText: reply.text,
        crisisNotice: this.config.contactRequests.crisisNotice,
      };
      try {
        // The request, its history, its webhooks and emails, its audit event and the key's stored answer: one statement.
        const result = await this.idempotency.insertOnce(
          IDEMPOTENCY_SCOPE,
          client,
          key,
          body,
          rows,
          { status: 201, body: receipt },
          allPublished,
        );
        if (result === undefined) {
          // Refused: unknown and hidden records get the same 400, so a hidden draft cannot be found by trying slugs.
          const refused = new Set(await this.requests.notPublished(named));
          // All published in the meantime: submit again (a record flickering between the two is refused in the end).
          if (refused.size === 0 && attempt < REFERENCE_ATTEMPTS) continue;
          throw unknownSlugs(
            NAMED.filter((n) => named[n.field] !== null && (refused.size === 0 || refused.has(n.field))),
          );
        }
        // Committed: announce it now rather than at the dispatcher's next round.
        if (!result.replayed && !spam) {
          this.dispatcher.poke();
          if (mail.length > 0) this.mailDispatcher.poke();
        }
        return { receipt: result.body, replayed: result.replayed };
      } catch (error) {
        // Slugs are checked in that one statement too: no lookup round trip per submission.
        if (error instanceof AppException) throw error;
        if (!isUniqueViolation(error, /reference/) || attempt >= REFERENCE_ATTEMPTS) throw unknownReferenceOf(error);
      }
    }
  }

  /** From the operating hours of the channel's schedule; without that schedule, now plus the allowance. */
  private async replyBy(channel: ContactChannel, now: Date): Promise<{ by: Date; text: string; zone: string }> {
    const allowance = this.config.contactRequests.replyWithinMinutes;
    const key = this.config.contactRequests.scheduleByChannel[channel];
    try {
      const { schedule, status } = await this.hours.status(key, now);
      const by = expectedReplyBy(status, now, allowance);
      return { by, text: expectedReplyText(channel, by, now, schedule.timeZone), zone: schedule.timeZone };
    } catch (error) {
      if (!(error instanceof AppException && error.code === 'not_found')) throw error;
      this.logger.warn(`No operating-hours schedule "${key}": reply times ignore opening hours.`);
      const by = expectedReplyBy(undefined, now, allowance);
      return { by, text: expectedReplyText(channel, by, now, 'UTC'), zone: 'UTC' };
    }
  }
}
