import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { mapNotificationDelivery, NotificationDeliveryResponse } from './dto/notification-delivery.responses.js';
import {
  CreateWebhookEndpointRequest,
  ListWebhookDeliveriesQuery,
  UpdateWebhookEndpointRequest,
} from './dto/webhook-endpoint.requests.js';
import {
  mapWebhookEndpoint,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
} from './dto/webhook-endpoint.responses.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

/**
 * Receivers of webhooks. Deliveries are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), retried with backoff for NOTIFY_RETRY_HOURS, and an endpoint whose attempts all fail for 3
 * days is disabled.
 */
@ApiTags('notifications')
@Controller('admin/webhook-endpoints')
@Roles('admin')
export class AdminWebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  /** Newest first; never their secrets. */
  @Get()
  @ApiOperation({ operationId: 'listWebhookEndpoints', summary: 'List webhook endpoints' })
  @ApiPageResponse(WebhookEndpointResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: PaginationQueryDto): Promise<Page<WebhookEndpointResponse>> {
    return mapPage(await this.endpoints.list(query), mapWebhookEndpoint);
  }

  /**
   * The URL must be `https` and resolve to public addresses only (400 naming `url` otherwise). The response is the
   * only time the signing secret is shown.
   */
  @Post()
  @ApiOperation({ operationId: 'createWebhookEndpoint', summary: 'Add a webhook endpoint' })
  @Created(WebhookEndpointWithSecretResponse, '/api/v1/admin/webhook-endpoints/{id}')
  @ApiProblems('validation_failed')
  async create(
    @Body() body: CreateWebhookEndpointRequest,
    @Audit() ctx: AuditContext,
  ): Promise<WebhookEndpointWithSecretResponse> {
    const { endpoint, secret } = await this.endpoints.create(body, ctx);
    return { ...mapWebhookEndpoint(endpoint), secret };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getWebhookEndpoint', summary: 'One webhook endpoint (never its secret)' })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<WebhookEndpointResponse> {
    return mapWebhookEndpoint(await this.endpoints.get(id));
  }

  /** Only the fields given change; `active: true` re-enables an endpoint disabled for failing. */
  @Patch(':id')
  @ApiOperation({ operationId: 'updateWebhookEndpoint', summary: 'Change a webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiProblems('validation_failed', 'not_found')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateWebhookEndpointRequest,
    @Audit() ctx: AuditContext,
  ): Promise<WebhookEndpointResponse> {
    return mapWebhookEndpoint(await this.endpoints.update(id, body, ctx));
  }

  /** With its deliveries; pending ones are not sent. */
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteWebhookEndpoint', summary: 'Delete a webhook endpoint' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found')
  async remove(@UuidParam('id') id: string, @Audit() ctx: AuditContext): Promise<void> {
    await this.endpoints.remove(id, ctx);
  }

  /**
   * A new secret, shown only in this response. For 24 hours the previous one signs too: `webhook-signature` carries
   * two `v1,` signatures, and a receiver holding either secret verifies the delivery.
   */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ operationId: 'rotateWebhookEndpointSecret', summary: 'Rotate the signing secret' })
  @ApiOkResponse({ type: WebhookEndpointWithSecretResponse })
  @ApiProblems('validation_failed', 'not_found')
  async rotateSecret(
    @UuidParam('id') id: string,
    @Audit() ctx: AuditContext,
  ): Promise<WebhookEndpointWithSecretResponse> {
    const { endpoint, secret } = await this.endpoints.rotateSecret(id, ctx);
    return { ...mapWebhookEndpoint(endpoint), secret };
  }

  /** A `ping` event to this endpoint only, sent right away; follow it in its deliveries. 409 when inactive. */
  @Post(':id/ping')
  @HttpCode(202)
  @ApiOperation({ operationId: 'pingWebhookEndpoint', summary: 'Send a test event' })
  @ApiAcceptedResponse({ type: NotificationDeliveryResponse })
  @ApiProblems('validation_failed', 'not_found', 'conflict')
  async ping(@UuidParam('id') id: string, @Audit() ctx: AuditContext): Promise<NotificationDeliveryResponse> {
    return mapNotificationDelivery(await this.endpoints.ping(id, ctx));
  }

  /** Newest first: attempts so far, the last status code, error and duration. */
  @Get(':id/deliveries')
  @ApiOperation({ operationId: 'listWebhookEndpointDeliveries', summary: "An endpoint's deliveries" })
  @ApiPageResponse(NotificationDeliveryResponse)
  @ApiProblems('validation_failed', 'not_found')
  async deliveries(
    @UuidParam('id') id: string,
    @Query() query: ListWebhookDeliveriesQuery,
  ): Promise<Page<NotificationDeliveryResponse>> {
    return mapPage(await this.endpoints.listDeliveries(id, query), mapNotificationDelivery);
  }

  /**
   * The same message again (same `webhook-id` and body, new timestamp and signature), retried like a new delivery.
   * 409 while it is still pending, or when the endpoint is inactive.
   */
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ operationId: 'redeliverWebhookDelivery', summary: 'Send a delivery again' })
  @ApiAcceptedResponse({ type: NotificationDeliveryResponse })
  @ApiProblems('validation_failed', 'not_found', 'conflict')
  async redeliver(
    @UuidParam('id') id: string,
    @UuidParam('deliveryId') deliveryId: string,
    @Audit() ctx: AuditContext,
  ): Promise<NotificationDeliveryResponse> {
    return mapNotificationDelivery(await this.endpoints.redeliver(id, deliveryId, ctx));
  }
}
