import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per scheduled job and slot that has run to completion, written in the run's own transaction: the run and
 * its row commit together, so a slot with a row is done, and a slot whose run failed has none and may run again.
 */
@Entity({ name: 'job_runs' })
export class JobRun {
  /** The job's name: `retention`. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  job!: string;

  /** The scheduled instant the run was for (not when a tick happened to fire). */
  @PrimaryColumn({ type: 'timestamptz' })
  slot!: Date;

  /** When the run started, by the app's clock. */
  @Column({ type: 'timestamptz' })
  ranAt!: Date;
}
