import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource, type EntityManager } from 'typeorm';
import { FEATURE_REGISTRY } from '../../src/app.module.js';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { AuditEventsRepository } from '../../src/audit/audit-events.repository.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { AppConfig } from '../../src/config/app-config.js';
import {
  type ClusterJob,
  ClusterJobs,
  type ClusterJobOutcome,
  JOB_RAN_ACTION,
} from '../../src/maintenance/cluster-jobs.js';
import { JobRun } from '../../src/maintenance/job-run.entity.js';
import { JobRunsRepository } from '../../src/maintenance/job-runs.repository.js';
import { JOB_RUN_RETENTION_DAYS } from '../../src/maintenance/maintenance.module.js';
import { slotOf } from '../../src/maintenance/job-slots.js';
import { MaintenanceService, RETENTION_SCHEDULE } from '../../src/maintenance/maintenance.service.js';
import { E2E_EMBEDDED, itConcurrently, testDataSource } from '../setup/test-database.js';
import { type TestApp, useTestApp } from '../utils/test-app.js';

/**
 * Scheduled jobs on a database that several instances share: each instance here is the maintenance service with its
 * own connection pool (on PostgreSQL; the embedded database has one connection, which they share) and its own clock,
 * set a few seconds apart as real instances' clocks and cron ticks are.
 */

const DAY = 24 * 60 * 60 * 1000;
const embedded = process.env[E2E_EMBEDDED] === 'true';

interface Instance {
  clock: ManualClock;
  jobs: ClusterJobs;
  maintenance: MaintenanceService;
}

/** Builds `count` instances on the app's database; their pools are closed after the describe block. */
function useInstances(app: () => TestApp, count: number): () => Instance[] {
  const pools: DataSource[] = [];
  let instances: Instance[] = [];
  beforeAll(async () => {
    const shared = app().app.get(DataSource);
    const url = (shared.options as { url: string }).url;
    instances = [];
    for (let i = 0; i < count; i++) {
      let dataSource = shared;
      if (!embedded && i > 0) {
        dataSource = await testDataSource(url, 2).initialize();
        pools.push(dataSource);
      }
      const clock = new ManualClock();
      const jobs = new ClusterJobs(
        dataSource,
        new JobRunsRepository(dataSource),
        new AuditEventsRepository(dataSource),
        clock,
      );
      const maintenance = new MaintenanceService(dataSource, FEATURE_REGISTRY, clock, app().app.get(AppConfig), jobs);
      instances.push({ clock, jobs, maintenance });
    }
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.destroy()));
  });
  return () => instances;
}

describe('scheduled jobs across instances (medium)', () => {
  const app = useTestApp({ isolatedDatabase: true, clock: new ManualClock(new Date('2032-06-14T12:00:00Z')) });
  const instances = useInstances(app, 3);
  const db = () => app().app.get(DataSource);
  /** Each instance's tick for `slot`, its clock off by the given milliseconds. */
  const setClocks = (slot: Date, skews: number[]) =>
    instances().forEach((instance, i) => instance.clock.set(new Date(slot.getTime() + skews[i])));
  const auditEvents = (action: string) =>
    db()
      .getRepository(AuditEvent)
      .find({ where: { action }, order: { occurredAt: 'ASC', id: 'ASC' } });
  const statuses = (outcomes: ClusterJobOutcome<unknown>[]) => outcomes.map((o) => o.status).sort();

  it('runs the retention purge once per slot across three instances whose clocks differ by seconds; the next slot runs again', async () => {
    const first = new Date('2032-06-15T03:00:00.000Z');
    setClocks(first, [-1_300, 200, 2_700]);
    const outcomes = await Promise.all(instances().map((instance) => instance.maintenance.runScheduled()));

    const ran = outcomes.filter((o) => o.status === 'ran');
    expect(ran).toHaveLength(1);
    for (const skipped of outcomes.filter((o) => o.status !== 'ran')) {
      expect(['running-elsewhere', 'already-ran']).toContain(skipped.status);
    }
    expect(outcomes.map((o) => o.slot.toISOString())).toEqual(Array(3).fill(first.toISOString()));
    const runner = instances()[outcomes.indexOf(ran[0])];
    expect(await new JobRunsRepository(db()).findRuns('retention')).toEqual([
      { job: 'retention', slot: first, ranAt: runner.clock.now() },
    ]);
    const events = await auditEvents(JOB_RAN_ACTION);
    const purged = ran[0].status === 'ran' ? ran[0].result : {};
    expect(events.map((e) => [e.actorType, e.actorId, e.entityType, e.entityId, e.requestId, e.metadata])).toEqual([
      [
        'system',
        null,
        'scheduled_job',
        null,
        null,
        {
          job: 'retention',
          slot: first.toISOString(),
          purges: Object.fromEntries(Object.entries(purged).map(([name, outcome]) => [name, outcome.counts])),
        },
      ],
    ]);
    expect(Object.keys(purged)).toEqual(FEATURE_REGISTRY.purges.map((p) => p.name));
    // The purges themselves ran once: the contact requests' own audit event is there once.
    expect(await auditEvents('contact_request.purged')).toHaveLength(1);

    // Ticks that come late for the same slot (a restarted instance, a slow timer) find it done.
    setClocks(first, [5 * 60_000, 11 * 60 * 60_000, 59_000]);
    const late = await Promise.all(instances().map((instance) => instance.maintenance.runScheduled()));
    expect(statuses(late)).toEqual(['already-ran', 'already-ran', 'already-ran']);
    expect(await auditEvents(JOB_RAN_ACTION)).toHaveLength(1);

    const second = new Date(first.getTime() + DAY);
    setClocks(second, [900, -2_100, 0]);
    const next = await Promise.all(instances().map((instance) => instance.maintenance.runScheduled()));
    expect(next.filter((o) => o.status === 'ran')).toHaveLength(1);
    expect(next.map((o) => o.slot.toISOString())).toEqual(Array(3).fill(second.toISOString()));
    expect((await new JobRunsRepository(db()).findRuns('retention')).map((r) => r.slot)).toEqual([first, second]);
    expect((await auditEvents(JOB_RAN_ACTION)).map((e) => e.metadata.slot)).toEqual([
      first.toISOString(),
      second.toISOString(),
    ]);
    expect(await auditEvents('contact_request.purged')).toHaveLength(2);
  });

  it('leaves a slot whose run failed free for the next tick, with nothing recorded', async () => {
    const slot = new Date('2032-07-01T00:00:00.000Z');
    let calls = 0;
    const job: ClusterJob<number> = {
      name: 'flaky',
      schedule: { everyMs: DAY },
      run: async (manager: EntityManager) => {
        calls += 1;
        await manager.query(`INSERT INTO seed_runs (name) VALUES ('written-by-flaky-${calls}')`);
        if (calls === 1) throw new Error('job failed');
        return calls;
      },
    };
    const [a, b] = instances();
    setClocks(slot, [0, 1_000, 0]);
    await expect(a.jobs.runDue(job)).rejects.toThrow('job failed');
    expect(await new JobRunsRepository(db()).findRuns('flaky')).toEqual([]);
    expect(await db().query(`SELECT name FROM seed_runs WHERE name LIKE 'written-by-flaky-%'`)).toEqual([]);

    expect(await b.jobs.runDue(job)).toEqual({ slot, status: 'ran', result: 2 });
    expect(await a.jobs.runDue(job)).toEqual({ slot, status: 'already-ran' });
    expect((await auditEvents(JOB_RAN_ACTION)).filter((e) => e.metadata.job === 'flaky')).toHaveLength(1);
  });

  // Needs a second session while the first one's transaction is open.
  itConcurrently('returns at once, without waiting, when another instance is running the slot', async () => {
    const slot = new Date('2032-08-01T00:00:00.000Z');
    const [a, b, c] = instances();
    const seen: ClusterJobOutcome<string>[] = [];
    const job: ClusterJob<string> = {
      name: 'long-running',
      schedule: { everyMs: DAY },
      // While the run's transaction is open, the other instances tick: they must not block on it.
      run: async () => {
        seen.push(...(await Promise.all([b.jobs.runDue(job), c.jobs.runDue(job)])));
        return 'done';
      },
    };
    setClocks(slot, [0, -800, 1_500]);
    expect(await a.jobs.runDue(job)).toEqual({ slot, status: 'ran', result: 'done' });
    expect(seen).toEqual([
      { slot, status: 'running-elsewhere' },
      { slot, status: 'running-elsewhere' },
    ]);
    expect(await b.jobs.runDue(job)).toEqual({ slot, status: 'already-ran' });
  });

  it('registers the retention run with the scheduler at the starts of its slots, in UTC', () => {
    const cron = app().app.get(SchedulerRegistry).getCronJob('retention');
    const fires = cron.nextDates(3).map((d) => d.toJSDate());
    expect(fires).toHaveLength(3);
    for (const at of fires) {
      expect(at.getUTCHours()).toBe(3);
      expect(slotOf(RETENTION_SCHEDULE, at)).toEqual(at);
    }
  });

  it('purges the records of runs older than 90 days with the rest of retention', async () => {
    const runs = new JobRunsRepository(db());
    const now = new Date('2032-06-14T12:00:00Z');
    const at = (days: number) => new Date(now.getTime() - days * DAY);
    await db()
      .getRepository(JobRun)
      .insert([
        { job: 'purge-probe', slot: at(JOB_RUN_RETENTION_DAYS + 1), ranAt: at(JOB_RUN_RETENTION_DAYS + 1) },
        { job: 'purge-probe', slot: at(JOB_RUN_RETENTION_DAYS - 1), ranAt: at(JOB_RUN_RETENTION_DAYS - 1) },
      ]);
    instances()[0].clock.set(now);
    const results = await instances()[0].maintenance.purge();
    expect(results['job-runs'].counts.jobRuns).toBeGreaterThanOrEqual(1);
    expect((await runs.findRuns('purge-probe')).map((run) => run.slot)).toEqual([at(JOB_RUN_RETENTION_DAYS - 1)]);
  });
});
