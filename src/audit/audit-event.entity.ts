import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { ActorType } from '../common/audit/audit-log.js';

/**
 * Append-only: a database trigger (see the migration) rejects UPDATE and DELETE. Metadata is never personal
 * data: ids, field names, reasons.
 *
 * Order: events are listed by `occurredAt`, then by `sequence` — the order they were written in. Events written in one
 * transaction share `occurredAt` (the transaction's time), so without the sequence their order would be arbitrary.
 *
 * Indexes: each filter of the list leads one, so that its capped count reads at most the cap's worth of index
 * entries and, where the filter can match a large share of the log, a page walks the index in (`occurredAt`,
 * `sequence`) order instead of sorting every match.
 */
@Entity({ name: 'audit_events' })
@Index('IDX_audit_events_walk', ['occurredAt', 'sequence'])
@Index('IDX_audit_events_entity_type_walk', ['entityType', 'occurredAt', 'sequence'])
@Index('IDX_audit_events_action_walk', ['action', 'occurredAt', 'sequence'])
@Index('IDX_audit_events_actor_walk', ['actorId', 'occurredAt', 'sequence'])
@Index(['actorType', 'actorId'])
// One entity's events are few: found by id, then sorted (the entity id first, so that it serves without a type).
@Index('IDX_audit_events_entity', ['entityId', 'entityType'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  /** Written by the database, increasing in the order events are inserted (a bigint: TypeORM reads it as a string). */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS', insert: false, update: false })
  readonly sequence!: string;

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

  /** The W3C trace id of the request (the caller's `traceparent`, or one started for it); null for system jobs. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  traceId!: string | null;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;
}
