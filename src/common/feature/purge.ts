import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';

/** What a purge is given: the instant it purges as of, and the configuration (retention periods). */
export interface PurgeContext {
  now: Date;
  config: AppConfig;
}

/** What a purge did: counts (and cutoffs) for the caller, and one sentence for the log and the terminal. */
export interface PurgeOutcome {
  counts: Record<string, number | string>;
  summary: string;
}

/**
 * A feature's part of the daily retention run (and of `npm run purge`): deletes what the feature may no longer
 * keep. Every registered purge runs in one transaction, in the order of the features; a purge must be idempotent,
 * because several instances may run it.
 */
export interface Purge {
  /** Names the purge in results and logs: `contact-requests`. */
  readonly name: string;
  run(manager: EntityManager, context: PurgeContext): Promise<PurgeOutcome>;
}
