import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminNotificationsController } from './admin-notifications.controller.js';
import { NotificationDeliveriesService } from './notification-deliveries.service.js';
import { Outbox } from './outbox.js';
import { OutboxDelivery } from './outbox-delivery.entity.js';
import { WEBHOOK_RANDOM, WebhookDispatcher } from './webhook-dispatcher.js';

/** Global: features enqueue events through Outbox in their own transactions, then poke the dispatcher. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxDelivery])],
  controllers: [AdminNotificationsController],
  providers: [
    Outbox,
    WebhookDispatcher,
    NotificationDeliveriesService,
    { provide: WEBHOOK_RANDOM, useValue: Math.random },
  ],
  exports: [Outbox, WebhookDispatcher],
})
export class NotificationsModule {}
