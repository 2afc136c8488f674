import { AuditModule } from '../audit/index.js';
import { DataCipherModule } from '../common/crypto/data-cipher.module.js';
import { MailModule } from '../mail/index.js';
import { Feature } from '../common/feature/feature.js';
import type { Purge } from '../common/feature/purge.js';
import { AdminNotificationsController } from './admin-notifications.controller.js';
import { AdminWebhookEndpointsController } from './admin-webhook-endpoints.controller.js';
import { AnnouncedEvent } from './announced-event.entity.js';
import { MailingEndpointDisabledListener, WebhookEndpointDisabledListener } from './endpoint-disabled.js';
import { importEnvironmentEndpoints } from './environment-endpoints.js';
import { NotificationDeliveriesService } from './notification-deliveries.service.js';
import { OutboxDelivery } from './outbox-delivery.entity.js';
import { OutboxRepository } from './outbox.repository.js';
import { Outbox } from './outbox.service.js';
import { WEBHOOK_RANDOM, WebhookDispatcher } from './webhook-dispatcher.service.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookTargets } from './webhook-targets.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Finished deliveries (delivered or failed) go after the contact requests' retention period, like their requests. */
const finishedDeliveries: Purge = {
  name: 'notification-deliveries',
  async run(manager, { now, config }) {
    const cutoff = new Date(now.getTime() - config.contactRequests.retentionDays * DAY_MS);
    const deleted = await new OutboxRepository(manager.connection).purgeFinished(cutoff, manager);
    return {
      counts: { notificationDeliveries: deleted, cutoff: cutoff.toISOString() },
      summary: `${deleted} webhook ${deleted === 1 ? 'delivery' : 'deliveries'} finished before ${cutoff.toISOString()}`,
    };
  },
};

/**
 * Webhooks: features announce events through Outbox in their own transactions, then poke the dispatcher, which
 * delivers them to the endpoints admins manage (and those made from NOTIFY_WEBHOOK_URLS at startup).
 */
@Feature({
  tag: {
    name: 'notifications',
    description: 'Webhook endpoints and their deliveries, signed per Standard Webhooks (admins only).',
  },
  entities: [WebhookEndpoint, AnnouncedEvent, OutboxDelivery],
  purges: [finishedDeliveries],
  databaseSetup: [importEnvironmentEndpoints],
  imports: [AuditModule, DataCipherModule, MailModule],
  controllers: [AdminWebhookEndpointsController, AdminNotificationsController],
  providers: [
    OutboxRepository,
    WebhookEndpointsRepository,
    Outbox,
    WebhookTargets,
    WebhookDispatcher,
    WebhookEndpointsService,
    NotificationDeliveriesService,
    { provide: WEBHOOK_RANDOM, useValue: Math.random },
    { provide: WebhookEndpointDisabledListener, useClass: MailingEndpointDisabledListener },
  ],
  exports: [Outbox, WebhookDispatcher],
})
export class NotificationsModule {}
