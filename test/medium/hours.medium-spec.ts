import { jest } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { AuditLog, type AuditContext } from '../../src/common/audit/audit-log.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import type { ExceptionRequest, PutScheduleRequest } from '../../src/hours/dto/hours.requests.js';
import { HoursRepository } from '../../src/hours/hours.repository.js';
import { HoursService } from '../../src/hours/hours.service.js';
import { useTestApp } from '../utils/test-app.js';

/**
 * The hours service on its real repository and database, without HTTP: the overlap rules of exceptions, which of
 * them are "upcoming" for the injected clock in the schedule's own zone, the upsert of a schedule, and the audit
 * record of every write. Every instant is pinned; none depends on today's date or the machine's zone.
 */

/** Monday 2026-11-16, 12:00 in New York (17:00 UTC): well clear of a midnight or a daylight-saving change. */
const NOON = new Date('2026-11-16T17:00:00Z');

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;
const schedule = (timeZone: string, overrides: Partial<PutScheduleRequest> = {}): PutScheduleRequest => ({
  name: 'Text line',
  timeZone,
  description: 'When we answer texts.',
  periods: WEEKDAYS.map((day) => ({ day, opens: '09:00', closes: '17:00' })),
  ...overrides,
});
const closed = (startDate: string, endDate: string, label: string): ExceptionRequest => ({
  startDate,
  endDate,
  closed: true,
  label,
});

/** Rejects with an AppException of this code (and detail, when given). */
async function expectAppError(promise: Promise<unknown>, code: string, detail?: string): Promise<AppException> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppException);
  const appError = error as AppException;
  expect(appError.code).toBe(code);
  if (detail !== undefined) expect(appError.detail).toBe(detail);
  return appError;
}

describe('operating hours (service and repository)', () => {
  const clock = new ManualClock(NOON);
  const app = useTestApp({ clock });
  const service = () => app().app.get(HoursService);
  const repository = () => app().app.get(HoursRepository);
  const ctx: AuditContext = {
    actor: { type: 'user', id: randomUUID() },
    requestId: 'medium-hours',
    clientRequestId: null,
  };
  /** A key no other suite (sharing the database) uses. */
  const newKey = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;

  const auditOf = (...entityIds: string[]) =>
    app()
      .app.get(DataSource)
      .getRepository(AuditEvent)
      .find({ where: { entityId: In(entityIds) }, order: { occurredAt: 'ASC' } });

  /** The dates of a schedule's exceptions, in order. */
  const storedRanges = async (key: string) =>
    (await service().listExceptions(key, { page: 1, pageSize: 100 })).data.map((e) => [e.startDate, e.endDate]);

  beforeEach(() => clock.set(NOON));

  describe('exception overlaps', () => {
    let key: string;

    beforeEach(async () => {
      key = newKey('overlaps');
      await service().put(key, schedule('America/New_York'), ctx);
      await service().createException(key, closed('2027-01-10', '2027-01-12', 'Retreat'), ctx);
    });

    it.each([
      ['ends on its first date', '2027-01-08', '2027-01-10'],
      ['starts on its last date', '2027-01-12', '2027-01-14'],
      ['lies inside it', '2027-01-11', '2027-01-11'],
      ['covers it', '2027-01-01', '2027-01-31'],
      ['is the same range', '2027-01-10', '2027-01-12'],
    ])('refuses a range that %s (409), writing nothing', async (_label, startDate, endDate) => {
      await expectAppError(
        service().createException(key, closed(startDate, endDate, 'Clash'), ctx),
        'conflict',
        'The dates overlap the exception "Retreat" (2027-01-10 to 2027-01-12).',
      );
      expect(await storedRanges(key)).toEqual([['2027-01-10', '2027-01-12']]);
    });

    it('accepts the days just before and just after it', async () => {
      await service().createException(key, closed('2027-01-07', '2027-01-09', 'Before'), ctx);
      await service().createException(key, closed('2027-01-13', '2027-01-13', 'After'), ctx);
      expect(await storedRanges(key)).toEqual([
        ['2027-01-07', '2027-01-09'],
        ['2027-01-10', '2027-01-12'],
        ['2027-01-13', '2027-01-13'],
      ]);
    });

    it('ignores the exceptions of other schedules', async () => {
      const other = newKey('other');
      await service().put(other, schedule('America/New_York'), ctx);
      await service().createException(other, closed('2027-01-10', '2027-01-12', 'Same dates'), ctx);
      expect(await storedRanges(other)).toEqual([['2027-01-10', '2027-01-12']]);
    });

    it('lets an exception move over its own dates, not over a neighbour', async () => {
      const neighbour = await service().createException(key, closed('2027-01-15', '2027-01-16', 'Neighbour'), ctx);
      const [retreat] = (await service().listExceptions(key, { page: 1, pageSize: 100 })).data;

      const moved = await service().updateException(
        key,
        retreat.id,
        { startDate: '2027-01-11', endDate: '2027-01-13' },
        ctx,
      );
      expect(moved).toMatchObject({ id: retreat.id, startDate: '2027-01-11', endDate: '2027-01-13' });

      await expectAppError(
        service().updateException(key, retreat.id, { endDate: '2027-01-15' }, ctx),
        'conflict',
        'The dates overlap the exception "Neighbour" (2027-01-15 to 2027-01-16).',
      );
      // Moving the neighbour onto its own first day is still its own business.
      await service().updateException(key, neighbour.id, { startDate: '2027-01-14' }, ctx);
      expect(await storedRanges(key)).toEqual([
        ['2027-01-11', '2027-01-13'],
        ['2027-01-14', '2027-01-16'],
      ]);
    });

    it('lets only one of two concurrent overlapping creations in (the schedule row lock)', async () => {
      const results = await Promise.allSettled([
        service().createException(key, closed('2027-02-01', '2027-02-03', 'First'), ctx),
        service().createException(key, closed('2027-02-03', '2027-02-05', 'Second'), ctx),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected');
      expect((refused?.reason as AppException).code).toBe('conflict');
      expect(await storedRanges(key)).toHaveLength(2);
      const [winner] = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
      expect(await auditOf(winner.id)).toHaveLength(1);
    });

    it('404 for an exception of another schedule', async () => {
      const other = newKey('other');
      await service().put(other, schedule('America/New_York'), ctx);
      const [retreat] = (await service().listExceptions(key, { page: 1, pageSize: 1 })).data;
      await expectAppError(
        service().updateException(other, retreat.id, { label: 'Moved' }, ctx),
        'not_found',
        'No exception with this id on this schedule.',
      );
      await expectAppError(service().removeException(other, retreat.id, ctx), 'not_found');
      expect(await repository().findException((await repository().findByKey(key))!.id, retreat.id)).toMatchObject({
        label: 'Retreat',
      });
    });
  });

  describe('upcoming exceptions: today in the schedule’s zone, by the injected clock', () => {
    const labels = async (key: string) => (await service().get(key)).upcoming.map((e) => e.label);
    const today = async (key: string) => (await service().calendar(key, undefined, 1)).days[0].date;

    it('New York, around the end of daylight saving time (2026-11-01, a 25-hour day)', async () => {
      const key = newKey('new-york');
      await service().put(key, schedule('America/New_York'), ctx);
      for (const [startDate, endDate, label] of [
        ['2026-10-30', '2026-10-31', 'Ends Oct 31'],
        ['2026-11-01', '2026-11-01', 'Nov 1'],
        ['2027-01-29', '2027-01-29', 'Jan 29'],
        ['2027-01-30', '2027-01-30', 'Jan 30'],
        ['2027-01-31', '2027-01-31', 'Jan 31'],
      ]) {
        await service().createException(key, closed(startDate, endDate, label), ctx);
      }

      // 23:30 on Oct 31 in New York (EDT), already Nov 1 in UTC: Oct 31 is still today, Jan 29 is 90 days ahead.
      clock.set('2026-11-01T03:30:00Z');
      expect(await today(key)).toBe('2026-10-31');
      expect(await labels(key)).toEqual(['Ends Oct 31', 'Nov 1', 'Jan 29']);

      // Local midnight: Oct 31 has passed, Jan 30 comes into the window.
      clock.set('2026-11-01T04:00:00Z');
      expect(await today(key)).toBe('2026-11-01');
      expect(await labels(key)).toEqual(['Nov 1', 'Jan 29', 'Jan 30']);

      // 23:59:59 EST on Nov 1: 25 hours after its midnight, so a fixed EDT offset would already say Nov 2.
      clock.set('2026-11-02T04:59:59Z');
      expect(await today(key)).toBe('2026-11-01');
      expect(await labels(key)).toEqual(['Nov 1', 'Jan 29', 'Jan 30']);

      clock.set('2026-11-02T05:00:00Z');
      expect(await today(key)).toBe('2026-11-02');
      expect(await labels(key)).toEqual(['Jan 29', 'Jan 30', 'Jan 31']);
    });

    it('Auckland, around the start of daylight saving time (2026-09-27, a 23-hour day)', async () => {
      const key = newKey('auckland');
      await service().put(key, schedule('Pacific/Auckland'), ctx);
      await service().createException(key, closed('2026-09-27', '2026-09-27', 'Sep 27'), ctx);
      await service().createException(key, closed('2026-12-27', '2026-12-27', 'Dec 27'), ctx);

      // 23:59 NZDT on Sep 27 (10:59 UTC, the same date).
      clock.set('2026-09-27T10:59:00Z');
      expect(await today(key)).toBe('2026-09-27');
      expect(await labels(key)).toEqual(['Sep 27']);

      // 00:00 NZDT on Sep 28, 23 hours after Sep 27's midnight; still Sep 27 in UTC and at standard time (+12).
      clock.set('2026-09-27T11:00:00Z');
      expect(await today(key)).toBe('2026-09-28');
      expect(await labels(key)).toEqual(['Dec 27']);
    });

    it('limits how far ahead an exception may start from today in the schedule’s zone', async () => {
      const newYork = newKey('new-york');
      const auckland = newKey('auckland');
      await service().put(newYork, schedule('America/New_York'), ctx);
      await service().put(auckland, schedule('Pacific/Auckland'), ctx);
      // Nov 1 07:00 in New York, Nov 2 01:00 in Auckland: 730 days ahead is 2028-10-31 and 2028-11-01.
      clock.set('2026-11-01T12:00:00Z');

      const error = await expectAppError(
        service().createException(newYork, closed('2028-11-01', '2028-11-01', 'Far off'), ctx),
        'validation_failed',
      );
      expect(error.options.errors).toEqual([
        { field: 'startDate', message: 'startDate must be at most 730 days ahead (on or before 2028-10-31)' },
      ]);
      await service().createException(newYork, closed('2028-10-31', '2028-10-31', 'Far off'), ctx);
      await service().createException(auckland, closed('2028-11-01', '2028-11-01', 'Far off'), ctx);
    });
  });

  describe('PUT of a schedule', () => {
    it('creates it, then replaces its fields and keeps its id and exceptions', async () => {
      const key = newKey('upsert');
      const created = await service().put(key, schedule('america/new_york', { description: undefined }), ctx);
      expect(created.created).toBe(true);
      expect(created.schedule).toMatchObject({ key, timeZone: 'America/New_York', description: null });
      await service().createException(key, closed('2026-12-24', '2026-12-26', 'Holidays'), ctx);

      const replaced = await service().put(
        key,
        schedule('Europe/London', {
          name: 'Office',
          description: 'Front desk.',
          periods: [{ day: 'saturday', opens: '22:00', closes: '02:00' }],
        }),
        ctx,
      );
      expect(replaced.created).toBe(false);
      const stored = await repository().findByKey(key);
      expect(stored).toMatchObject({
        id: created.schedule.id,
        key,
        name: 'Office',
        timeZone: 'Europe/London',
        description: 'Front desk.',
        periods: [{ day: 'saturday', opens: '22:00', closes: '02:00' }],
      });
      expect(await storedRanges(key)).toEqual([['2026-12-24', '2026-12-26']]);
    });

    it('refuses overlapping periods before writing anything', async () => {
      const key = newKey('refused');
      const error = await expectAppError(
        service().put(
          key,
          schedule('America/New_York', {
            periods: [
              { day: 'monday', opens: '09:00', closes: '17:00' },
              { day: 'monday', opens: '16:00', closes: '18:00' },
            ],
          }),
          ctx,
        ),
        'validation_failed',
      );
      expect(error.options.errors?.map((e) => e.field)).toEqual(['periods.1.opens']);
      expect(await repository().findByKey(key)).toBeNull();
    });
  });

  describe('audit records', () => {
    it('records each write with its actor, request and metadata', async () => {
      const key = newKey('audited');
      const { schedule: created } = await service().put(key, schedule('America/New_York'), ctx);
      await service().put(key, schedule('America/Chicago'), ctx);
      const exception = await service().createException(key, closed('2026-12-24', '2026-12-26', 'Holidays'), ctx);
      await service().updateException(key, exception.id, { label: 'Winter break', endDate: '2026-12-27' }, ctx);
      await service().removeException(key, exception.id, ctx);
      await service().remove(key, ctx);

      const events = await auditOf(created.id, exception.id);
      expect(events.map((e) => [e.action, e.entityType, e.entityId, e.metadata])).toEqual([
        ['hours.schedule_created', 'hours_schedule', created.id, { key }],
        ['hours.schedule_replaced', 'hours_schedule', created.id, { key }],
        [
          'hours.exception_created',
          'hours_exception',
          exception.id,
          { key, startDate: '2026-12-24', endDate: '2026-12-26' },
        ],
        ['hours.exception_updated', 'hours_exception', exception.id, { key, fields: ['endDate', 'label'] }],
        ['hours.exception_deleted', 'hours_exception', exception.id, { key }],
        ['hours.schedule_deleted', 'hours_schedule', created.id, { key }],
      ]);
      for (const event of events) {
        expect(event).toMatchObject({ actorType: 'user', actorId: ctx.actor.id, requestId: 'medium-hours' });
      }
      expect(await repository().findByKey(key)).toBeNull();
    });

    it('deletes a schedule with its exceptions', async () => {
      const key = newKey('cascade');
      const { schedule: created } = await service().put(key, schedule('America/New_York'), ctx);
      const exception = await service().createException(key, closed('2026-12-24', '2026-12-24', 'Eve'), ctx);
      await service().remove(key, ctx);
      expect(await repository().findException(created.id, exception.id)).toBeNull();
      await expectAppError(service().get(key), 'not_found', `No schedule with the key ${key}.`);
    });

    it('rolls the write back when its audit record fails', async () => {
      const key = newKey('rollback');
      await service().put(key, schedule('America/New_York'), ctx);
      const record = jest.spyOn(app().app.get(AuditLog), 'record').mockRejectedValueOnce(new Error('audit log down'));
      try {
        await expect(service().createException(key, closed('2026-12-24', '2026-12-24', 'Eve'), ctx)).rejects.toThrow(
          'audit log down',
        );
      } finally {
        record.mockRestore();
      }
      expect(await storedRanges(key)).toEqual([]);
    });
  });
});
