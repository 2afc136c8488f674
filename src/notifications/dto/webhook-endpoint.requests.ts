import { PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { IsFlag, IsOneOf, IsText } from '../../common/validation/decorators.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../outbox-delivery.entity.js';
import { EVENT_FILTER_VALUES } from '../webhook-events.js';

export class CreateWebhookEndpointRequest {
  @IsText({
    max: 2048,
    example: 'https://crm.example.com/hooks/well-clinic',
    description:
      'Where deliveries are POSTed: `https`, and a host that resolves to public addresses only (checked again at every ' +
      'connection). WEBHOOK_ALLOW_PRIVATE_TARGETS=true also allows `http` and internal addresses. Redirects are not followed.',
  })
  readonly url!: string;

  @IsText({ optional: true, nullable: true, max: 500, example: 'CRM: new contact requests' })
  readonly description?: string | null;

  @ArrayMaxSize(EVENT_FILTER_VALUES.length)
  @ArrayMinSize(1)
  @IsOneOf(EVENT_FILTER_VALUES, {
    enumName: 'WebhookEventFilter',
    each: true,
    example: ['contact_request.created'],
    description: 'The events to receive, or `["*"]` for all of them (including events added later).',
  })
  readonly events!: string[];

  @IsFlag({
    optional: true,
    description: 'Default `true`. `false` pauses deliveries (they wait, and resume with `true`).',
  })
  readonly active?: boolean;
}

/** Only the fields given change. `active: true` also re-enables an endpoint the dispatcher disabled. */
export class UpdateWebhookEndpointRequest extends PartialType(CreateWebhookEndpointRequest, {
  skipNullProperties: false,
}) {}

export class ListWebhookDeliveriesQuery extends PaginationQueryDto {
  @IsOneOf(DELIVERY_STATUSES, { optional: true, enumName: 'NotificationDeliveryStatus' })
  readonly status?: DeliveryStatus;

  /** Exact event name (`ping` included). */
  @IsText({ optional: true, max: 100, example: 'contact_request.created' })
  readonly event?: string;
}
