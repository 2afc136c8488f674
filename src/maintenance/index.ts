/**
 * Scheduled jobs, for features that add one: `ClusterJobs.runDue` from a `@Cron` runs it once per slot across every
 * instance (provide ClusterJobs and JobRunsRepository in a module that imports AuditModule).
 */
export { ClusterJobs, type ClusterJob, type ClusterJobOutcome, JOB_RAN_ACTION } from './cluster-jobs.js';
export { JobRun } from './job-run.entity.js';
export { JobRunsRepository } from './job-runs.repository.js';
export { type SlotSchedule, slotOf } from './job-slots.js';
export { MaintenanceModule } from './maintenance.module.js';
export { markingSweep, type Sweep, type SweepOutcome, Sweeps } from './sweeps.js';
