import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource, type EntityManager, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { AuditService, type AuditContext } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import type { FieldError } from '../common/errors/problem-details.js';
import { pageWindow, toPage, type Page, type PaginationQueryDto } from '../common/pagination/pagination.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { ExceptionRequest, PutScheduleRequest, UpdateExceptionRequest } from './dto/hours.requests.js';
import { HoursException } from './hours-exception.entity.js';
import { HoursSchedule } from './hours-schedule.entity.js';
import {
  calendar,
  type DayHours,
  exceptionsOverlap,
  type HoursStatus,
  periodProblems,
  type Schedule,
  status,
  type TimeRange,
  todayIn,
  type Weekday,
} from './schedule.js';

/** Public listings show the exceptions from today through this many days ahead. */
export const UPCOMING_DAYS = 90;
/** The longest exception: a year (a closure longer than that is a different schedule). */
export const MAX_EXCEPTION_DAYS = 366;
/** How far ahead an exception may start: about two years, enough for any holiday plan. */
export const MAX_EXCEPTION_LEAD_DAYS = 730;

const addDays = (date: string, days: number): string => DateTime.fromISO(date).plus({ days }).toISODate() ?? date;
const daysBetween = (from: string, to: string): number =>
  DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days;

function problemsAsFieldErrors(periods: readonly (TimeRange & { day?: Weekday })[]): FieldError[] {
  return periodProblems(periods).map((p) => ({ field: `periods.${p.index}.${p.field}`, message: p.message }));
}

@Injectable()
export class HoursService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(query: PaginationQueryDto): Promise<Page<{ schedule: HoursSchedule; upcoming: HoursException[] }>> {
    const [schedules, total] = await this.dataSource
      .getRepository(HoursSchedule)
      .findAndCount({ order: { key: 'ASC' }, ...pageWindow(query) });
    const data = await Promise.all(
      schedules.map(async (schedule) => ({ schedule, upcoming: await this.upcoming(schedule) })),
    );
    return toPage(data, total, query);
  }

  async get(key: string): Promise<{ schedule: HoursSchedule; upcoming: HoursException[] }> {
    const schedule = await this.find(key);
    return { schedule, upcoming: await this.upcoming(schedule) };
  }

  async status(key: string, at: Date): Promise<{ schedule: HoursSchedule; status: HoursStatus }> {
    const schedule = await this.find(key);
    return { schedule, status: status(await this.definition(schedule), at) };
  }

  async calendar(
    key: string,
    from: string | undefined,
    days: number,
  ): Promise<{ schedule: HoursSchedule; days: DayHours[] }> {
    const schedule = await this.find(key);
    const start = from ?? this.today(schedule);
    return { schedule, days: calendar(await this.definition(schedule), start, days) };
  }

  /** Creates or replaces a schedule's name, zone, description and weekly periods (its exceptions stay). */
  put(
    key: string,
    body: PutScheduleRequest,
    ctx: AuditContext,
  ): Promise<{ schedule: HoursSchedule; created: boolean }> {
    const problems = problemsAsFieldErrors(body.periods);
    if (problems.length) throw validationFailed(problems);
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOne(HoursSchedule, { where: { key }, lock: { mode: 'pessimistic_write' } });
      const fields = {
        name: body.name,
        // Stored in the canonical spelling (`america/new_york` → `America/New_York`).
        timeZone: new Intl.DateTimeFormat('en-US', { timeZone: body.timeZone }).resolvedOptions().timeZone,
        description: body.description ?? null,
        periods: body.periods.map(({ day, opens, closes }) => ({ day, opens, closes })),
      };
      const schedule = existing ? Object.assign(existing, fields) : manager.create(HoursSchedule, { key, ...fields });
      await manager.save(schedule);
      await this.audit.record(manager, ctx, {
        action: existing ? 'hours.schedule_replaced' : 'hours.schedule_created',
        entityType: 'hours_schedule',
        entityId: schedule.id,
        metadata: { key },
      });
      return { schedule, created: !existing };
    });
  }

  remove(key: string, ctx: AuditContext): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const schedule = await this.find(key, manager);
      await manager.delete(HoursSchedule, { id: schedule.id });
      await this.audit.record(manager, ctx, {
        action: 'hours.schedule_deleted',
        entityType: 'hours_schedule',
        entityId: schedule.id,
        metadata: { key },
      });
    });
  }

  async listExceptions(key: string, query: PaginationQueryDto): Promise<Page<HoursException>> {
    const schedule = await this.find(key);
    const [rows, total] = await this.dataSource.getRepository(HoursException).findAndCount({
      where: { scheduleId: schedule.id },
      order: { startDate: 'ASC', id: 'ASC' },
      ...pageWindow(query),
    });
    return toPage(rows, total, query);
  }

  async getException(key: string, id: string): Promise<HoursException> {
    const schedule = await this.find(key);
    return this.findException(this.dataSource.manager, schedule.id, id);
  }

  createException(key: string, body: ExceptionRequest, ctx: AuditContext): Promise<HoursException> {
    return this.dataSource.transaction(async (manager) => {
      const schedule = await this.find(key, manager, true);
      const fields = checkedException(
        {
          startDate: body.startDate,
          endDate: body.endDate ?? body.startDate,
          closed: body.closed,
          periods: body.periods ?? [],
          label: body.label,
        },
        this.today(schedule),
      );
      await this.assertNoOverlap(manager, schedule.id, fields);
      const exception = await manager.save(manager.create(HoursException, { scheduleId: schedule.id, ...fields }));
      await this.audit.record(manager, ctx, {
        action: 'hours.exception_created',
        entityType: 'hours_exception',
        entityId: exception.id,
        metadata: { key, startDate: fields.startDate, endDate: fields.endDate },
      });
      return exception;
    });
  }

  updateException(key: string, id: string, body: UpdateExceptionRequest, ctx: AuditContext): Promise<HoursException> {
    return this.dataSource.transaction(async (manager) => {
      const schedule = await this.find(key, manager, true);
      const exception = await this.findException(manager, schedule.id, id);
      const closed = body.closed ?? exception.closed;
      const fields = checkedException(
        {
          startDate: body.startDate ?? exception.startDate,
          endDate:
            body.endDate ??
            (body.startDate && exception.startDate === exception.endDate ? body.startDate : exception.endDate),
          closed,
          // Closing a day drops its replacement periods unless new ones are given.
          periods: body.periods ?? (closed ? [] : exception.periods),
          label: body.label ?? exception.label,
        },
        this.today(schedule),
      );
      await this.assertNoOverlap(manager, schedule.id, fields, exception.id);
      const saved = await manager.save(Object.assign(exception, fields));
      await this.audit.record(manager, ctx, {
        action: 'hours.exception_updated',
        entityType: 'hours_exception',
        entityId: exception.id,
        metadata: { key, fields: Object.keys(body).sort() },
      });
      return saved;
    });
  }

  removeException(key: string, id: string, ctx: AuditContext): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const schedule = await this.find(key, manager, true);
      const exception = await this.findException(manager, schedule.id, id);
      await manager.delete(HoursException, { id: exception.id });
      await this.audit.record(manager, ctx, {
        action: 'hours.exception_deleted',
        entityType: 'hours_exception',
        entityId: exception.id,
        metadata: { key },
      });
    });
  }

  /** The schedule with every exception, as the pure functions take it. */
  private async definition(schedule: HoursSchedule): Promise<Schedule> {
    const exceptions = await this.dataSource.getRepository(HoursException).findBy({ scheduleId: schedule.id });
    return {
      timeZone: schedule.timeZone,
      periods: schedule.periods,
      exceptions: exceptions.map(({ startDate, endDate, closed, periods, label }) => ({
        startDate,
        endDate,
        closed,
        periods,
        label,
      })),
    };
  }

  /** Today's local date in the schedule's zone. */
  private today(schedule: HoursSchedule): string {
    return todayIn(schedule.timeZone, this.clock.now());
  }

  private upcoming(schedule: HoursSchedule): Promise<HoursException[]> {
    const today = this.today(schedule);
    return this.dataSource.getRepository(HoursException).find({
      where: {
        scheduleId: schedule.id,
        endDate: MoreThanOrEqual(today),
        startDate: LessThanOrEqual(addDays(today, UPCOMING_DAYS)),
      },
      order: { startDate: 'ASC' },
    });
  }

  private async find(
    key: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<HoursSchedule> {
    const schedule = await manager.findOne(HoursSchedule, {
      where: { key },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!schedule) throw new AppException('not_found', `No schedule with the key ${key}.`);
    return schedule;
  }

  private async findException(manager: EntityManager, scheduleId: string, id: string): Promise<HoursException> {
    const exception = await manager.findOneBy(HoursException, { id, scheduleId });
    if (!exception) throw new AppException('not_found', 'No exception with this id on this schedule.');
    return exception;
  }

  /** Runs under the schedule's row lock, so two concurrent requests cannot both add overlapping ranges. */
  private async assertNoOverlap(
    manager: EntityManager,
    scheduleId: string,
    range: { startDate: string; endDate: string },
    exceptId?: string,
  ): Promise<void> {
    const others = await manager.findBy(HoursException, { scheduleId });
    const clash = others.find((other) => other.id !== exceptId && exceptionsOverlap(other, range));
    if (clash) {
      throw new AppException(
        'conflict',
        `The dates overlap the exception "${clash.label}" (${clash.startDate} to ${clash.endDate}).`,
      );
    }
  }
}

type ExceptionFields = Pick<HoursException, 'startDate' | 'endDate' | 'closed' | 'periods' | 'label'>;

/**
 * The rules that involve several fields of an exception, or today's local date; throws one validation error naming
 * each field.
 */
export function checkedException(fields: ExceptionFields, today: string): ExceptionFields {
  const errors: FieldError[] = [];
  const latestStart = addDays(today, MAX_EXCEPTION_LEAD_DAYS);
  if (fields.startDate > latestStart) {
    errors.push({
      field: 'startDate',
      message: `startDate must be at most ${MAX_EXCEPTION_LEAD_DAYS} days ahead (on or before ${latestStart})`,
    });
  }
  if (fields.endDate < fields.startDate) {
    errors.push({ field: 'endDate', message: 'endDate must not be before startDate' });
  } else if (daysBetween(fields.startDate, fields.endDate) >= MAX_EXCEPTION_DAYS) {
    errors.push({ field: 'endDate', message: `an exception covers at most ${MAX_EXCEPTION_DAYS} days` });
  }
  if (fields.closed && fields.periods.length > 0) {
    errors.push({ field: 'periods', message: 'periods must be empty when closed is true' });
  }
  if (!fields.closed && fields.periods.length === 0) {
    errors.push({ field: 'periods', message: 'periods must list at least one period when closed is false' });
  }
  errors.push(...problemsAsFieldErrors(fields.periods));
  if (errors.length) throw validationFailed(errors);
  return { ...fields, periods: fields.periods.map(({ opens, closes }) => ({ opens, closes })) };
}
