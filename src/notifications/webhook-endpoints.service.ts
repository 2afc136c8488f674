import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog, type AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page, type PaginationQueryDto } from '../common/pagination/pagination.js';
import { formatTraceparent } from '../common/tracing/trace-context.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { AppConfig } from '../config/app-config.js';
import type {
  CreateWebhookEndpointRequest,
  ListWebhookDeliveriesQuery,
  UpdateWebhookEndpointRequest,
} from './dto/webhook-endpoint.requests.js';
import type { OutboxDelivery } from './outbox-delivery.entity.js';
import { OutboxRepository } from './outbox.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.service.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { type EndpointChanges, WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { ALL_EVENTS, PING_EVENT } from './webhook-events.js';
import {
  generateEndpointSecret,
  previousSecretContext,
  ROTATION_OVERLAP_MS,
  secretContext,
} from './webhook-signing.js';
import { WebhookTargets } from './webhook-targets.js';

const ENTITY_TYPE = 'webhook_endpoint';

/** Webhook endpoints as admins manage them: targets, filters, secrets, and their deliveries. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: OutboxRepository,
    private readonly targets: WebhookTargets,
    private readonly cipher: DataCipher,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async list(query: PaginationQueryDto): Promise<Page<WebhookEndpoint>> {
    const [rows, total] = await this.endpoints.findPage(pageWindow(query));
    return toPage(rows, total, query);
  }

  async get(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.findById(id);
    if (!endpoint) throw notFound();
    return endpoint;
  }

  /** Returns the endpoint and its secret; the secret is stored encrypted and never shown again. */
  async create(
    input: CreateWebhookEndpointRequest,
    ctx: AuditContext,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await this.assertTarget(input.url);
    const now = this.clock.now();
    const id = randomUUID();
    const secret = generateEndpointSecret();
    const endpoint = await this.endpoints.transaction(async (manager) => {
      const created = await this.endpoints.insert(
        {
          id,
          url: input.url,
          description: input.description ?? null,
          events: normalizedFilter(input.events),
          active: input.active ?? true,
          secret: this.cipher.encrypt(secret, secretContext(id)),
          previousSecret: null,
          previousSecretExpiresAt: null,
          source: 'api',
          failingSince: null,
          disabledAt: null,
          createdAt: now,
          updatedAt: now,
        },
        manager,
      );
      await this.audit.record(manager, ctx, {
        action: 'webhook_endpoint.created',
        entityType: ENTITY_TYPE,
        entityId: id,
        metadata: { events: created.events, active: created.active },
      });
      return created;
    });
    return { endpoint, secret };
  }

  /** Changes the fields given. `active: true` re-enables an endpoint the dispatcher disabled and clears its failures. */
  async update(id: string, input: UpdateWebhookEndpointRequest, ctx: AuditContext): Promise<WebhookEndpoint> {
    if (input.url !== undefined) {
      // An unknown endpoint is a 404 whatever the URL; the URL is checked (DNS) outside the transaction.
      await this.get(id);
      await this.assertTarget(input.url);
    }
    const now = this.clock.now();
    return this.endpoints.transaction(async (manager) => {
      const endpoint = await this.endpoints.findForUpdate(id, manager);
      if (!endpoint) throw notFound();
      const changes: EndpointChanges = { updatedAt: now };
      if (input.url !== undefined) changes.url = input.url;
      if (input.description !== undefined) changes.description = input.description;
      if (input.events !== undefined) changes.events = normalizedFilter(input.events);
      if (input.active !== undefined) changes.active = input.active;
      if (input.active === true && !endpoint.active) Object.assign(changes, { failingSince: null, disabledAt: null });
      await this.endpoints.update(id, changes, manager);
      await this.audit.record(manager, ctx, {
        action: 'webhook_endpoint.updated',
        entityType: ENTITY_TYPE,
        entityId: id,
        metadata: {
          fields: Object.keys(input).sort(),
          ...(input.active !== undefined ? { active: input.active } : {}),
        },
      });
      return Object.assign(endpoint, changes);
    });
  }

  /** Deletes the endpoint with its deliveries (pending ones are not sent). */
  async remove(id: string, ctx: AuditContext): Promise<void> {
    await this.endpoints.transaction(async (manager) => {
      if (!(await this.endpoints.delete(id, manager))) throw notFound();
      await this.audit.record(manager, ctx, {
        action: 'webhook_endpoint.deleted',
        entityType: ENTITY_TYPE,
        entityId: id,
      });
    });
  }

  /**
   * A new secret, returned once; the current one keeps signing beside it for ROTATION_OVERLAP_MS (24 h), so the
   * receiver can switch without missing a delivery. A secret from an earlier rotation stops signing at once.
   */
  async rotateSecret(id: string, ctx: AuditContext): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const now = this.clock.now();
    const secret = generateEndpointSecret();
    const endpoint = await this.endpoints.transaction(async (manager) => {
      const current = await this.endpoints.findForUpdate(id, manager);
      if (!current) throw notFound();
      const changes: EndpointChanges = {
        secret: this.cipher.encrypt(secret, secretContext(id)),
        previousSecret: this.cipher.encrypt(
          this.cipher.decrypt(current.secret, secretContext(id)),
          previousSecretContext(id),
        ),
        previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
        updatedAt: now,
      };
      await this.endpoints.update(id, changes, manager);
      await this.audit.record(manager, ctx, {
        action: 'webhook_endpoint.secret_rotated',
        entityType: ENTITY_TYPE,
        entityId: id,
        metadata: { previousSecretExpiresAt: changes.previousSecretExpiresAt!.toISOString() },
      });
      return Object.assign(current, changes);
    });
    return { endpoint, secret };
  }

  /** A `ping` delivery to this endpoint only, sent at once (whatever its event filter). */
  async ping(id: string, ctx: AuditContext): Promise<OutboxDelivery> {
    const endpoint = await this.activeEndpoint(id);
    const now = this.clock.now();
    const delivery = await this.deliveries.insertDelivery({
      event: PING_EVENT,
      entityId: null,
      payload: { event: PING_EVENT, endpointId: id, createdAt: now.toISOString() },
      url: endpoint.url,
      endpointId: id,
      traceparent: ctx.trace ? formatTraceparent(ctx.trace) : null,
      nextAttemptAt: now,
      giveUpAt: new Date(now.getTime() + this.config.notifications.retryForMs),
      createdAt: now,
    });
    this.dispatcher.poke();
    return delivery;
  }

  async listDeliveries(id: string, query: ListWebhookDeliveriesQuery): Promise<Page<OutboxDelivery>> {
    await this.get(id);
    const { status, event } = query;
    const [rows, total] = await this.deliveries.findPage({ endpointId: id, status, event }, pageWindow(query));
    return toPage(rows, total, query);
  }

  /**
   * Sends a delivered or failed delivery again: the same message (same `webhook-id` and body, a new timestamp and
   * signature), retried like a new one. A delivery still pending is already being sent: 409.
   */
  async redeliver(id: string, deliveryId: string, ctx: AuditContext): Promise<OutboxDelivery> {
    await this.activeEndpoint(id);
    const now = this.clock.now();
    const giveUpAt = new Date(now.getTime() + this.config.notifications.retryForMs);
    const reopened = await this.deliveries.transaction(async (manager) => {
      const delivery = await this.deliveries.reopen(deliveryId, id, now, giveUpAt, manager);
      if (delivery) {
        await this.audit.record(manager, ctx, {
          action: 'webhook_delivery.redelivered',
          entityType: ENTITY_TYPE,
          entityId: id,
          metadata: { deliveryId, event: delivery.event },
        });
      }
      return delivery;
    });
    if (!reopened) {
      const existing = await this.deliveries.findOne(deliveryId, id);
      if (!existing) throw new AppException('not_found', 'This endpoint has no delivery with this id.');
      throw new AppException('conflict', 'The delivery is still pending: it is already being sent.');
    }
    this.dispatcher.poke();
    return reopened;
  }

  private async activeEndpoint(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id);
    if (!endpoint.active) {
      throw new AppException('conflict', 'The endpoint is inactive: set active to true first.');
    }
    return endpoint;
  }

  /** 400 naming `url` when webhooks may not go there (scheme, internal address, a name resolving to one). */
  private async assertTarget(url: string): Promise<void> {
    const problem = await this.targets.problemOf(url);
    if (problem) throw validationFailed([{ field: 'url', message: problem }]);
  }
}

/** `*` alone when it is listed; otherwise the names, sorted. */
function normalizedFilter(events: readonly string[]): string[] {
  return events.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(events)].sort();
}

function notFound(): AppException {
  return new AppException('not_found', 'No webhook endpoint with this id.');
}
