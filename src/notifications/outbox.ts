import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { AppConfig } from '../config/app-config.js';
import { OutboxDelivery } from './outbox-delivery.entity.js';

/** An event to announce. The payload goes to third parties as is: ids and codes only, never personal data. */
export interface OutboxEvent {
  event: string;
  entityId: string | null;
  payload: Record<string, unknown>;
}

/**
 * Writes an event into the outbox in the caller's transaction: one delivery per configured webhook URL, due now,
 * retried until NOTIFY_RETRY_HOURS have passed. The dispatcher delivers it after the transaction commits.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async enqueue(manager: EntityManager, event: OutboxEvent): Promise<void> {
    const now = this.clock.now();
    const giveUpAt = new Date(now.getTime() + this.config.notifications.retryForMs);
    const rows = this.config.notifications.webhookUrls.map((url) =>
      manager.create(OutboxDelivery, {
        ...event,
        url,
        status: 'pending',
        nextAttemptAt: now,
        giveUpAt,
        createdAt: now,
      }),
    );
    if (rows.length > 0) await manager.save(OutboxDelivery, rows);
  }
}

/**
 * Deletes finished deliveries (delivered or failed) created before `cutoff`, so the outbox does not grow forever.
 * Pending ones stay: they end by `giveUpAt`, which is at most a week after they were written.
 */
export async function purgeFinishedDeliveries(manager: EntityManager, cutoff: Date): Promise<number> {
  const deleted = await manager
    .createQueryBuilder()
    .delete()
    .from(OutboxDelivery)
    .where("status IN ('delivered', 'failed') AND created_at < :cutoff", { cutoff })
    .execute();
  return deleted.affected ?? 0;
}
