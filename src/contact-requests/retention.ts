import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAuditEvent, SYSTEM_CONTEXT } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { purgeExpiredIdempotencyKeys } from '../common/idempotency/idempotency.js';
import { AppConfig } from '../config/app-config.js';
import { purgeFinishedDeliveries } from '../notifications/outbox.js';
import { ContactRequest } from './contact-request.entity.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PurgeResult {
  contactRequests: number;
  idempotencyKeys: number;
  notificationDeliveries: number;
  cutoff: string;
}

/**
 * Deletes requests that have been `closed` or `spam` for longer than the retention period (their notes and
 * history go with them), webhook deliveries finished that long ago, and expired idempotency keys. Audited with
 * counts only.
 */
export async function purgeExpired(manager: EntityManager, now: Date, retentionDays: number): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const deleted = await manager
    .createQueryBuilder()
    .delete()
    .from(ContactRequest)
    .where("status IN ('closed', 'spam') AND status_changed_at < :cutoff", { cutoff })
    .execute();
  const result = {
    contactRequests: deleted.affected ?? 0,
    idempotencyKeys: await purgeExpiredIdempotencyKeys(manager, now),
    notificationDeliveries: await purgeFinishedDeliveries(manager, cutoff),
    cutoff: cutoff.toISOString(),
  };
  await recordAuditEvent(manager, SYSTEM_CONTEXT, {
    action: 'contact_request.purged',
    entityType: 'contact_request',
    metadata: { ...result, retentionDays },
  });
  return result;
}

/** Runs the purge every day (and on demand: `npm run purge`). Several instances may run it: it is idempotent. */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'contact-request-retention' })
  async daily(): Promise<void> {
    try {
      const result = await this.purge();
      this.logger.log(
        `Retention: purged ${result.contactRequests} contact requests, ${result.notificationDeliveries} webhook ` +
          `deliveries and ${result.idempotencyKeys} idempotency keys`,
      );
    } catch (error) {
      this.logger.error(`Retention purge failed: ${(error as Error).name}`);
    }
  }

  purge(): Promise<PurgeResult> {
    return this.dataSource.transaction((manager) =>
      purgeExpired(manager, this.clock.now(), this.config.contactRequests.retentionDays),
    );
  }
}
