import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog, type AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { ResponseCache } from '../common/http/caching/index.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page, type PaginationQueryDto } from '../common/pagination/pagination.js';
import { ReadReplicas } from '../database/read-replicas.js';
import { eventOf, HOURS_CHANGED, type HoursChangedEvent, Outbox, WebhookDispatcher } from '../notifications/index.js';
import type { ExceptionRequest, PutScheduleRequest, UpdateExceptionRequest } from './dto/hours.requests.js';
import { checkedException, checkPeriods, type ExceptionFields, sameHours, UPCOMING_DAYS } from './hours-rules.js';
import type { HoursException } from './hours-exception.entity.js';
import type { HoursSchedule } from './hours-schedule.entity.js';
import { HoursRepository } from './hours.repository.js';
import {
  addDays,
  calendar,
  type DayHours,
  exceptionsOverlap,
  type HoursStatus,
  type Schedule,
  StatusMemo,
  todayIn,
} from './schedule.js';

/** The response-cache tag of every public hours response: each write forgets them all. */
export const HOURS_CACHE_TAG = 'hours';

/** The rules of operating hours around their repository: overlaps, today's window, and the audit of each write. */
@Injectable()
export class HoursService {
  private readonly statuses = new StatusMemo();

  constructor(
    private readonly hours: HoursRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly cache: ResponseCache,
    private readonly replicas: ReadReplicas,
    private readonly outbox: Outbox,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /**
   * One write's transaction; the cached public responses are forgotten once it ends, committed or not, and the
   * `hours.changed` it announced is sent once it committed.
   */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      const result = await this.hours.transaction(work);
      this.dispatcher.poke();
      return result;
    } finally {
      this.cache.invalidate(HOURS_CACHE_TAG);
    }
  }

  /** Announces a change of the schedule or of one of its exceptions, in the write's transaction. */
  private announce(
    manager: EntityManager,
    ctx: AuditContext,
    schedule: HoursSchedule,
    change: HoursChangedEvent['change'],
    exceptionId: string | null = null,
  ): Promise<void> {
    const fields = {
      scheduleKey: schedule.key,
      scheduleId: schedule.id,
      change,
      exceptionId,
      cacheTags: [HOURS_CACHE_TAG, `hours:${schedule.key}`],
    };
    const at = { occurredAt: this.clock.now(), trace: ctx.trace };
    return this.outbox.enqueue(manager, eventOf(HOURS_CHANGED, schedule.id, fields, at));
  }

  /** The public list (on a read replica when there is one: see ReadReplicas). */
  async list(query: PaginationQueryDto): Promise<Page<{ schedule: HoursSchedule; upcoming: HoursException[] }>> {
    return this.replicas.read(HOURS_CACHE_TAG, async ({ manager }) => {
      const [schedules, total] = await this.hours.findSchedules(pageWindow(query), manager);
      const data = await Promise.all(
        schedules.map(async (schedule) => ({ schedule, upcoming: await this.upcoming(schedule, manager) })),
      );
      return toPage(data, total, query);
    });
  }

  /** One schedule for staff, from the primary: right after their own write, it shows that write. */
  async get(key: string, manager?: EntityManager): Promise<{ schedule: HoursSchedule; upcoming: HoursException[] }> {
    const schedule = await this.find(key, manager);
    return { schedule, upcoming: await this.upcoming(schedule, manager) };
  }

  /** One schedule for the public (on a read replica when there is one). */
  getPublic(key: string): Promise<{ schedule: HoursSchedule; upcoming: HoursException[] }> {
    return this.replicas.read(HOURS_CACHE_TAG, ({ manager }) => this.get(key, manager));
  }

  /** Open at `at`? Computed again only at the next opening, closing or local midnight (see StatusMemo). */
  async status(key: string, at: Date): Promise<{ schedule: HoursSchedule; status: HoursStatus }> {
    const { schedule, definition } = await this.definitionOf(key);
    return { schedule, status: this.statuses.status(definition, at) };
  }

  async calendar(
    key: string,
    from: string | undefined,
    days: number,
  ): Promise<{ schedule: HoursSchedule; days: DayHours[] }> {
    const { schedule, definition } = await this.definitionOf(key);
    const start = from ?? this.today(schedule);
    return { schedule, days: calendar(definition, start, days) };
  }

  /** Creates or replaces a schedule's name, zone, description and weekly periods (its exceptions stay). */
  async put(
    key: string,
    body: PutScheduleRequest,
    ctx: AuditContext,
  ): Promise<{ schedule: HoursSchedule; created: boolean }> {
    checkPeriods(body.periods);
    const fields = {
      name: body.name,
      // Stored in the canonical spelling (`america/new_york` → `America/New_York`).
      timeZone: new Intl.DateTimeFormat('en-US', { timeZone: body.timeZone }).resolvedOptions().timeZone,
      description: body.description ?? null,
      periods: body.periods.map(({ day, opens, closes }) => ({ day, opens, closes })),
    };
    return await this.write(async (manager) => {
      const { schedule, previous } = await this.hours.upsertSchedule(key, fields, manager);
      const created = previous === null;
      await this.audit.record(manager, ctx, {
        action: created ? 'hours.schedule_created' : 'hours.schedule_replaced',
        entityType: 'hours_schedule',
        entityId: schedule.id,
        metadata: { key },
      });
      if (created) await this.announce(manager, ctx, schedule, 'schedule_created');
      else if (!sameHours(previous, fields)) await this.announce(manager, ctx, schedule, 'schedule_replaced');
      return { schedule, created };
    });
  }

  remove(key: string, ctx: AuditContext): Promise<void> {
    return this.write(async (manager) => {
      const schedule = await this.find(key, manager);
      await this.hours.deleteSchedule(schedule.id, manager);
      await this.audit.record(manager, ctx, {
        action: 'hours.schedule_deleted',
        entityType: 'hours_schedule',
        entityId: schedule.id,
        metadata: { key },
      });
      await this.announce(manager, ctx, schedule, 'schedule_deleted');
    });
  }

  async listExceptions(key: string, query: PaginationQueryDto): Promise<Page<HoursException>> {
    const schedule = await this.find(key);
    const [rows, total] = await this.hours.exceptionPage(schedule.id, pageWindow(query));
    return toPage(rows, total, query);
  }

  async getException(key: string, id: string): Promise<HoursException> {
    const schedule = await this.find(key);
    return this.findException(schedule.id, id);
  }

  createException(key: string, body: ExceptionRequest, ctx: AuditContext): Promise<HoursException> {
    return this.write(async (manager) => {
      const schedule = await this.lock(key, manager);
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
      const exception = await this.hours.insertException(schedule.id, fields, manager);
      await this.audit.record(manager, ctx, {
        action: 'hours.exception_created',
        entityType: 'hours_exception',
        entityId: exception.id,
        metadata: { key, startDate: fields.startDate, endDate: fields.endDate },
      });
      await this.announce(manager, ctx, schedule, 'exception_created', exception.id);
      return exception;
    });
  }

  updateException(key: string, id: string, body: UpdateExceptionRequest, ctx: AuditContext): Promise<HoursException> {
    return this.write(async (manager) => {
      const schedule = await this.lock(key, manager);
      const exception = await this.findException(schedule.id, id, manager);
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
      const changed = !sameHours(exception, fields);
      const saved = await this.hours.updateException(exception, fields, manager);
      await this.audit.record(manager, ctx, {
        action: 'hours.exception_updated',
        entityType: 'hours_exception',
        entityId: exception.id,
        metadata: { key, fields: Object.keys(body).sort() },
      });
      if (changed) await this.announce(manager, ctx, schedule, 'exception_updated', exception.id);
      return saved;
    });
  }

  removeException(key: string, id: string, ctx: AuditContext): Promise<void> {
    return this.write(async (manager) => {
      const schedule = await this.lock(key, manager);
      const exception = await this.findException(schedule.id, id, manager);
      await this.hours.deleteException(exception.id, manager);
      await this.audit.record(manager, ctx, {
        action: 'hours.exception_deleted',
        entityType: 'hours_exception',
        entityId: exception.id,
        metadata: { key },
      });
      await this.announce(manager, ctx, schedule, 'exception_deleted', exception.id);
    });
  }

  /**
   * The schedule and its definition, kept in memory as the public hours responses are (until the response cache's
   * TTL ends or an hours change, on any instance, clears them): every contact request computes its reply promise
   * from them, and reading them was two queries each time.
   */
  private definitionOf(key: string): Promise<{ schedule: HoursSchedule; definition: Schedule }> {
    return this.cache.memo(HOURS_CACHE_TAG, key, () =>
      // Public content (the hours shown at /hours/:key/status), so read on a replica when there is one.
      this.replicas.read(HOURS_CACHE_TAG, async ({ manager }) => {
        const schedule = await this.find(key, manager);
        return { schedule, definition: await this.definition(schedule, manager) };
      }),
    );
  }

  /** The schedule with every exception, as the pure functions take it. */
  private async definition(schedule: HoursSchedule, manager?: EntityManager): Promise<Schedule> {
    const exceptions = await this.hours.exceptionsOf(schedule.id, manager);
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

  /** The exceptions that end today or later and start at most UPCOMING_DAYS from today. */
  private upcoming(schedule: HoursSchedule, manager?: EntityManager): Promise<HoursException[]> {
    const today = this.today(schedule);
    return this.hours.exceptionsBetween(schedule.id, today, addDays(today, UPCOMING_DAYS), manager);
  }

  private async find(key: string, manager?: EntityManager): Promise<HoursSchedule> {
    return found(key, await this.hours.findByKey(key, manager));
  }

  /** The schedule, locked: writes to its exceptions run one at a time, so their overlap checks cannot race. */
  private async lock(key: string, manager: EntityManager): Promise<HoursSchedule> {
    return found(key, await this.hours.findByKeyForUpdate(key, manager));
  }

  private async findException(scheduleId: string, id: string, manager?: EntityManager): Promise<HoursException> {
    const exception = await this.hours.findException(scheduleId, id, manager);
    if (!exception) throw new AppException('not_found', 'No exception with this id on this schedule.');
    return exception;
  }

  /** Runs under the schedule's row lock, so two concurrent requests cannot both add overlapping ranges. */
  private async assertNoOverlap(
    manager: EntityManager,
    scheduleId: string,
    range: Pick<ExceptionFields, 'startDate' | 'endDate'>,
    exceptId?: string,
  ): Promise<void> {
    // The query narrows to the exceptions that reach the range; the rule is exceptionsOverlap's.
    const candidates = await this.hours.exceptionsBetween(scheduleId, range.startDate, range.endDate, manager);
    const clash = candidates.find((other) => other.id !== exceptId && exceptionsOverlap(other, range));
    if (clash) {
      throw new AppException(
        'conflict',
        `The dates overlap the exception "${clash.label}" (${clash.startDate} to ${clash.endDate}).`,
      );
    }
  }
}

function found(key: string, schedule: HoursSchedule | null): HoursSchedule {
  if (!schedule) throw new AppException('not_found', `No schedule with the key ${key}.`);
  return schedule;
}
