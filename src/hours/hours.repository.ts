import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import type { ExceptionFields } from './hours-rules.js';
import { HoursException } from './hours-exception.entity.js';
import { HoursSchedule } from './hours-schedule.entity.js';

/** What a PUT sets on a schedule: everything but its key (and its exceptions, which stay). */
export type ScheduleFields = Pick<HoursSchedule, 'name' | 'timeZone' | 'description' | 'periods'>;

/** A page of rows, as SQL offset and limit. */
interface Window {
  skip: number;
  take: number;
}

/**
 * The hours aggregate: schedules and their exceptions (deleted with their schedule). Not versioned: writes to a
 * schedule's exceptions serialize on the schedule's row lock instead.
 */
@Injectable()
export class HoursRepository extends AggregateRepository<HoursSchedule> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, HoursSchedule);
  }

  /** A page of schedules by key, and how many there are. */
  findSchedules(window: Window, manager?: EntityManager): Promise<[HoursSchedule[], number]> {
    return this.manager(manager).findAndCount(HoursSchedule, { order: { key: 'ASC' }, ...window });
  }

  findByKey(key: string, manager?: EntityManager): Promise<HoursSchedule | null> {
    return this.manager(manager).findOneBy(HoursSchedule, { key });
  }

  /** The schedule, locked until the transaction ends: its exceptions' writers queue behind it. */
  findByKeyForUpdate(key: string, manager: EntityManager): Promise<HoursSchedule | null> {
    return manager.findOne(HoursSchedule, { where: { key }, lock: { mode: 'pessimistic_write' } });
  }

  /** Creates the schedule of this key, or replaces its fields under its row lock; `previous`: its fields before. */
  async upsertSchedule(
    key: string,
    fields: ScheduleFields,
    manager: EntityManager,
  ): Promise<{ schedule: HoursSchedule; previous: ScheduleFields | null }> {
    const existing = await this.findByKeyForUpdate(key, manager);
    const previous: ScheduleFields | null = existing && {
      name: existing.name,
      timeZone: existing.timeZone,
      description: existing.description,
      periods: existing.periods,
    };
    const schedule = existing ? Object.assign(existing, fields) : manager.create(HoursSchedule, { key, ...fields });
    await manager.save(schedule);
    return { schedule, previous };
  }

  /** Deletes the schedule; its exceptions go with it (ON DELETE CASCADE). */
  async deleteSchedule(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(HoursSchedule, { id });
  }

  /** Every exception of the schedule, in no particular order. */
  exceptionsOf(scheduleId: string, manager?: EntityManager): Promise<HoursException[]> {
    return this.manager(manager).findBy(HoursException, { scheduleId });
  }

  /** The exceptions that end on or after `from` and start on or before `through`, by start date. */
  exceptionsBetween(
    scheduleId: string,
    from: string,
    through: string,
    manager?: EntityManager,
  ): Promise<HoursException[]> {
    return this.manager(manager).find(HoursException, {
      where: { scheduleId, endDate: MoreThanOrEqual(from), startDate: LessThanOrEqual(through) },
      order: { startDate: 'ASC' },
    });
  }

  /** A page of the schedule's exceptions by start date, and how many it has. */
  exceptionPage(scheduleId: string, window: Window, manager?: EntityManager): Promise<[HoursException[], number]> {
    return this.manager(manager).findAndCount(HoursException, {
      where: { scheduleId },
      order: { startDate: 'ASC', id: 'ASC' },
      ...window,
    });
  }

  /** The exception when it belongs to this schedule. */
  findException(scheduleId: string, id: string, manager?: EntityManager): Promise<HoursException | null> {
    return this.manager(manager).findOneBy(HoursException, { id, scheduleId });
  }

  insertException(scheduleId: string, fields: ExceptionFields, manager?: EntityManager): Promise<HoursException> {
    const repository = this.manager(manager).getRepository(HoursException);
    return repository.save(repository.create({ scheduleId, ...fields }));
  }

  updateException(
    exception: HoursException,
    fields: ExceptionFields,
    manager?: EntityManager,
  ): Promise<HoursException> {
    return this.manager(manager).save(Object.assign(exception, fields));
  }

  async deleteException(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(HoursException, { id });
  }
}
