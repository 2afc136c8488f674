import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const CONTACT_CHANNELS = ['text', 'call', 'email'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const PREFERRED_TIMES = ['morning', 'afternoon', 'evening', 'any'] as const;
export type PreferredTime = (typeof PREFERRED_TIMES)[number];

/** The services a person may ask about (the same list as testimonials). */
export const SERVICE_INTERESTS = [
  'individual-therapy',
  'couples-therapy',
  'family-therapy',
  'group-therapy',
  'other',
] as const;
export type ServiceInterest = (typeof SERVICE_INTERESTS)[number];

export const CONTACT_REQUEST_STATUSES = ['new', 'in_progress', 'contacted', 'closed', 'spam'] as const;
export type ContactRequestStatus = (typeof CONTACT_REQUEST_STATUSES)[number];

/**
 * Someone asking the clinic to contact them. Name, phone, email and message are encrypted by the application
 * (AES-256-GCM, see DataCipher); phone and email also have a keyed blind index for exact lookups. Nothing personal
 * is stored in the clear.
 */
@Entity({ name: 'contact_requests' })
@Index('IDX_contact_requests_created', ['createdAt', 'id'])
@Index('IDX_contact_requests_status_changed', ['status', 'statusChangedAt'])
@Index('IDX_contact_requests_phone_index', ['phoneIndex'], { where: 'phone_index IS NOT NULL' })
@Index('IDX_contact_requests_email_index', ['emailIndex'], { where: 'email_index IS NOT NULL' })
export class ContactRequest {
  /** Chosen by the application: the ciphertexts are bound to it. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** What the person is told (`CR-7K3F9Q`). */
  @Column({ type: 'varchar', length: 12, unique: true })
  reference!: string;

  @Column({ type: 'enum', enum: CONTACT_REQUEST_STATUSES, enumName: 'contact_request_status', default: 'new' })
  status!: ContactRequestStatus;

  /** When the status last changed: retention counts from it. */
  @Column({ type: 'timestamptz' })
  statusChangedAt!: Date;

  @Column({ type: 'enum', enum: CONTACT_CHANNELS, enumName: 'contact_channel' })
  channel!: ContactChannel;

  @Column({ type: 'enum', enum: PREFERRED_TIMES, enumName: 'contact_preferred_time', nullable: true })
  preferredTime!: PreferredTime | null;

  @Column({ type: 'enum', enum: SERVICE_INTERESTS, enumName: 'contact_service_interest', nullable: true })
  serviceInterest!: ServiceInterest | null;

  @Column({ type: 'text' })
  nameCipher!: string;

  @Column({ type: 'text', nullable: true })
  phoneCipher!: string | null;

  @Column({ type: 'text', nullable: true })
  emailCipher!: string | null;

  @Column({ type: 'text', nullable: true })
  messageCipher!: string | null;

  /** HMAC of the E.164 phone number (see DataCipher.blindIndex). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  phoneIndex!: string | null;

  /** HMAC of the lower-cased email address. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  emailIndex!: string | null;

  @Column({ type: 'boolean' })
  consentToText!: boolean;

  @Column({ type: 'timestamptz' })
  expectedReplyBy!: Date;

  @Column({ type: 'uuid', nullable: true })
  assignedTo!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
