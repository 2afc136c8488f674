import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const MAIL_STATUSES = ['pending', 'sent', 'failed'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** The emails there are: each one a template in `templates/`. */
export const MAIL_KINDS = [
  'contact_request.created',
  'contact_request.reply_overdue',
  'webhook_endpoint.disabled',
  'contact_request.confirmation',
  'user.password_reset',
  'api_keys.creator_deleted',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * One email to send, written in the transaction of the change it tells about (the outbox pattern) and sent by the
 * MailDispatcher. A staff notice names an `audience` (`staff:newContactRequest`): its recipients are found when it is
 * sent, so writing it costs no query. A message to one person holds their address encrypted, until it is sent or
 * given up. `params` are what the template shows: references, ids and times, never personal data.
 */
@Entity({ name: 'mail_outbox' })
// The dispatcher's claim: due pending messages, oldest first.
@Index('IDX_mail_outbox_due', ['nextAttemptAt', 'id'], { where: "status = 'pending'" })
@Index('IDX_mail_outbox_created', ['createdAt', 'id'])
export class MailMessage {
  /** Made by the application: the encrypted address is bound to it. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 60 })
  kind!: MailKind;

  /** `staff:<notification kind>` for staff notices; null for a message to one address. */
  @Column({ type: 'varchar', length: 60, nullable: true })
  audience!: string | null;

  /** The one recipient's address, encrypted (DataCipher); null for staff notices, and once sent or failed. */
  @Column({ type: 'text', nullable: true })
  recipientCipher!: string | null;

  /** The contact request or webhook endpoint the message is about. */
  @Column({ type: 'uuid', nullable: true })
  entityId!: string | null;

  @Column({ type: 'jsonb' })
  params!: Record<string, string | null>;

  @Column({ type: 'enum', enum: MAIL_STATUSES, enumName: 'mail_outbox_status', default: 'pending' })
  status!: MailStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** The staff (user ids) a notice has reached, so a retry after a partial failure does not send it twice. */
  @Column({ type: 'jsonb', default: [] })
  sentTo!: string[];

  @Column({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** A dispatcher working on it holds it until then; after a crash another one takes over. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  /** Retries stop at this instant: the message is then `failed`. */
  @Column({ type: 'timestamptz' })
  giveUpAt!: Date;

  /** Why the last attempt failed: an error code and SMTP reply code, never a server's text (it may quote addresses). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
