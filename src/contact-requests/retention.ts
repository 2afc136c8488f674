import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAuditEvent, SYSTEM_CONTEXT } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { purgeExpiredIdempotencyKeys } from '../common/idempotency/idempotency.js';
import { AppConfig } from '../config/app-config.js';
import { withMaintenanceConnection } from '../database/query-deadline.js';
import { purgeFinishedDeliveries } from '../notifications/outbox.js';
import { ContactRequest } from './contact-request.entity.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Statuses that still wait for the front desk. */
const OPEN_STATUSES = ['new', 'in_progress', 'contacted'] as const;
/** An open request this old is reported by every purge: someone asked for help a month ago and is still waiting. */
export const STALE_OPEN_DAYS = 30;

export interface RetentionPolicy {
  /** Closed and spam requests go this many days after their last status change. */
  retentionDays: number;
  /** Every request goes this many days after it was received, whatever its status. */
  maxAgeDays: number;
}

/** The policy the configuration sets: for the daily job and `npm run purge` alike. */
export function retentionPolicy(config: AppConfig): RetentionPolicy {
  const { retentionDays, maxAgeDays } = config.contactRequests;
  return { retentionDays, maxAgeDays };
}

export interface PurgeResult {
  /** All contact requests deleted: the two counts below together. */
  contactRequests: number;
  /** Closed or spam since before `cutoff`. */
  closedOrSpam: number;
  /** Received before `maxAgeCutoff` (and not counted above), whatever their status. */
  pastMaxAge: number;
  /** Of those, the ones still open (new, in progress, contacted): personal data kept as long as allowed, unanswered. */
  openPastMaxAge: number;
  /** Open requests received more than STALE_OPEN_DAYS ago that are kept: for the front desk to answer or close. */
  staleOpen: number;
  idempotencyKeys: number;
  notificationDeliveries: number;
  cutoff: string;
  maxAgeCutoff: string;
}

/**
 * Deletes requests that have been `closed` or `spam` for longer than the retention period, and every request older
 * than the maximum age whatever its status (their notes and history go with them); webhook deliveries finished
 * before the retention cutoff and expired idempotency keys too. Counts the open requests older than
 * STALE_OPEN_DAYS that remain. Audited with counts only.
 */
export async function purgeExpired(manager: EntityManager, now: Date, policy: RetentionPolicy): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - policy.retentionDays * DAY_MS);
  const maxAgeCutoff = new Date(now.getTime() - policy.maxAgeDays * DAY_MS);
  const closedOrSpam = await manager
    .createQueryBuilder()
    .delete()
    .from(ContactRequest)
    .where("status IN ('closed', 'spam') AND status_changed_at < :cutoff", { cutoff })
    .execute();
  const pastMaxAge = await manager
    .createQueryBuilder()
    .delete()
    .from(ContactRequest)
    .where('created_at < :maxAgeCutoff', { maxAgeCutoff })
    .returning(['status'])
    .execute();
  const deletedStatuses = (pastMaxAge.raw as { status: string }[]).map((row) => row.status);
  const staleOpen = await manager
    .createQueryBuilder(ContactRequest, 'r')
    .where('r.status IN (:...open) AND r.created_at < :since', {
      open: OPEN_STATUSES,
      since: new Date(now.getTime() - STALE_OPEN_DAYS * DAY_MS),
    })
    .getCount();
  const result: PurgeResult = {
    contactRequests: (closedOrSpam.affected ?? 0) + deletedStatuses.length,
    closedOrSpam: closedOrSpam.affected ?? 0,
    pastMaxAge: deletedStatuses.length,
    openPastMaxAge: deletedStatuses.filter((status) => (OPEN_STATUSES as readonly string[]).includes(status)).length,
    staleOpen,
    idempotencyKeys: await purgeExpiredIdempotencyKeys(manager, now),
    notificationDeliveries: await purgeFinishedDeliveries(manager, cutoff),
    cutoff: cutoff.toISOString(),
    maxAgeCutoff: maxAgeCutoff.toISOString(),
  };
  await recordAuditEvent(manager, SYSTEM_CONTEXT, {
    action: 'contact_request.purged',
    entityType: 'contact_request',
    metadata: { ...result, ...policy, staleOpenDays: STALE_OPEN_DAYS },
  });
  return result;
}

/** One line for the log and the terminal: what went, and what is still waiting for an answer. */
export function describePurge(result: PurgeResult, policy: RetentionPolicy): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    `${plural(result.contactRequests, 'contact request', 'contact requests')} deleted ` +
    `(${result.closedOrSpam} closed or spam since before ${result.cutoff}; ` +
    `${result.pastMaxAge} received more than ${policy.maxAgeDays} days ago, ${result.openPastMaxAge} of them still open), ` +
    `${plural(result.notificationDeliveries, 'webhook delivery', 'webhook deliveries')} finished before ${result.cutoff}, ` +
    `${plural(result.idempotencyKeys, 'expired idempotency key', 'expired idempotency keys')}; ` +
    `${plural(result.staleOpen, 'open request is', 'open requests are')} older than ${STALE_OPEN_DAYS} days: answer or close ` +
    `${result.staleOpen === 1 ? 'it' : 'them'}.`
  );
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
      this.logger.log(`Retention: ${describePurge(result, this.policy)}`);
    } catch (error) {
      this.logger.error(`Retention purge failed: ${(error as Error).name}`);
    }
  }

  private get policy(): RetentionPolicy {
    return retentionPolicy(this.config);
  }

  purge(): Promise<PurgeResult> {
    // Minutes, not a request's seconds, may be needed (the first purge after a retention change, a large backlog).
    return withMaintenanceConnection(this.dataSource, (queryRunner) =>
      queryRunner.manager.transaction((manager) => purgeExpired(manager, this.clock.now(), this.policy)),
    );
  }
}
