import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event to deliver to one webhook URL, written in the transaction of the change it announces (the outbox
 * pattern): the event exists exactly when the change does, and survives restarts until delivered or given up.
 * The payload never holds personal data.
 */
@Entity({ name: 'outbox_deliveries' })
// The dispatcher's claim: due pending deliveries, oldest first.
@Index('IDX_outbox_deliveries_due', ['nextAttemptAt'], { where: "status = 'pending'" })
@Index('IDX_outbox_deliveries_created', ['createdAt', 'id'])
export class OutboxDelivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** `contact_request.created` */
  @Column({ type: 'varchar', length: 100 })
  event!: string;

  /** The entity the event is about (for staff: "which request's notification failed?"). */
  @Column({ type: 'uuid', nullable: true })
  entityId!: string | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'enum', enum: DELIVERY_STATUSES, enumName: 'outbox_delivery_status', default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** A dispatcher working on it holds it until then; after a crash another one takes over. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  /** Retries stop at this instant: the delivery is then `failed`. */
  @Column({ type: 'timestamptz' })
  giveUpAt!: Date;

  /** HTTP status of the last attempt (null: no response). */
  @Column({ type: 'smallint', nullable: true })
  lastStatus!: number | null;

  /** Why the last attempt failed (status line or network error code; never a response body). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
