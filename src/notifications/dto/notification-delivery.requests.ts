import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { IsOneOf, IsText, ValidateUUID } from '../../common/validation/decorators.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../outbox-delivery.entity.js';

export class ListNotificationDeliveriesQuery extends PaginationQueryDto {
  @IsOneOf(DELIVERY_STATUSES, { optional: true, enumName: 'NotificationDeliveryStatus' })
  readonly status?: DeliveryStatus;

  /** Exact event name. */
  @IsText({ optional: true, max: 100, example: 'contact_request.created' })
  readonly event?: string;

  /** Deliveries about this entity (e.g. one contact request). */
  @ValidateUUID({ optional: true })
  readonly entityId?: string;
}
