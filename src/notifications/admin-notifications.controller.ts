import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access/decorators.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { ListNotificationDeliveriesQuery } from './dto/notification-delivery.requests.js';
import { mapNotificationDelivery, NotificationDeliveryResponse } from './dto/notification-delivery.responses.js';
import { NotificationDeliveriesService } from './notification-deliveries.service.js';

/** Read-only view of the webhook outbox across all endpoints (per endpoint: `…/webhook-endpoints/{id}/deliveries`). */
@ApiTags('notifications')
@Controller('admin/notifications')
export class AdminNotificationsController {
  constructor(private readonly deliveries: NotificationDeliveriesService) {}

  /**
   * Every endpoint's deliveries: one per event and subscribed endpoint, and pings. Superseded by
   * `GET /api/v1/admin/webhook-endpoints/{id}/deliveries` for one endpoint; kept for an overview across endpoints.
   * `status`, `event` (exact name) and `entityId` filter and combine. A `pending` delivery is retried with backoff until `giveUpAt`, then becomes `failed`; `delivered` and
   * `failed` are final, and deleted by the retention purge once older than `CONTACT_RETENTION_DAYS`. `url` is shown
   * without its query string or credentials.
   */
  @Get()
  @Roles()
  @ApiOperation({
    operationId: 'listNotificationDeliveries',
    summary: 'Webhook deliveries: delivered, retrying and failed, newest first',
  })
  @ApiPageResponse(NotificationDeliveryResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListNotificationDeliveriesQuery): Promise<Page<NotificationDeliveryResponse>> {
    return mapPage(await this.deliveries.list(query), mapNotificationDelivery);
  }
}
