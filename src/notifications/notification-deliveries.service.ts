import { Injectable } from '@nestjs/common';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import type { ListNotificationDeliveriesQuery } from './dto/notification-delivery.requests.js';
import type { OutboxDelivery } from './outbox-delivery.entity.js';
import { OutboxRepository } from './outbox.repository.js';

/** What staff see of the outbox: which notifications went out, which are retrying, which failed. */
@Injectable()
export class NotificationDeliveriesService {
  constructor(private readonly deliveries: OutboxRepository) {}

  async list(query: ListNotificationDeliveriesQuery): Promise<Page<OutboxDelivery>> {
    const { status, event, entityId } = query;
    const [rows, total] = await this.deliveries.findPage({ status, event, entityId }, pageWindow(query));
    return toPage(rows, total, query);
  }
}
