import { ApiProperty } from '@nestjs/swagger';
import { ACTOR_TYPES, type ActorType, type AuditEvent } from '../audit-event.entity.js';

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ format: 'date-time' })
  readonly occurredAt!: string;

  @ApiProperty({ enum: ACTOR_TYPES, enumName: 'AuditActorType' })
  readonly actorType!: ActorType;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  readonly actorId!: string | null;

  @ApiProperty({ example: 'user.created' })
  readonly action!: string;

  @ApiProperty({ example: 'user' })
  readonly entityType!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  readonly entityId!: string | null;

  @ApiProperty({ nullable: true, type: String })
  readonly requestId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { fields: ['role'] } })
  readonly metadata!: Record<string, unknown>;
}

export function mapAuditEvent(e: AuditEvent): AuditEventResponse {
  return {
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    requestId: e.requestId,
    metadata: e.metadata,
  };
}
