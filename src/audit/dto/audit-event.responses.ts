import { ApiProperty } from '@nestjs/swagger';
import { ACTOR_TYPES, type ActorType } from '../../common/audit/audit-log.js';
import type { AuditEvent } from '../audit-event.entity.js';

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

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The id the server gave the request (its `X-Request-Id` response header); null for system jobs.',
  })
  readonly requestId!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'The `X-Request-Id` the caller sent, when it was a sane token (up to 128 of `A-Za-z0-9._:-`): as claimed ' +
      'by the caller, so never proof of anything.',
  })
  readonly clientRequestId!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    pattern: '^[0-9a-f]{32}$',
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description:
      'The W3C trace id of the request: from the `traceparent` header the caller sent, when valid, else one the ' +
      'server started. The same id is on the request log line and in the `traceparent` of the webhooks the ' +
      'request caused. Null for system jobs.',
  })
  readonly traceId!: string | null;

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
    clientRequestId: e.clientRequestId,
    traceId: e.traceId,
    metadata: e.metadata,
  };
}
