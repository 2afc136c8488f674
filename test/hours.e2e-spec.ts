import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ManualClock } from '../src/common/clock/clock.js';
import { expectInvalid, expectProblem, ISO } from './utils/expect-problem.js';
import { createStaff, scheduleBody, type StaffMember } from './factories/index.js';
import { NO_BODY } from './utils/field-errors.js';
import { useTestApp } from './utils/test-app.js';

const ADMIN_BASE = '/api/v1/admin/hours';
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const TEXT_LINE = scheduleBody({ description: 'When we answer texts.' });
/**
 * "Now" for the whole suite: Monday 2026-11-16, noon in New York. Pinned, so no test depends on the real date, the
 * machine's zone or the time of day: the fixed dates below (2027-03-01 to 2027-03-04) stay more than 90 days after
 * "today", outside a schedule's list of upcoming exceptions, whenever the suite runs.
 */
const NOW = DateTime.fromISO('2026-11-16T12:00:00', { zone: 'America/New_York' });
/** A date `days` from the suite's today in New York, as YYYY-MM-DD. */
const inDays = (days: number) => NOW.plus({ days }).toISODate() ?? '';
/** A time of day (`HH:mm:ss`) on the suite's today in New York, as an instant. */
const todayAt = (time: string) => DateTime.fromISO(`${inDays(0)}T${time}`, { zone: 'America/New_York' }).toJSDate();

describe('operating hours', () => {
  // The suite's "now" unless a test sets it (and puts it back).
  const clock = new ManualClock(NOW.toJSDate());
  const app = useTestApp({ isolatedDatabase: true, clock });
  let frontdesk: StaffMember;
  let editor: StaffMember;

  beforeAll(async () => {
    frontdesk = await createStaff(app(), 'frontdesk');
    editor = await createStaff(app(), 'editor');
  });

  const put = (key: string, body: unknown, who = frontdesk) =>
    app()
      .http()
      .put(`${ADMIN_BASE}/${key}`)
      .set(who.auth)
      .send(body as object);
  const addException = (key: string, body: unknown) =>
    app()
      .http()
      .post(`${ADMIN_BASE}/${key}/exceptions`)
      .set(frontdesk.auth)
      .send(body as object);

  describe('admin: schedules', () => {
    it('creates a schedule with PUT (201, Location), then replaces it (200), recording both', async () => {
      const created = await put('text-line', TEXT_LINE);
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe('/api/v1/hours/text-line');
      expect(created.body).toEqual({
        id: expect.any(String),
        key: 'text-line',
        ...TEXT_LINE,
        exceptions: [],
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });

      const replaced = await put('text-line', { ...TEXT_LINE, description: null });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ id: created.body.id, description: null });

      const events = await app()
        .app.get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { entityId: created.body.id }, order: { occurredAt: 'ASC' } });
      expect(events.map((e) => [e.action, e.actorId, e.metadata])).toEqual([
        ['hours.schedule_created', frontdesk.user.id, { key: 'text-line' }],
        ['hours.schedule_replaced', frontdesk.user.id, { key: 'text-line' }],
      ]);
      await put('text-line', TEXT_LINE);
    });

    it.each([
      [
        'an unknown time zone',
        { ...TEXT_LINE, timeZone: 'Mars/Olympus' },
        [{ field: 'timeZone', message: 'timeZone must be an IANA time zone such as America/New_York' }],
      ],
      [
        '25:00',
        { ...TEXT_LINE, periods: [{ day: 'monday', opens: '09:00', closes: '25:00' }] },
        [{ field: 'periods.0.closes', message: 'closes must be a time of day as HH:mm (00:00 to 24:00)' }],
      ],
      [
        'an unknown weekday',
        { ...TEXT_LINE, periods: [{ day: 'funday', opens: '09:00', closes: '17:00' }] },
        [
          {
            field: 'periods.0.day',
            message: 'day must be one of: monday, tuesday, wednesday, thursday, friday, saturday, sunday',
          },
        ],
      ],
      ['a missing name', { ...TEXT_LINE, name: undefined }, [{ field: 'name', message: 'name must be a string' }]],
      [
        'an unknown field',
        { ...TEXT_LINE, open247: true },
        [{ field: 'open247', message: 'property open247 should not exist' }],
      ],
      [
        'periods that are not a list',
        { ...TEXT_LINE, periods: 'weekdays' },
        [{ field: 'periods', message: 'periods must be an array' }],
      ],
    ])('400 for %s', async (_label, body, errors) => {
      const res = await put('office', body);
      expectProblem(
        res,
        { code: 'validation_failed', detail: '1 field is invalid', instance: `${ADMIN_BASE}/office` },
        { errors },
      );
    });

    it('400 for control characters: none in a name, only line breaks and tabs in a description', async () => {
      expectInvalid(await put('office', { ...TEXT_LINE, name: 'Text\u0000line' }), `${ADMIN_BASE}/office`, [
        { field: 'name', message: 'name must not contain control characters or line breaks' },
      ]);
      expectInvalid(await put('office', { ...TEXT_LINE, name: 'Text\nline' }), `${ADMIN_BASE}/office`, [
        { field: 'name', message: 'name must not contain control characters or line breaks' },
      ]);
      expectInvalid(
        await put('office', { ...TEXT_LINE, description: 'Texts\u0000 and \u001b[31mcalls' }),
        `${ADMIN_BASE}/office`,
        [
          {
            field: 'description',
            message: 'description must not contain control characters other than line breaks and tabs',
          },
        ],
      );
      const multiLine = await put('office', { ...TEXT_LINE, description: 'Texts:\r\n\tweekdays\nCalls: never' });
      expect(multiLine.status).toBe(201);
      expect(multiLine.body.description).toBe('Texts:\r\n\tweekdays\nCalls: never');
      expect((await app().http().delete(`${ADMIN_BASE}/office`).set(frontdesk.auth)).status).toBe(204);
    });

    it('stores a time zone in its canonical spelling', async () => {
      const res = await put('office', { ...TEXT_LINE, name: 'Office', timeZone: 'america/new_york' });
      expect(res.status).toBe(201);
      expect(res.body.timeZone).toBe('America/New_York');
      expect((await app().http().delete(`${ADMIN_BASE}/office`).set(frontdesk.auth)).status).toBe(204);
    });

    it('400 naming the periods that overlap, including past midnight', async () => {
      const res = await put('office', {
        ...TEXT_LINE,
        periods: [
          { day: 'monday', opens: '09:00', closes: '13:00' },
          { day: 'monday', opens: '12:00', closes: '17:00' },
          { day: 'tuesday', opens: '22:00', closes: '02:00' },
          { day: 'wednesday', opens: '01:00', closes: '05:00' },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^periods\.1\./), expect.stringMatching(/^periods\.3\./)]),
      );
    });

    it('400 for a key that is not a slug', async () => {
      const res = await put('Text Line', TEXT_LINE);
      expectProblem(
        res,
        { code: 'validation_failed', detail: '1 field is invalid', instance: `${ADMIN_BASE}/Text%20Line` },
        { errors: [{ field: 'key', message: 'key must be lowercase words joined by single hyphens (at most 64)' }] },
      );
    });

    it('403 for an editor, 401 without a token', async () => {
      expectProblem(await put('text-line', TEXT_LINE, editor), {
        code: 'forbidden',
        detail: 'This requires one of the roles: admin, frontdesk.',
        instance: `${ADMIN_BASE}/text-line`,
      });
      expect((await app().http().put(`${ADMIN_BASE}/text-line`).send(TEXT_LINE)).status).toBe(401);
    });
  });

  describe('admin: exceptions', () => {
    it('adds a closed day, refuses an overlapping range (409), changes and deletes it', async () => {
      const day = inDays(20);
      const created = await addException('text-line', { startDate: day, closed: true, label: 'Staff training' });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`${ADMIN_BASE}/text-line/exceptions/${created.body.id}`);
      expect(created.body).toEqual({
        id: expect.any(String),
        key: 'text-line',
        startDate: day,
        endDate: day,
        closed: true,
        periods: [],
        label: 'Staff training',
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      const fetched = await app().http().get(created.headers.location).set(frontdesk.auth);
      expect(fetched.status).toBe(200);
      expect(fetched.headers['cache-control']).toBe('no-store');
      expect(fetched.body).toEqual(created.body);

      const clash = await addException('text-line', {
        startDate: inDays(19),
        endDate: inDays(21),
        closed: true,
        label: 'Retreat',
      });
      expectProblem(clash, {
        code: 'conflict',
        detail: `The dates overlap the exception "Staff training" (${day} to ${day}).`,
        instance: `${ADMIN_BASE}/text-line/exceptions`,
      });

      const path = `${ADMIN_BASE}/text-line/exceptions/${created.body.id}`;
      const changed = await app()
        .http()
        .patch(path)
        .set(frontdesk.auth)
        .send({ closed: false, periods: [{ opens: '12:00', closes: '16:00' }], label: 'Short day' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        closed: false,
        periods: [{ opens: '12:00', closes: '16:00' }],
        label: 'Short day',
      });

      const list = await app().http().get(`${ADMIN_BASE}/text-line/exceptions`).set(frontdesk.auth);
      expect(list.body).toEqual({ data: [changed.body], meta: { page: 1, pageSize: 20, total: 1, totalPages: 1 } });

      expect((await app().http().delete(path).set(frontdesk.auth)).status).toBe(204);
      for (const method of ['get', 'delete'] as const) {
        expectProblem(await app().http()[method](path).set(frontdesk.auth), {
          code: 'not_found',
          detail: 'No exception with this id on this schedule.',
          instance: path,
        });
      }
    });

    it('finds an exception only through its own schedule, and only by a UUID', async () => {
      expect((await put('front-desk', { ...TEXT_LINE, name: 'Front desk' })).status).toBe(201);
      const created = await addException('text-line', { startDate: inDays(40), closed: true, label: 'Inventory' });
      const elsewhere = `${ADMIN_BASE}/front-desk/exceptions/${created.body.id}`;
      expectProblem(await app().http().get(elsewhere).set(frontdesk.auth), {
        code: 'not_found',
        detail: 'No exception with this id on this schedule.',
        instance: elsewhere,
      });
      const unknownSchedule = `${ADMIN_BASE}/no-such-line/exceptions/${created.body.id}`;
      expectProblem(await app().http().get(unknownSchedule).set(frontdesk.auth), {
        code: 'not_found',
        detail: 'No schedule with the key no-such-line.',
        instance: unknownSchedule,
      });
      const badId = `${ADMIN_BASE}/text-line/exceptions/not-a-uuid`;
      expectProblem(
        await app().http().get(badId).set(frontdesk.auth),
        { code: 'validation_failed', detail: '1 field is invalid', instance: badId },
        { errors: [{ field: 'id', message: 'id must be a UUID' }] },
      );
      expect((await app().http().delete(`${ADMIN_BASE}/front-desk`).set(frontdesk.auth)).status).toBe(204);
      const path = `${ADMIN_BASE}/text-line/exceptions/${created.body.id}`;
      expect((await app().http().delete(path).set(frontdesk.auth)).status).toBe(204);
    });

    it.each([
      [
        'a reversed range',
        { startDate: '2027-01-10', endDate: '2027-01-09', closed: true, label: 'x' },
        [{ field: 'endDate', message: 'endDate must not be before startDate' }],
      ],
      [
        'a range of 400 days',
        { startDate: '2027-01-01', endDate: '2028-02-04', closed: true, label: 'x' },
        [{ field: 'endDate', message: 'an exception covers at most 366 days' }],
      ],
      [
        'periods on a closed day',
        { startDate: '2027-01-10', closed: true, periods: [{ opens: '09:00', closes: '12:00' }], label: 'x' },
        [{ field: 'periods', message: 'periods must be empty when closed is true' }],
      ],
      [
        'an open day without periods',
        { startDate: '2027-01-10', closed: false, label: 'x' },
        [{ field: 'periods', message: 'periods must list at least one period when closed is false' }],
      ],
      [
        'an impossible date',
        { startDate: '2027-02-30', closed: true, label: 'x' },
        [{ field: 'startDate', message: 'startDate must be a date as YYYY-MM-DD' }],
      ],
      [
        '25:00',
        { startDate: '2027-01-10', closed: false, periods: [{ opens: '09:00', closes: '25:00' }], label: 'x' },
        [{ field: 'periods.0.closes', message: 'closes must be a time of day as HH:mm (00:00 to 24:00)' }],
      ],
      [
        'a missing label',
        { startDate: '2027-01-10', closed: true },
        [{ field: 'label', message: 'label must be a string' }],
      ],
      [
        'a NUL character in the label',
        { startDate: '2027-01-10', closed: true, label: 'Christ\u0000mas' },
        [{ field: 'label', message: 'label must not contain control characters or line breaks' }],
      ],
      [
        'a date in year 9999',
        { startDate: '9999-12-30', closed: true, label: 'x' },
        [{ field: 'startDate', message: 'startDate must be in the years 1900 to 2200' }],
      ],
    ])('400 for %s', async (_label, body, errors) => {
      const res = await addException('text-line', body);
      expectProblem(
        res,
        {
          code: 'validation_failed',
          detail: `${new Set(errors.map((e) => e.field)).size} field${errors.length > 1 ? 's are' : ' is'} invalid`,
          instance: `${ADMIN_BASE}/text-line/exceptions`,
        },
        { errors },
      );
    });

    it('validates a PATCH like a POST, against the merged result', async () => {
      const created = await addException('text-line', { startDate: '2027-05-10', closed: true, label: 'Inventory' });
      const path = `${ADMIN_BASE}/text-line/exceptions/${created.body.id}`;
      const patch = (body: object) => app().http().patch(path).set(frontdesk.auth).send(body);
      const invalid = (res: Awaited<ReturnType<typeof patch>>, errors: object[]) =>
        expectProblem(res, { code: 'validation_failed', detail: '1 field is invalid', instance: path }, { errors });

      invalid(await patch({ endDate: '2027-05-09' }), [
        { field: 'endDate', message: 'endDate must not be before startDate' },
      ]);
      invalid(await patch({ closed: false }), [
        { field: 'periods', message: 'periods must list at least one period when closed is false' },
      ]);
      invalid(
        await patch({
          closed: false,
          periods: [
            { opens: '09:00', closes: '13:00' },
            { opens: '12:00', closes: '15:00' },
          ],
        }),
        [{ field: 'periods.1.opens', message: expect.stringContaining('overlaps periods.0') }],
      );
      invalid(await patch({ label: null }), [{ field: 'label', message: 'label must be a string' }]);
      invalid(await patch({ colour: 'red' }), [{ field: 'colour', message: 'property colour should not exist' }]);
      const unchanged = await app().http().get(`${ADMIN_BASE}/text-line/exceptions`).set(frontdesk.auth);
      expect(unchanged.body.data).toContainEqual(created.body);
      expect((await app().http().delete(path).set(frontdesk.auth)).status).toBe(204);
    });

    it('refuses an exception that starts more than 730 days after today in the schedule’s zone', async () => {
      // 2026-06-16 01:00 UTC is still 2026-06-15 in New York; 730 days later is 2028-06-14 (2028 is a leap year).
      clock.set('2026-06-16T01:00:00Z');
      try {
        const instance = `${ADMIN_BASE}/text-line/exceptions`;
        const tooFar = [
          { field: 'startDate', message: 'startDate must be at most 730 days ahead (on or before 2028-06-14)' },
        ];
        expectInvalid(
          await addException('text-line', { startDate: '2126-01-01', closed: true, label: 'x' }),
          instance,
          tooFar,
        );
        expectInvalid(
          await addException('text-line', { startDate: '2028-06-15', closed: true, label: 'x' }),
          instance,
          tooFar,
        );

        const latest = await addException('text-line', { startDate: '2028-06-14', closed: true, label: 'Far ahead' });
        expect(latest.status).toBe(201);
        const path = `${instance}/${latest.body.id}`;
        expectInvalid(
          await app().http().patch(path).set(frontdesk.auth).send({ startDate: '2126-01-01' }),
          path,
          tooFar,
        );
        expect((await app().http().delete(path).set(frontdesk.auth)).status).toBe(204);
      } finally {
        clock.set(NOW.toJSDate());
      }
    });

    it('400 for a body sent to a route that takes none; no body or an empty object is fine', async () => {
      const add = () => addException('text-line', { startDate: '2027-09-01', closed: true, label: 'Bodiless' });
      const path = `${ADMIN_BASE}/text-line/exceptions/${(await add()).body.id}`;
      for (const body of [{ reason: 'typo' }, ['x'], 'text', 0]) {
        expectInvalid(
          await app().http().delete(path).set(frontdesk.auth).type('json').send(JSON.stringify(body)),
          path,
          NO_BODY,
        );
      }
      expect((await app().http().delete(path).set(frontdesk.auth).send({})).status).toBe(204);
      const again = `${ADMIN_BASE}/text-line/exceptions/${(await add()).body.id}`;
      expect((await app().http().delete(again).set(frontdesk.auth)).status).toBe(204);
    });

    it('404 for an unknown schedule', async () => {
      expectProblem(await addException('no-such-line', { startDate: '2027-01-10', closed: true, label: 'x' }), {
        code: 'not_found',
        detail: 'No schedule with the key no-such-line.',
        instance: `${ADMIN_BASE}/no-such-line/exceptions`,
      });
    });
  });

  describe('public', () => {
    beforeAll(async () => {
      await addException('text-line', { startDate: inDays(30), closed: true, label: 'Upcoming holiday' });
      await addException('text-line', { startDate: '2027-03-03', closed: true, label: 'Clinic anniversary' });
    });

    it('lists schedules with their upcoming exceptions, cacheable with an ETag', async () => {
      // Midday in New York: far enough from midnight for the configured Cache-Control.
      clock.set(todayAt('12:00:00'));
      const res = await app().http().get('/api/v1/hours');
      clock.set(NOW.toJSDate());
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 1, totalPages: 1 });
      expect(res.body.data[0]).toMatchObject({ key: 'text-line', ...TEXT_LINE });
      expect((res.body.data[0].exceptions as { label: string }[]).map((e) => e.label)).toEqual(['Upcoming holiday']);
      const again = await app().http().get('/api/v1/hours').set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
    });

    it('names what each response contains in Cache-Tag and Surrogate-Key, for a CDN to purge by', async () => {
      const list = await app().http().get('/api/v1/hours');
      expect(list.headers['cache-tag']).toBe('hours,hours:text-line');
      expect(list.headers['surrogate-key']).toBe('hours hours:text-line');
      for (const path of ['', '/status', '/calendar']) {
        const res = await app().http().get(`/api/v1/hours/text-line${path}`);
        expect([res.status, res.headers['cache-tag'], res.headers['surrogate-key']]).toEqual([
          200,
          'hours,hours:text-line',
          'hours hours:text-line',
        ]);
        // A hit from the server's cache carries them too.
        const hit = await app().http().get(`/api/v1/hours/text-line${path}`).set('Accept-Encoding', 'br');
        expect([hit.headers['x-cache'], hit.headers['cache-tag']]).toEqual(['HIT', 'hours,hours:text-line']);
      }
      const missing = await app().http().get('/api/v1/hours/nope');
      expect(missing.headers['cache-tag']).toBeUndefined();
    });

    it('404 for an unknown key, 400 for a malformed one', async () => {
      expectProblem(await app().http().get('/api/v1/hours/nope'), {
        code: 'not_found',
        detail: 'No schedule with the key nope.',
        instance: '/api/v1/hours/nope',
      });
      expect((await app().http().get('/api/v1/hours/NOPE!')).status).toBe(400);
    });

    it('tells whether it is open, with the next change, and caches no longer than that', async () => {
      // Monday 2027-03-01 10:00 in New York (EST, UTC-5).
      const res = await app().http().get('/api/v1/hours/text-line/status?at=2027-03-01T15:00:00Z');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        key: 'text-line',
        timeZone: 'America/New_York',
        at: '2027-03-01T15:00:00.000Z',
        atLocal: { date: '2027-03-01', time: '10:00' },
        isOpen: true,
        currentPeriod: {
          opens: '09:00',
          closes: '21:00',
          opensAt: '2027-03-01T14:00:00.000Z',
          closesAt: '2027-03-02T02:00:00.000Z',
        },
        nextOpensAt: '2027-03-02T14:00:00.000Z',
        nextOpensAtLocal: { date: '2027-03-02', time: '09:00' },
        nextClosesAt: '2027-03-02T02:00:00.000Z',
        nextClosesAtLocal: { date: '2027-03-01', time: '21:00' },
        exception: null,
      });
      expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=0');

      const justBeforeClosing = await app().http().get('/api/v1/hours/text-line/status?at=2027-03-02T01:59:30Z');
      expect(justBeforeClosing.headers['cache-control']).toBe('public, max-age=30, stale-while-revalidate=0');
    });

    it('serves "open now" from the server cache until the next closing, the end of its minute, or a change', async () => {
      const status = () =>
        app().http().get('/api/v1/hours/text-line/status').set('Accept-Encoding', 'gzip, deflate, br');
      const seen = async (): Promise<unknown[]> => {
        const res = await status();
        const body = res.body as { at: string; isOpen: boolean };
        return [res.headers['x-cache'], body.at, body.isOpen];
      };
      try {
        // Monday 2027-03-01, open until 21:00 in New York (02:00 UTC); the TTL is 2 s.
        clock.set('2027-03-02T01:59:58.500Z');
        expect(await seen()).toEqual(['MISS', '2027-03-02T01:59:00.000Z', true]);
        clock.set('2027-03-02T01:59:59.999Z');
        expect(await seen()).toEqual(['HIT', '2027-03-02T01:59:00.000Z', true]);
        clock.set('2027-03-02T02:00:00.000Z');
        expect(await seen()).toEqual(['MISS', '2027-03-02T02:00:00.000Z', false]);

        // Tuesday 10:00 local, open: cached until its minute ends...
        clock.set('2027-03-02T15:00:59.000Z');
        expect(await seen()).toEqual(['MISS', '2027-03-02T15:00:00.000Z', true]);
        clock.set('2027-03-02T15:00:59.999Z');
        expect(await seen()).toEqual(['HIT', '2027-03-02T15:00:00.000Z', true]);
        clock.set('2027-03-02T15:01:00.000Z');
        expect(await seen()).toEqual(['MISS', '2027-03-02T15:01:00.000Z', true]);
        expect(await seen()).toEqual(['HIT', '2027-03-02T15:01:00.000Z', true]);
        // ...unless the hours change: closing today is seen at once.
        const closed = await addException('text-line', { startDate: '2027-03-02', closed: true, label: 'Snow day' });
        expect(closed.status).toBe(201);
        expect(await seen()).toEqual(['MISS', '2027-03-02T15:01:00.000Z', false]);
        const removed = await app()
          .http()
          .delete(`${ADMIN_BASE}/text-line/exceptions/${closed.body.id as string}`)
          .set(frontdesk.auth);
        expect(removed.status).toBe(204);
        expect(await seen()).toEqual(['MISS', '2027-03-02T15:01:00.000Z', true]);
      } finally {
        clock.set(NOW.toJSDate());
      }
    });

    it('gives the same status, and ETag, for every request within a minute when `at` is absent', async () => {
      // Monday 2027-03-01 in New York, open until 21:00 (02:00 UTC).
      clock.set('2027-03-01T15:00:10.250Z');
      try {
        const first = await app().http().get('/api/v1/hours/text-line/status');
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({ at: '2027-03-01T15:00:00.000Z', isOpen: true });
        const etag = first.headers.etag;

        clock.set('2027-03-01T15:00:59.999Z');
        const sameMinute = await app().http().get('/api/v1/hours/text-line/status').set('If-None-Match', etag);
        expect(sameMinute.status).toBe(304);

        clock.set('2027-03-01T15:01:00.000Z');
        const nextMinute = await app().http().get('/api/v1/hours/text-line/status').set('If-None-Match', etag);
        expect(nextMinute.status).toBe(200);
        expect(nextMinute.body.at).toBe('2027-03-01T15:01:00.000Z');
        expect(nextMinute.headers.etag).not.toBe(etag);

        // The cache lifetime counts from the real instant, never past the closing at 02:00:00 UTC.
        clock.set('2027-03-02T01:59:40.500Z');
        const beforeClosing = await app().http().get('/api/v1/hours/text-line/status');
        expect(beforeClosing.body.at).toBe('2027-03-02T01:59:00.000Z');
        expect(beforeClosing.headers['cache-control']).toBe('public, max-age=20, stale-while-revalidate=0');
      } finally {
        clock.set(NOW.toJSDate());
      }
    });

    it('skips a holiday and a weekend when looking for the next opening', async () => {
      // Tuesday 2027-03-02 22:00 local; Wednesday is closed.
      const res = await app().http().get('/api/v1/hours/text-line/status?at=2027-03-03T03:00:00Z');
      expect(res.body).toMatchObject({
        isOpen: false,
        currentPeriod: null,
        nextOpensAt: '2027-03-04T14:00:00.000Z',
        exception: null,
      });
      const onHoliday = await app().http().get('/api/v1/hours/text-line/status?at=2027-03-03T16:00:00Z');
      expect(onHoliday.body).toMatchObject({ isOpen: false, exception: { label: 'Clinic anniversary' } });
      // Friday 2027-03-05 22:00 local → Monday 09:00.
      const friday = await app().http().get('/api/v1/hours/text-line/status?at=2027-03-06T03:00:00Z');
      expect(friday.body).toMatchObject({ isOpen: false, nextOpensAtLocal: { date: '2027-03-08', time: '09:00' } });
    });

    it('gives a calendar of resolved local days', async () => {
      const res = await app().http().get('/api/v1/hours/text-line/calendar?from=2027-03-02&days=2');
      expect(res.body).toEqual({
        key: 'text-line',
        timeZone: 'America/New_York',
        days: [
          {
            date: '2027-03-02',
            periods: [
              {
                opens: '09:00',
                closes: '21:00',
                opensAt: '2027-03-02T14:00:00.000Z',
                closesAt: '2027-03-03T02:00:00.000Z',
              },
            ],
            exception: null,
          },
          { date: '2027-03-03', periods: [], exception: { label: 'Clinic anniversary' } },
        ],
      });
      const week = await app().http().get('/api/v1/hours/text-line/calendar');
      expect(week.body.days).toHaveLength(7);
      expect(week.body.days[0].date).toBe(inDays(0));
    });

    it.each([
      ['/status?at=yesterday', 'at'],
      ['/status?at=2027-02-30T10:00:00Z', 'at'],
      ['/calendar?days=63', 'days'],
      ['/calendar?days=0', 'days'],
      ['/calendar?from=2027-13-01', 'from'],
      ['/calendar?from=9999-12-30', 'from'],
      ['/calendar?from=1899-12-31', 'from'],
      ['/status?at=9999-12-31T23:59:59Z', 'at'],
      ['/calendar?to=2027-01-01', 'to'],
    ])('400 for %s', async (suffix, field) => {
      const res = await app().http().get(`/api/v1/hours/text-line${suffix}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].field).toBe(field);
    });

    it('caches what depends on today no longer than the schedule’s next local midnight', async () => {
      const cacheControl = async (path: string) =>
        (await app().http().get(`/api/v1/hours${path}`)).headers['cache-control'];
      const dependOnToday = ['', '/text-line', '/text-line/calendar', '/text-line/schema-org'];
      try {
        clock.set(todayAt('23:58:30')); // 90 s to midnight: a full max-age, then 30 s of stale life
        for (const path of dependOnToday) {
          expect([path, await cacheControl(path)]).toEqual([path, 'public, max-age=60, stale-while-revalidate=30']);
        }
        // A calendar from a given date does not depend on today.
        expect(await cacheControl('/text-line/calendar?from=2027-03-02')).toBe(
          'public, max-age=60, stale-while-revalidate=300',
        );
        clock.set(todayAt('23:59:40'));
        for (const path of dependOnToday) {
          expect([path, await cacheControl(path)]).toEqual([path, 'public, max-age=20, stale-while-revalidate=0']);
        }
      } finally {
        clock.set(NOW.toJSDate());
      }
    });

    it('serves schema.org OpeningHoursSpecification as JSON-LD', async () => {
      const res = await app().http().get('/api/v1/hours/text-line/schema-org');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/ld+json; charset=utf-8');
      const body = JSON.parse(res.text) as Record<string, unknown>;
      expect(body).toEqual({
        '@context': 'https://schema.org',
        '@type': 'MedicalClinic',
        name: 'Text line',
        description: 'When we answer texts.',
        openingHoursSpecification: [
          {
            '@type': 'OpeningHoursSpecification',
            dayOfWeek: weekdays.map((d) => `https://schema.org/${d[0].toUpperCase()}${d.slice(1)}`),
            opens: '09:00',
            closes: '21:00',
          },
          {
            '@type': 'OpeningHoursSpecification',
            validFrom: inDays(30),
            validThrough: inDays(30),
            description: 'Upcoming holiday',
            opens: '00:00',
            closes: '00:00',
          },
        ],
      });
    });
  });

  describe('admin: delete', () => {
    it('deletes a schedule and its exceptions', async () => {
      expect((await app().http().delete(`${ADMIN_BASE}/text-line`).set(frontdesk.auth)).status).toBe(204);
      expect((await app().http().get('/api/v1/hours/text-line')).status).toBe(404);
      const left = await app().app.get(DataSource).query<unknown[]>('SELECT id FROM hours_exceptions');
      expect(left).toEqual([]);
    });
  });
});
