import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An announced event, written in the transaction of the change (the outbox pattern), waiting for the dispatcher to
 * fan it out into one delivery per active endpoint whose filter matches. One row per event however many endpoints
 * there are; the row is deleted when fanned out.
 */
@Entity({ name: 'outbox_events' })
@Index('IDX_outbox_events_created', ['createdAt', 'id'])
export class AnnouncedEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  event!: string;

  @Column({ type: 'uuid', nullable: true })
  entityId!: string | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** The W3C `traceparent` of the request that caused it, passed on to its deliveries. */
  @Column({ type: 'varchar', length: 55, nullable: true })
  traceparent!: string | null;

  /** Its deliveries are retried until then. */
  @Column({ type: 'timestamptz' })
  giveUpAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
