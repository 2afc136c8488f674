import { ApiProperty } from '@nestjs/swagger';
import { ENDPOINT_SOURCES, type EndpointSource, type WebhookEndpoint } from '../webhook-endpoint.entity.js';
import { EVENT_FILTER_VALUES } from '../webhook-events.js';

export class WebhookEndpointResponse {
  @ApiProperty({ format: 'uuid' })
  readonly id!: string;

  @ApiProperty({ example: 'https://crm.example.com/hooks/well-clinic' })
  readonly url!: string;

  @ApiProperty({ nullable: true, type: String, example: 'CRM: new contact requests' })
  readonly description!: string | null;

  @ApiProperty({ enum: EVENT_FILTER_VALUES, enumName: 'WebhookEventFilter', isArray: true })
  readonly events!: string[];

  @ApiProperty({ description: 'Inactive endpoints receive nothing; their pending deliveries wait.' })
  readonly active!: boolean;

  @ApiProperty({
    enum: ENDPOINT_SOURCES,
    enumName: 'WebhookEndpointSource',
    description:
      '`environment`: made at startup from NOTIFY_WEBHOOK_URLS; it also gets the deprecated `X-Signature` headers.',
  })
  readonly source!: EndpointSource;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'The first failed attempt since the last successful one. After 3 days of failures the endpoint is disabled.',
  })
  readonly failingSince!: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When it was disabled for failing (set `active: true` to re-enable it).',
  })
  readonly disabledAt!: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'After a rotation: until then the previous secret signs too (a second `v1,` signature); null before any rotation.',
  })
  readonly previousSecretExpiresAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  readonly createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt!: string;
}

export class WebhookEndpointWithSecretResponse extends WebhookEndpointResponse {
  @ApiProperty({
    description:
      'The signing secret (Standard Webhooks `whsec_<base64>`). Shown only in this response: store it in the receiver.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  readonly secret!: string;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function mapWebhookEndpoint(e: WebhookEndpoint): WebhookEndpointResponse {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    active: e.active,
    source: e.source,
    failingSince: iso(e.failingSince),
    disabledAt: iso(e.disabledAt),
    previousSecretExpiresAt: iso(e.previousSecretExpiresAt),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
