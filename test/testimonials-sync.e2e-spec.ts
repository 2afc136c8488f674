import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock/clock.js';
import { TestimonialChangeFeed } from '../src/testimonials/testimonial-change-feed.service.js';
import { Testimonial } from '../src/testimonials/testimonial.entity.js';
import { E2E_EMBEDDED } from './setup/test-database.js';
import { expectInvalid, expectProblem, ISO } from './utils/expect-problem.js';
import { createApiKey, createStaff, createTestimonial, type StaffMember } from './factories/index.js';
import { type TestApp, useTestApp } from './utils/test-app.js';

const ADMIN = '/api/v1/admin/testimonials';
const SNAPSHOT = '/api/v1/integrations/testimonials';
const CHANGES = `${SNAPSHOT}/changes`;

interface Change {
  seq: number;
  op: 'upsert' | 'delete';
  id: string;
  changedAt: string;
  testimonial?: Record<string, unknown>;
}
interface ChangesBody {
  data: Change[];
  meta: { nextCursor: string; hasMore: boolean };
}

/**
 * An integration's poller as a partner would write one: it keeps `nextCursor` and applies each change to its
 * own copy of the public set.
 */
class Poller {
  cursor: string | undefined;
  readonly seen: Change[] = [];
  readonly copy = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly app: () => TestApp,
    private readonly key: () => string,
  ) {}

  /** One call; returns what it received. */
  async poll(limit = 100): Promise<ChangesBody> {
    const res = await this.app()
      .http()
      .get(CHANGES)
      .query({ limit, ...(this.cursor ? { cursor: this.cursor } : {}) })
      .set('X-API-Key', this.key());
    expect(res.status).toBe(200);
    const body = res.body as ChangesBody;
    for (const change of body.data) {
      this.seen.push(change);
      if (change.op === 'upsert') this.copy.set(change.id, change.testimonial as Record<string, unknown>);
      else this.copy.delete(change.id);
    }
    this.cursor = body.meta.nextCursor;
    return body;
  }

  /** Polls until the feed says nothing more is waiting. */
  async drain(limit = 100): Promise<void> {
    while ((await this.poll(limit)).meta.hasMore);
  }
}

describe('testimonial sync for integrations', () => {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const app = useTestApp({ isolatedDatabase: true, clock });
  let editor: StaffMember;
  let admin: StaffMember;
  let key: string;

  beforeAll(async () => {
    editor = await createStaff(app(), 'editor');
    admin = await createStaff(app(), 'admin');
    key = (await createApiKey(app(), admin, { name: 'partner' })).secret;
  });

  const http = () => app().http();
  /** A pending testimonial by a B., without a rating: the shape the expected feed entries below are written for. */
  const create = async (overrides: Record<string, unknown> = {}): Promise<string> =>
    (await createTestimonial(app(), editor, { lastName: 'Brennan', rating: undefined, ...overrides })).id;
  const act = async (id: string, action: 'approve' | 'reject' | 'withdraw') => {
    const res = await http().post(`${ADMIN}/${id}/${action}`).set(editor.auth);
    expect(res.status).toBe(200);
  };
  const patch = async (id: string, body: Record<string, unknown>) => {
    const res = await http().patch(`${ADMIN}/${id}`).set(editor.auth).send(body);
    expect(res.status).toBe(200);
  };
  const feedRows = () =>
    app()
      .app.get(DataSource)
      .query<{ seq: string; op: string; testimonial_id: string; testimonial: unknown }[]>(
        'SELECT seq, op, testimonial_id, testimonial FROM testimonial_changes ORDER BY seq',
      );
  const newPoller = () => new Poller(app, () => key);

  it('replays every change to the public set in order, from the beginning, and then nothing twice', async () => {
    const start = newPoller();
    await start.drain();
    const before = start.seen.length;

    const a = await create({ firstName: 'Ana', quote: 'First words.' });
    const b = await create({ firstName: 'Ben', lastName: 'Okafor', service: 'couples-therapy' });
    const pendingOnly = await create({ firstName: 'Pia' });
    clock.advance(60_000);
    await act(a, 'approve');
    await act(b, 'approve');
    await patch(a, { quote: 'Second words.' });
    await patch(pendingOnly, { quote: 'Not public: no change for integrations.' });
    await act(pendingOnly, 'reject');
    await act(b, 'reject');

    const poller = newPoller();
    await poller.drain();
    const tail = poller.seen.slice(before).map((c) => [c.op, c.id]);
    expect(tail).toEqual([
      ['upsert', a],
      ['upsert', a],
      ['delete', b],
    ]);
    // B's approval upsert was compacted away by its delete: B's words are no longer in the feed.
    expect(poller.seen.some((c) => c.id === b && c.op === 'upsert')).toBe(false);
    const seqs = poller.seen.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));

    const upsert = poller.seen.at(-2) as Change;
    expect(upsert).toEqual({
      seq: expect.any(Number),
      op: 'upsert',
      id: a,
      changedAt: '2026-11-20T12:01:00.000Z',
      testimonial: {
        id: a,
        quote: 'Second words.',
        displayName: 'Ana B',
        service: 'individual-therapy',
        rating: null,
        featured: false,
        sortOrder: 0,
        approvedAt: '2026-11-20T12:01:00.000Z',
      },
    });
    expect(poller.seen.at(-1)).toEqual({ seq: expect.any(Number), op: 'delete', id: b, changedAt: ISO_MATCH });
    expect(poller.copy.get(a)).toEqual(upsert.testimonial);
    expect(poller.copy.has(b)).toBe(false);

    // Caught up: the same cursor comes back with nothing new.
    const cursor = poller.cursor;
    expect(await poller.poll()).toEqual({ data: [], meta: { nextCursor: cursor, hasMore: false } });
  });

  it('walks the feed page by page with limit and hasMore', async () => {
    const all = newPoller();
    await all.drain(500);
    const paged = newPoller();
    const pages: number[] = [];
    for (;;) {
      const body = await paged.poll(1);
      pages.push(body.data.length);
      if (!body.meta.hasMore) break;
    }
    expect(paged.seen).toEqual(all.seen);
    expect(pages.every((n) => n === 1)).toBe(true);
    expect(pages.length).toBe(all.seen.length);
  });

  it('propagates a withdrawal: partners get a delete, and the words are gone from the feed itself', async () => {
    const id = await create({ firstName: 'Wanda', quote: 'Words that must vanish everywhere.' });
    await act(id, 'approve');
    const partner = newPoller();
    await partner.drain();
    expect(partner.copy.get(id)).toMatchObject({ quote: 'Words that must vanish everywhere.', displayName: 'Wanda B' });

    await act(id, 'withdraw');
    await partner.drain();
    expect(partner.seen.at(-1)).toEqual({ seq: expect.any(Number), op: 'delete', id, changedAt: ISO_MATCH });
    expect(partner.copy.has(id)).toBe(false);

    const rows = (await feedRows()).filter((r) => r.testimonial_id === id);
    expect(rows.map((r) => [r.op, r.testimonial])).toEqual([['delete', null]]);
    expect(JSON.stringify(await feedRows())).not.toContain('Words that must vanish');

    // A partner starting from scratch only ever hears of the delete.
    const late = newPoller();
    await late.drain();
    expect(late.seen.filter((c) => c.id === id).map((c) => c.op)).toEqual(['delete']);
    expect(late.copy.has(id)).toBe(false);
  });

  it('feeds a delete when a public testimonial is deleted, and nothing for one that never was public', async () => {
    const pub = await create({ firstName: 'Dora' });
    const hidden = await create({ firstName: 'Hugo' });
    await act(pub, 'approve');
    const partner = newPoller();
    await partner.drain();
    expect((await http().delete(`${ADMIN}/${pub}`).set(editor.auth)).status).toBe(204);
    expect((await http().delete(`${ADMIN}/${hidden}`).set(editor.auth)).status).toBe(204);
    const body = await partner.poll();
    expect(body.data.map((c) => [c.op, c.id])).toEqual([['delete', pub]]);
  });

  it('feeds staff reordering of public testimonials as upserts with the new sortOrder', async () => {
    const id = await create({ firstName: 'Olga' });
    await act(id, 'approve');
    const partner = newPoller();
    await partner.drain();
    const res = await http()
      .put(`${ADMIN}/order`)
      .set(editor.auth)
      .send({ items: [{ id, sortOrder: 7 }] });
    expect(res.status).toBe(204);
    const body = await partner.poll();
    expect(body.data.map((c) => [c.op, c.id, c.testimonial?.sortOrder])).toEqual([['upsert', id, 7]]);
  });

  it('starts a new integration from a snapshot whose cursor continues the feed without gaps or repeats', async () => {
    const snap = await http().get(SNAPSHOT).set('X-API-Key', key);
    expect(snap.status).toBe(200);
    expect(snap.headers['cache-control']).toBe('no-store');
    const body = snap.body as { data: Record<string, unknown>[]; meta: { nextCursor: string; total: number } };
    const publicList = (await http().get('/api/v1/testimonials').query({ pageSize: 100 })).body as {
      data: Record<string, unknown>[];
    };
    expect(body.data.map((t) => t.id)).toEqual(publicList.data.map((t) => t.id));
    expect(body.meta.total).toBe(body.data.length);
    expect(body.data[0]).toEqual({ ...publicList.data[0], sortOrder: expect.any(Number) });

    // Replaying the whole feed gives the same set as the snapshot.
    const replay = newPoller();
    await replay.drain();
    expect([...replay.copy.keys()].sort()).toEqual(body.data.map((t) => t.id as string).sort());
    expect(replay.cursor).toBe(body.meta.nextCursor);

    const poller = newPoller();
    poller.cursor = body.meta.nextCursor;
    expect((await poller.poll()).data).toEqual([]);
    const id = await create({ firstName: 'Sara' });
    await act(id, 'approve');
    expect((await poller.poll()).data.map((c) => [c.op, c.id])).toEqual([['upsert', id]]);
  });

  it('answers 403 to a key without testimonials:read and 401 to a staff token or a bad key', async () => {
    const other = await createApiKey(app(), admin, { name: 'site only', scopes: ['site'] });
    for (const path of [SNAPSHOT, CHANGES]) {
      expectProblem(await http().get(path).set('X-API-Key', other.secret), {
        code: 'forbidden',
        detail: 'This API key lacks the testimonials:read scope.',
        instance: path,
      });
      expect((await http().get(path).set(editor.auth)).status).toBe(401);
      expect((await http().get(path).set('X-API-Key', 'wc_nope')).status).toBe(401);
      expect((await http().get(path)).status).toBe(401);
    }
  });

  it('rejects a cursor that is not one of this feed', async () => {
    const res = await http().get(CHANGES).query({ cursor: 'not-a-cursor' }).set('X-API-Key', key);
    expectInvalid(res, CHANGES, [{ field: 'cursor', message: 'cursor is not a cursor of this feed' }]);
  });

  const describeConcurrent = process.env[E2E_EMBEDDED] === 'true' ? describe.skip : describe;
  describeConcurrent(
    `under concurrency${process.env[E2E_EMBEDDED] === 'true' ? ' [skipped: the embedded database is one session, so writers cannot interleave]' : ''}`,
    () => {
      /** Resolves once some other session waits for a lock on the feed table (or `done` settled first). */
      async function waitUntilBlockedOnFeed(done: Promise<unknown>): Promise<'blocked' | 'finished'> {
        let finished = false;
        void done.then(
          () => (finished = true),
          () => (finished = true),
        );
        const ds = app().app.get(DataSource);
        for (let i = 0; i < 2000; i++) {
          if (finished) return 'finished';
          const [{ waiting }] = await ds.query<{ waiting: number }[]>(
            `SELECT count(*)::int AS waiting FROM pg_locks
              WHERE NOT granted AND relation = 'testimonial_changes'::regclass`,
          );
          if (waiting > 0) return 'blocked';
        }
        throw new Error('the second writer neither blocked nor finished');
      }

      /**
       * A writer that approves a testimonial through the feed's own code and then stays in its transaction until
       * released: a slow commit, the case where plain sequences lose changes.
       */
      async function slowApproval(id: string) {
        const ds = app().app.get(DataSource);
        const runner = ds.createQueryRunner();
        await runner.connect();
        await runner.startTransaction();
        const t = await runner.manager.findOneOrFail(Testimonial, {
          where: { id },
          lock: { mode: 'pessimistic_write' },
        });
        t.status = 'approved';
        t.approvedAt = clock.now();
        t.version += 1;
        await runner.manager.save(t);
        await app().app.get(TestimonialChangeFeed).record(runner.manager, undefined, t);
        return {
          commit: async () => {
            await runner.commitTransaction();
            await runner.release();
          },
        };
      }

      it('never lets a poller skip a change that commits after a later-started one', async () => {
        const first = await create({ firstName: 'Slow' });
        const second = await create({ firstName: 'Fast' });
        const poller = newPoller();
        await poller.drain();
        const start = poller.seen.length;

        // Writer 1 appends to the feed and keeps its transaction open.
        const writer1 = await slowApproval(first);
        // Writer 2 goes through the real API meanwhile and commits as soon as it is allowed to.
        const writer2 = http()
          .post(`${ADMIN}/${second}/approve`)
          .set(editor.auth)
          .then((res) => res);
        const writer2State = await waitUntilBlockedOnFeed(writer2);

        // The poller runs while writer 1 is still open (and writer 2 done, if nothing held it back).
        await poller.poll();
        await writer1.commit();
        expect((await writer2).status).toBe(200);
        await poller.drain();

        expect(poller.seen.slice(start).map((c) => [c.op, c.id])).toEqual([
          ['upsert', first],
          ['upsert', second],
        ]);
        // How: writer 2 waited for writer 1's commit before taking its number.
        expect(writer2State).toBe('blocked');
      });

      it('keeps two slow writers and a poller in commit order, every change seen exactly once', async () => {
        const ids = [await create({ firstName: 'Uma' }), await create({ firstName: 'Vic' })];
        const poller = newPoller();
        await poller.drain();
        const start = poller.seen.length;

        const writer1 = await slowApproval(ids[0]);
        const writer2Appended = slowApproval(ids[1]);
        const writer2State = await waitUntilBlockedOnFeed(writer2Appended);
        // If writer 2 could append while writer 1 is open, let it commit first: the interleaving that loses
        // writer 1's change with a plain sequence.
        if (writer2State === 'finished') await (await writer2Appended).commit();
        await poller.poll();
        await writer1.commit();
        const writer2 = await writer2Appended;
        // Writer 2 now holds its number uncommitted: the poller sees writer 1's change and waits for writer 2's.
        await poller.poll();
        if (writer2State === 'blocked') await writer2.commit();
        await poller.drain();

        expect(poller.seen.slice(start).map((c) => c.id)).toEqual(ids);
        expect(new Set(poller.seen.map((c) => c.seq)).size).toBe(poller.seen.length);
        expect(writer2State).toBe('blocked');
      });
    },
  );
});

const ISO_MATCH = expect.stringMatching(ISO);
