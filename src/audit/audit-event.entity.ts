import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const ACTOR_TYPES = ['user', 'api_key', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * Append-only: a database trigger (see the migration) rejects UPDATE and DELETE. Metadata is never personal
 * data: ids, field names, reasons.
 */
@Entity({ name: 'audit_events' })
@Index(['occurredAt'])
@Index(['entityType', 'entityId'])
@Index(['actorType', 'actorId'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  actorType!: ActorType;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 64 })
  entityType!: string;

  @Column({ type: 'uuid', nullable: true })
  entityId!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** The caller's own X-Request-Id, when it sent a sane one; `requestId` is always the server's. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  clientRequestId!: string | null;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;
}
