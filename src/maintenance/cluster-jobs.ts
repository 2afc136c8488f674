import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog, SYSTEM_CONTEXT } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { withMaintenanceTransaction } from '../database/query-deadline.js';
import { type ClaimRefusal, JobRunsRepository } from './job-runs.repository.js';
import { type SlotSchedule, slotOf } from './job-slots.js';

/** A scheduled job that must run once per slot across every instance sharing the database. */
export interface ClusterJob<T> {
  /** Names the job in `job_runs`, its lock, its audit events and logs: `retention`. */
  readonly name: string;
  /** Its slots; the `@Cron` that triggers it must fire at their starts (in UTC). */
  readonly schedule: SlotSchedule;
  /** The work, in the run's transaction: it commits with the run's record and audit event, or none of them does. */
  run(manager: EntityManager, at: { slot: Date; now: Date }): Promise<T>;
  /** What the run's audit event keeps besides the job and slot: counts and ids, never personal data. */
  auditMetadata?(result: T): Record<string, unknown>;
}

export type ClusterJobOutcome<T> = { slot: Date } & ({ status: 'ran'; result: T } | { status: ClaimRefusal });

/** The audit event of every completed run. */
export const JOB_RAN_ACTION = 'scheduled_job.ran';

/**
 * Runs scheduled jobs once per slot across the cluster. Every instance's tick calls `runDue`; in one transaction it
 * claims the slot (transaction-level advisory lock plus a `job_runs` row, see JobRunsRepository.claim), runs the job
 * and records one `scheduled_job.ran` audit event. The other instances' ticks for that slot find it running or done
 * and return without doing anything. Nothing is session-scoped, so this works through PgBouncer in transaction
 * pooling, and on the embedded database (one connection: the ticks simply take turns). Provide it in a module that
 * imports AuditModule.
 */
@Injectable()
export class ClusterJobs {
  private readonly logger = new Logger('Jobs');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: JobRunsRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** Runs `job` for the slot of the clock's now, unless another instance runs or ran it. */
  async runDue<T>(job: ClusterJob<T>): Promise<ClusterJobOutcome<T>> {
    const now = this.clock.now();
    const slot = slotOf(job.schedule, now);
    // A maintenance transaction: a job may need minutes, which no request deadline allows.
    const outcome = await withMaintenanceTransaction(
      this.dataSource,
      async (manager): Promise<ClusterJobOutcome<T>> => {
        const claim = await this.runs.claim(job.name, slot, now, manager);
        if (claim !== 'claimed') return { slot, status: claim };
        const result = await job.run(manager, { slot, now });
        await this.audit.record(manager, SYSTEM_CONTEXT, {
          action: JOB_RAN_ACTION,
          entityType: 'scheduled_job',
          metadata: { job: job.name, slot: slot.toISOString(), ...job.auditMetadata?.(result) },
        });
        return { slot, status: 'ran', result };
      },
    );
    if (outcome.status !== 'ran') {
      this.logger.log(`${job.name} for ${slot.toISOString()}: ${outcome.status.replace('-', ' ')}, skipped`);
    }
    return outcome;
  }
}
