import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATUSES, type DeliveryStatus, type OutboxDelivery } from '../outbox-delivery.entity.js';
import { webhookUrlWithoutSecrets } from '../webhook-url.js';

export class NotificationDeliveryResponse {
  @ApiProperty({
    format: 'uuid',
    description:
      'The message id: sent as `webhook-id` on every attempt and redelivery (and as `X-Delivery-Id` to endpoints made ' +
      'from NOTIFY_WEBHOOK_URLS).',
  })
  readonly id!: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The endpoint it goes to (null: written before endpoints existed, for a URL no longer configured).',
  })
  readonly endpointId!: string | null;

  @ApiProperty({ example: 'contact_request.created' })
  readonly event!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  readonly entityId!: string | null;

  @ApiProperty({
    example: 'https://crm.example.com/hooks/well-clinic',
    description: "Where the last attempt went (before any, the endpoint's URL), without query string or credentials.",
  })
  readonly url!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'NotificationDeliveryStatus' })
  readonly status!: DeliveryStatus;

  @ApiProperty({ example: 2, description: 'Attempts made so far.' })
  readonly attempts!: number;

  @ApiProperty({ nullable: true, type: Number, example: 503, description: 'HTTP status of the last attempt.' })
  readonly lastStatus!: number | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'HTTP 503',
    description: 'Why the last attempt failed: `HTTP <status>` or a network error code such as `ECONNREFUSED`.',
  })
  readonly lastError!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readonly lastAttemptAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 182,
    description: 'How long the last attempt took, in milliseconds, until the status line or the error.',
  })
  readonly lastDurationMs!: number | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Only while pending.' })
  readonly nextAttemptAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readonly deliveredAt!: string | null;

  @ApiProperty({ format: 'date-time', description: 'Retries stop at this instant.' })
  readonly giveUpAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The JSON body sent (ids and codes only, never personal data).',
    example: { event: 'contact_request.created', id: '3f0c…', reference: 'WC-7K2M9Q', channel: 'text' },
  })
  readonly payload!: Record<string, unknown>;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function mapNotificationDelivery(d: OutboxDelivery): NotificationDeliveryResponse {
  return {
    id: d.id,
    endpointId: d.endpointId,
    event: d.event,
    entityId: d.entityId,
    url: webhookUrlWithoutSecrets(d.url),
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    lastAttemptAt: iso(d.lastAttemptAt),
    lastDurationMs: d.lastDurationMs,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: iso(d.deliveredAt),
    giveUpAt: d.giveUpAt.toISOString(),
    createdAt: d.createdAt.toISOString(),
    payload: d.payload,
  };
}
