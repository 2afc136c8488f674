/** The notifications feature's public surface: features enqueue events in their transactions, then poke the dispatcher. */
export { NotificationsModule } from './notifications.module.js';
export { Outbox } from './outbox.service.js';
export { WebhookDispatcher } from './webhook-dispatcher.service.js';
export type { OutboxEvent } from './outbox.service.js';
export { WEBHOOK_EVENTS, type WebhookEvent } from './webhook-events.js';
export { type EndpointDisabledNotice, WebhookEndpointDisabledListener } from './endpoint-disabled.js';
export * from './events.js';
export { reencryptWebhookSecrets } from './reencrypt.js';
