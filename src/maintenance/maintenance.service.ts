import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { FeatureRegistry } from '../common/feature/feature.js';
import { AppConfig } from '../config/app-config.js';
import { withMaintenanceTransaction } from '../database/query-deadline.js';
import { type ClusterJob, type ClusterJobOutcome, ClusterJobs } from './cluster-jobs.js';
import { describePurges, type PurgeResults, runPurges } from './run-purges.js';

const HOUR_MS = 60 * 60 * 1000;

/** The `@Cron` below fires at these slots' starts: every day at 03:00 UTC. */
export const RETENTION_SCHEDULE = { everyMs: 24 * HOUR_MS, offsetMs: 3 * HOUR_MS };

/**
 * The daily retention run: every purge the features register (`@Feature({ purges })`), in one transaction, on a
 * connection with the maintenance deadline, once per day across all instances (ClusterJobs). Also on demand, outside
 * the schedule: `purge()` and `npm run purge`.
 */
@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger('Retention');
  readonly retention: ClusterJob<PurgeResults> = {
    name: 'retention',
    schedule: RETENTION_SCHEDULE,
    run: (manager, { now }) => runPurges(manager, this.features.purges, { now, config: this.config }),
    auditMetadata: (results) => ({
      purges: Object.fromEntries(Object.entries(results).map(([name, outcome]) => [name, outcome.counts])),
    }),
  };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly features: FeatureRegistry,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly jobs: ClusterJobs,
  ) {}

  // In UTC, as its slots are: instances in different time zones still fire together.
  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'retention', timeZone: 'UTC' })
  async daily(): Promise<void> {
    try {
      const outcome = await this.runScheduled();
      if (outcome.status === 'ran') this.logger.log(`Retention: ${describePurges(outcome.result)}`);
    } catch (error) {
      this.logger.error(`Retention purge failed: ${(error as Error).name}`);
    }
  }

  /** The scheduled run: the purges for the current slot, unless another instance runs or ran them. */
  runScheduled(): Promise<ClusterJobOutcome<PurgeResults>> {
    return this.jobs.runDue(this.retention);
  }

  /** Every purge now, whatever ran before (an operator's or a test's run). */
  purge(): Promise<PurgeResults> {
    // Minutes, not a request's seconds, may be needed (the first purge after a retention change, a large backlog).
    return withMaintenanceTransaction(this.dataSource, (manager) =>
      runPurges(manager, this.features.purges, { now: this.clock.now(), config: this.config }),
    );
  }
}
