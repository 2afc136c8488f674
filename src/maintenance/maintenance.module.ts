import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import type { Purge } from '../common/feature/purge.js';
import { ClusterJobs } from './cluster-jobs.js';
import { JobRun } from './job-run.entity.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { MaintenanceService } from './maintenance.service.js';
import { Sweeps } from './sweeps.js';

/** How long the record of a scheduled run is kept: long enough to look back on, short enough not to grow. */
export const JOB_RUN_RETENTION_DAYS = 90;

const oldJobRuns: Purge = {
  name: 'job-runs',
  async run(manager, { now }) {
    const cutoff = new Date(now.getTime() - JOB_RUN_RETENTION_DAYS * 86_400_000);
    const deleted = await new JobRunsRepository(manager.connection).purgeBefore(cutoff, manager);
    return {
      counts: { jobRuns: deleted },
      summary: `${deleted} scheduled-run ${deleted === 1 ? 'record' : 'records'} older than ${JOB_RUN_RETENTION_DAYS} days`,
    };
  },
};

/**
 * Scheduled upkeep for the whole app: the daily retention run of every feature's registered purge, once per day
 * across all instances (ClusterJobs); and Sweeps, for features whose work falls due at instants stored in their rows.
 */
@Feature({
  entities: [JobRun],
  purges: [oldJobRuns],
  imports: [AuditModule],
  providers: [MaintenanceService, ClusterJobs, JobRunsRepository, Sweeps],
  exports: [MaintenanceService, ClusterJobs, Sweeps],
})
export class MaintenanceModule {}
