import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event (or ping) to deliver to one endpoint: made by the dispatcher from an announced event (AnnouncedEvent),
 * kept until delivered or given up, and after that until the retention purge. Its id is the message id receivers
 * see as `webhook-id`, the same on every attempt and redelivery. The payload never holds personal data.
 */
@Entity({ name: 'outbox_deliveries' })
// The dispatcher's claim: due pending deliveries, oldest first.
@Index('IDX_outbox_deliveries_due', ['nextAttemptAt', 'id'], { where: "status = 'pending'" })
@Index('IDX_outbox_deliveries_created', ['createdAt', 'id'])
@Index('IDX_outbox_deliveries_endpoint', ['endpointId', 'createdAt', 'id'])
export class OutboxDelivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Null only for deliveries written before endpoints existed whose URL is no longer configured. */
  @Column({ type: 'uuid', nullable: true })
  endpointId!: string | null;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: WebhookEndpoint;

  /** `contact_request.created`, or `ping` */
  @Column({ type: 'varchar', length: 100 })
  event!: string;

  /** The entity the event is about (for staff: "which request's notification failed?"). */
  @Column({ type: 'uuid', nullable: true })
  entityId!: string | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** Where the last attempt went (the endpoint's URL then; before any attempt, when the delivery was made). */
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /**
   * The W3C `traceparent` of the request that caused the event (its trace id and span), sent with every attempt
   * so the receiver's work joins that trace; null when no request caused it.
   */
  @Column({ type: 'varchar', length: 55, nullable: true })
  traceparent!: string | null;

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

  /** How long the last attempt took, until the response's status line or the error. */
  @Column({ type: 'integer', nullable: true })
  lastDurationMs!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
