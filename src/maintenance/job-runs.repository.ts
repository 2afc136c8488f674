import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, LessThan } from 'typeorm';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import { JobRun } from './job-run.entity.js';

/** Why a slot was not claimed: another instance is running it now, or one already ran it. */
export type ClaimRefusal = 'running-elsewhere' | 'already-ran';

/** The record of scheduled runs (`job_runs`): which job ran for which slot. */
@Injectable()
export class JobRunsRepository extends AggregateRepository<JobRun> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, JobRun);
  }

  /**
   * Claims `job`'s `slot` for the caller's transaction, which must stay open for the whole run: a transaction-level
   * advisory lock on the job and slot (another instance running it now makes this return at once instead of waiting
   * for its run to end), then the run's row, which is refused when the slot already ran (that run committed and let
   * go of the lock). Both end with the transaction, not with a session: that holds through PgBouncer in transaction
   * pooling. A slot already recorded is answered first, without the lock.
   */
  async claim(job: string, slot: Date, ranAt: Date, manager: EntityManager): Promise<'claimed' | ClaimRefusal> {
    if (await manager.existsBy(JobRun, { job, slot })) return 'already-ran';
    if (!(await this.tryLock(`job:${job}@${slot.toISOString()}`, manager))) return 'running-elsewhere';
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(JobRun)
      .values({ job, slot, ranAt })
      .orIgnore()
      .returning(['job'])
      .execute();
    return (inserted.raw as unknown[]).length > 0 ? 'claimed' : 'already-ran';
  }

  /**
   * Takes the transaction-level advisory lock named `key` for the caller's transaction, or answers false at once when
   * another transaction holds it. It ends with the transaction, so it holds through PgBouncer in transaction pooling.
   */
  async tryLock(key: string, manager: EntityManager): Promise<boolean> {
    const [{ locked }] = await manager.query<{ locked: boolean }[]>(
      'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
      [key],
    );
    return locked;
  }

  /** Deletes the records of slots before `cutoff`; returns how many. */
  async purgeBefore(cutoff: Date, manager?: EntityManager): Promise<number> {
    const result = await this.manager(manager).delete(JobRun, { slot: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  /** The recorded runs of `job`, oldest slot first. */
  findRuns(job: string, manager?: EntityManager): Promise<JobRun[]> {
    return this.manager(manager).find(JobRun, { where: { job }, order: { slot: 'ASC' } });
  }
}
