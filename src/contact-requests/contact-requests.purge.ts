import type { EntityManager } from 'typeorm';
import { recordAuditEvent } from '../audit/index.js';
import { SYSTEM_CONTEXT } from '../common/audit/audit-log.js';
import type { Purge } from '../common/feature/purge.js';
import type { AppConfig } from '../config/app-config.js';
import { forgetContactRequestMail } from '../mail/index.js';
import { OPEN_STATUSES } from './contact-request.entity.js';
import { ContactRequestsRepository } from './contact-requests.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An open request this old is reported by every purge: someone asked for help a month ago and is still waiting. */
const STALE_OPEN_DAYS = 30;

export interface RetentionPolicy {
  /** Closed and spam requests go this many days after their last status change. */
  retentionDays: number;
  /** Every request goes this many days after it was received, whatever its status. */
  maxAgeDays: number;
}

/** The policy the configuration sets. */
function retentionPolicy(config: AppConfig): RetentionPolicy {
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
  cutoff: string;
  maxAgeCutoff: string;
}

/**
 * Deletes requests that have been `closed` or `spam` for longer than the retention period, and every request older
 * than the maximum age whatever its status (their notes, history and unsent emails go with them). Counts the open requests older
 * than STALE_OPEN_DAYS that remain. Audited with counts only.
 */
async function purge(manager: EntityManager, now: Date, policy: RetentionPolicy): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - policy.retentionDays * DAY_MS);
  const maxAgeCutoff = new Date(now.getTime() - policy.maxAgeDays * DAY_MS);
  const staleSince = new Date(now.getTime() - STALE_OPEN_DAYS * DAY_MS);
  const purged = await new ContactRequestsRepository(manager.connection).purgeExpired(
    { cutoff, maxAgeCutoff, staleSince },
    manager,
  );
  // Their emails not sent yet go with them: a confirmation holds the writer's address.
  await forgetContactRequestMail(manager, purged.ids);
  const result: PurgeResult = {
    contactRequests: purged.closedOrSpam + purged.pastMaxAge.length,
    closedOrSpam: purged.closedOrSpam,
    pastMaxAge: purged.pastMaxAge.length,
    openPastMaxAge: purged.pastMaxAge.filter((status) => (OPEN_STATUSES as readonly string[]).includes(status)).length,
    staleOpen: purged.staleOpen,
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

/** One sentence for the log and the terminal: what went, and what is still waiting for an answer. */
export function describePurge(result: PurgeResult, policy: RetentionPolicy): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    `${plural(result.contactRequests, 'contact request', 'contact requests')} deleted ` +
    `(${result.closedOrSpam} closed or spam since before ${result.cutoff}; ` +
    `${result.pastMaxAge} received more than ${policy.maxAgeDays} days ago, ${result.openPastMaxAge} of them still open); ` +
    `${plural(result.staleOpen, 'open request is', 'open requests are')} older than ${STALE_OPEN_DAYS} days: answer or close ` +
    `${result.staleOpen === 1 ? 'it' : 'them'}`
  );
}

/** The contact requests' part of the daily retention run. */
export const contactRequestsPurge: Purge = {
  name: 'contact-requests',
  async run(manager, { now, config }) {
    const policy = retentionPolicy(config);
    const result = await purge(manager, now, policy);
    return { counts: { ...result }, summary: describePurge(result, policy) };
  },
};
