import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FindOptionsWhere, Repository } from 'typeorm';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import type { ListNotificationDeliveriesQuery } from './dto/list-notification-deliveries.query.js';
import { OutboxDelivery } from './outbox-delivery.entity.js';

/** What staff see of the outbox: which notifications went out, which are retrying, which failed. */
@Injectable()
export class NotificationDeliveriesService {
  constructor(@InjectRepository(OutboxDelivery) private readonly deliveries: Repository<OutboxDelivery>) {}

  async list(query: ListNotificationDeliveriesQuery): Promise<Page<OutboxDelivery>> {
    const where: FindOptionsWhere<OutboxDelivery> = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.event ? { event: query.event } : {}),
      ...(query.entityId ? { entityId: query.entityId } : {}),
    };
    const [rows, total] = await this.deliveries.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      ...pageWindow(query),
    });
    return toPage(rows, total, query);
  }
}
