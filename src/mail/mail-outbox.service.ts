import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import type { PendingRow } from '../common/persistence/insert-together.js';
import { AppConfig } from '../config/app-config.js';
import type { NotificationKind } from '../users/index.js';
import { MAIL_KINDS, type MailKind } from './mail-message.entity.js';
import { MailOutboxRepository } from './mail-outbox.repository.js';

/** A contact request, as staff notices and the confirmation show it: no personal data. */
export interface ContactRequestMailFacts {
  id: string;
  reference: string;
  channel: string;
  expectedReplyBy: Date;
  /** The operating-hours schedule's zone, in which the reply time is shown (`America/New_York`). */
  timeZone: string;
}

export interface EndpointDisabledFacts {
  endpointId: string;
  /** The admin's description of the endpoint, if any (never its URL: it may hold a token). */
  description: string | null;
  disabledAt: Date;
}

/** A deleted staff account's API keys that keep working (`apiKeysOfDeletedUserRows`). */
export interface DeletedCreatorFacts {
  userId: string;
  deletedAt: Date;
  keys: readonly { id: string; name: string }[];
}

/** Authenticated data of the encrypted address: it decrypts for this message only. */
export const recipientContext = (id: string) => `mail_outbox.recipient:${id}`;

/** Authenticated data of a message's one secret parameter (a reset token): it decrypts for this message only. */
export const secretParamContext = (id: string) => `mail_outbox.secret:${id}`;

/** `audience` of a staff notice: who receives it is decided when it is sent. */
export const staffAudience = (kind: NotificationKind) => `staff:${kind}`;

/**
 * Writes messages into the mail outbox, as rows for the caller's transaction or statement. With email off (no
 * SMTP_URL) it writes nothing: holding messages for a mail server that may never be configured would keep
 * people's addresses and flood staff with stale notices the day it is.
 */
@Injectable()
export class MailOutbox {
  constructor(
    private readonly messages: MailOutboxRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly cipher: DataCipher,
  ) {}

  get enabled(): boolean {
    return this.config.mail.smtpUrl !== undefined;
  }

  /** One staff notice for everyone whose preferences say yes to `audience`. */
  staffRows(kind: MailKind, audience: NotificationKind, entityId: string, params: Record<string, string | null>) {
    return this.rows(kind, { audience: staffAudience(audience), recipient: null, entityId, params });
  }

  /** One message to one address, kept encrypted until it is sent or given up. */
  personalRows(kind: MailKind, address: string, entityId: string, params: Record<string, string | null>) {
    return this.rows(kind, { audience: null, recipient: address, entityId, params });
  }

  /**
   * One message to one address (or to none: `address` null makes a message that is never delivered, written so that
   * a request for an unknown account does the same work as for a known one) carrying one secret, such as a reset
   * token: kept encrypted in `params.secret`, bound to the message.
   */
  secretRows(
    kind: MailKind,
    address: string | null,
    entityId: string | null,
    secret: string,
    params: Record<string, string | null>,
  ) {
    return this.rows(kind, { audience: null, recipient: address, entityId, params, secret });
  }

  /** Writes rows in the caller's transaction; the dispatcher sends them after it commits. */
  enqueue(manager: EntityManager, rows: readonly PendingRow[]): Promise<void> {
    return this.messages.insert(rows, manager);
  }

  private rows(
    kind: MailKind,
    m: {
      audience: string | null;
      recipient: string | null;
      entityId: string | null;
      params: Record<string, string | null>;
      secret?: string;
    },
  ): PendingRow[] {
    if (!this.enabled) return [];
    const now = this.clock.now();
    const id = randomUUID();
    return this.messages.rows([
      {
        id,
        kind,
        audience: m.audience,
        recipientCipher: m.recipient === null ? null : this.cipher.encrypt(m.recipient, recipientContext(id)),
        entityId: m.entityId,
        params:
          m.secret === undefined
            ? m.params
            : { ...m.params, secret: this.cipher.encrypt(m.secret, secretParamContext(id)) },
        nextAttemptAt: now,
        giveUpAt: new Date(now.getTime() + this.config.notifications.retryForMs),
        createdAt: now,
      },
    ]);
  }
}

const requestParams = (r: ContactRequestMailFacts) => ({
  reference: r.reference,
  channel: r.channel,
  expectedReplyBy: r.expectedReplyBy.toISOString(),
  timeZone: r.timeZone,
});

/**
 * Staff notices, as rows to write with the change they tell about (`insertTogether`, or `enqueue` in a
 * transaction). Each is one row, whatever the number of staff: recipients are found when it is sent.
 */
@Injectable()
export class StaffMail {
  constructor(private readonly outbox: MailOutbox) {}

  /** "New contact request CR-7K2Q9M — text, reply by 10:00 (America/New_York)". */
  newContactRequestRows(request: ContactRequestMailFacts): PendingRow[] {
    return this.outbox.staffRows('contact_request.created', 'newContactRequest', request.id, requestParams(request));
  }

  /** The request was not contacted by the time promised (the `contact_request.reply_overdue` event). */
  replyOverdueRows(request: ContactRequestMailFacts): PendingRow[] {
    return this.outbox.staffRows('contact_request.reply_overdue', 'replyOverdue', request.id, requestParams(request));
  }

  /** A webhook endpoint failed for too long and was disabled: to the admins who want to know. */
  endpointDisabledRows(endpoint: EndpointDisabledFacts): PendingRow[] {
    return this.outbox.staffRows('webhook_endpoint.disabled', 'webhookEndpointDisabled', endpoint.endpointId, {
      endpointId: endpoint.endpointId,
      description: endpoint.description,
      disabledAt: endpoint.disabledAt.toISOString(),
    });
  }

  /**
   * A staff account was deleted and the API keys it created keep working: to the admins who want to know, so that
   * someone decides whether each key should stay. Names and ids of the keys, never their secrets or prefixes.
   */
  apiKeysOfDeletedUserRows(facts: DeletedCreatorFacts): PendingRow[] {
    return this.outbox.staffRows('api_keys.creator_deleted', 'apiKeysOfDeletedUser', facts.userId, {
      userId: facts.userId,
      deletedAt: facts.deletedAt.toISOString(),
      count: String(facts.keys.length),
      keys: facts.keys.map((key) => `${key.name} (id ${key.id})`).join('\n'),
    });
  }

  /** Writes notices in the caller's transaction (for callers that do not use `insertTogether`). */
  enqueue(manager: EntityManager, rows: readonly PendingRow[]): Promise<void> {
    return this.outbox.enqueue(manager, rows);
  }
}

/** Emails about a staff member's own account: the password reset link. */
@Injectable()
export class AccountMail {
  constructor(private readonly outbox: MailOutbox) {}

  /** Whether messages are written at all (SMTP_URL set). */
  get enabled(): boolean {
    return this.outbox.enabled;
  }

  /**
   * The reset link for `to` (null: a request for an address without an account, which writes the same row but is
   * never delivered). The token is kept encrypted in the message, the link built when it is sent.
   */
  passwordResetRows(to: { userId: string; email: string } | null, token: string, expiresAt: Date): PendingRow[] {
    return this.outbox.secretRows('user.password_reset', to?.email ?? null, to?.userId ?? null, token, {
      expiresAt: expiresAt.toISOString(),
    });
  }

  enqueue(manager: EntityManager, rows: readonly PendingRow[]): Promise<void> {
    return this.outbox.enqueue(manager, rows);
  }
}

/** The emails about contact requests: staff notices and the confirmation. */
const CONTACT_REQUEST_KINDS = MAIL_KINDS.filter((kind) => kind.startsWith('contact_request.'));

/**
 * Deletes the emails about these contact requests that are not sent yet, in the caller's transaction (the one
 * deleting the requests: erasure, retention): the confirmation keeps the writer's address, and staff notices would
 * point at a request that is gone. A dispatcher sending one right now stops at its next recipient.
 */
export async function forgetContactRequestMail(manager: EntityManager, requestIds: readonly string[]): Promise<number> {
  return new MailOutboxRepository(manager.connection).deletePendingAbout(requestIds, CONTACT_REQUEST_KINDS, manager);
}

/** The confirmation to the person who wrote in: the reference, when to expect a reply and the crisis notice. */
@Injectable()
export class RequesterMail {
  constructor(private readonly outbox: MailOutbox) {}

  /** Forgets the emails not yet sent about requests being deleted, in that transaction (`forgetContactRequestMail`). */
  forget(requestIds: readonly string[], manager: EntityManager): Promise<number> {
    return forgetContactRequestMail(manager, requestIds);
  }

  /**
   * Only for someone who asked to be answered by email, gave the address and agreed to be contacted; anyone else
   * gets no row. Nothing of what they wrote goes in: the address is only the envelope.
   */
  confirmationRows(
    request: ContactRequestMailFacts & { email: string | null; consentToContact: boolean },
  ): PendingRow[] {
    if (request.channel !== 'email' || !request.email || !request.consentToContact) return [];
    return this.outbox.personalRows('contact_request.confirmation', request.email, request.id, requestParams(request));
  }
}
