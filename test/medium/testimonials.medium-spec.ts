import { jest } from '@jest/globals';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import type { AuditContext } from '../../src/common/audit/audit-log.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import { versionEtag } from '../../src/common/http/if-match.js';
import { ResponseCache } from '../../src/common/http/caching/index.js';
import { AdminTestimonialsService } from '../../src/testimonials/admin-testimonials.service.js';
import type { CreateTestimonialRequest } from '../../src/testimonials/dto/testimonial.requests.js';
import { TestimonialChange } from '../../src/testimonials/testimonial-change.entity.js';
import { feedView, type TestimonialAction } from '../../src/testimonials/testimonial-content.js';
import type { Testimonial, TestimonialStatus } from '../../src/testimonials/testimonial.entity.js';
import { TestimonialsRepository } from '../../src/testimonials/testimonials.repository.js';
import { TESTIMONIALS_CACHE_TAG, TestimonialsService } from '../../src/testimonials/testimonials.service.js';
import { describeConcurrently } from '../setup/test-database.js';
import { useTestApp } from '../utils/test-app.js';

const CREATOR_ID = '0b7c6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e';
const MODERATOR_ID = '7a1e2f3d-4c5b-4a69-8877-665544332211';
const staff = (id: string): AuditContext => ({ actor: { type: 'user', id }, requestId: null, clientRequestId: null });
const CREATOR = staff(CREATOR_ID);
const MODERATOR = staff(MODERATOR_ID);
const QUOTE = 'Talking it through here changed how I handle hard weeks.';

const entry = (overrides: Partial<CreateTestimonialRequest> = {}): CreateTestimonialRequest => ({
  quote: QUOTE,
  firstName: 'Ivette',
  lastName: 'Brennan',
  service: 'individual-therapy',
  rating: 5,
  source: 'email',
  consent: { givenAt: '2026-11-01T10:00:00Z', textVersion: '2026-01', method: 'email' },
  featured: true,
  sortOrder: 3,
  ...overrides,
});

/** The step that leads from `pending` to each status (none to stay pending). */
const REACH: Record<TestimonialStatus, TestimonialAction | undefined> = {
  pending: undefined,
  approved: 'approve',
  rejected: 'reject',
  withdrawn: 'withdraw',
};

/** Where each step records who and when. */
const STAMPS: Record<TestimonialAction, [keyof Testimonial, keyof Testimonial]> = {
  approve: ['approvedAt', 'approvedBy'],
  reject: ['rejectedAt', 'rejectedBy'],
  withdraw: ['withdrawnAt', 'withdrawnBy'],
};

/** The rule, written out: every (step, status) pair, and the status it leads to or `refused`. */
const MOVES: [TestimonialAction, TestimonialStatus, TestimonialStatus | 'refused'][] = [
  ['approve', 'pending', 'approved'],
  ['approve', 'rejected', 'approved'],
  ['approve', 'approved', 'refused'],
  ['approve', 'withdrawn', 'refused'],
  ['reject', 'pending', 'rejected'],
  ['reject', 'approved', 'rejected'],
  ['reject', 'rejected', 'refused'],
  ['reject', 'withdrawn', 'refused'],
  ['withdraw', 'pending', 'withdrawn'],
  ['withdraw', 'approved', 'withdrawn'],
  ['withdraw', 'rejected', 'withdrawn'],
  ['withdraw', 'withdrawn', 'refused'],
];

/** The AppException a call failed with (a failure when it succeeded or failed otherwise). */
async function refusal(work: Promise<unknown>): Promise<AppException> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppException);
  return error as AppException;
}

describe('testimonials: moderation, change feed and the versioned write path (no HTTP)', () => {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  // Its own database: the concurrency tests watch which sessions wait for which.
  const app = useTestApp({ clock, isolatedDatabase: true });
  const admin = () => app().app.get(AdminTestimonialsService);
  const repository = () => app().app.get(TestimonialsRepository);
  const dataSource = () => app().app.get(DataSource);
  const cacheGeneration = () => app().app.get(ResponseCache).generation(TESTIMONIALS_CACHE_TAG);

  /** A testimonial entered by staff and moved to `status`, as stored. */
  async function inStatus(
    status: TestimonialStatus,
    overrides: Partial<CreateTestimonialRequest> = {},
  ): Promise<Testimonial> {
    const t = await admin().create(entry(overrides), CREATOR);
    const step = REACH[status];
    if (step) await admin().moderate(t.id, step, undefined, CREATOR);
    return reload(t.id);
  }

  async function reload(id: string): Promise<Testimonial> {
    const t = await repository().findById(id);
    if (!t) throw new Error(`testimonial ${id} is gone`);
    return t;
  }

  const auditOf = (id: string) =>
    dataSource()
      .getRepository(AuditEvent)
      .find({ where: { entityType: 'testimonial', entityId: id }, order: { occurredAt: 'ASC' } });

  const feedOf = (id: string) =>
    dataSource()
      .getRepository(TestimonialChange)
      .find({ where: { testimonialId: id }, order: { seq: 'ASC' } });

  const opsOf = async (id: string) => (await feedOf(id)).map((change) => change.op);

  beforeEach(() => {
    clock.advance(60_000);
  });

  describe('moderation transitions', () => {
    it.each(MOVES.filter(([, , to]) => to !== 'refused'))(
      '%s from %s: allowed, a new version stamped with the moderator, audited',
      async (action, from, to) => {
        const before = await inStatus(from);
        const events = (await auditOf(before.id)).length;

        const after = await admin().moderate(before.id, action, versionEtag(before.version), MODERATOR);

        const [at, by] = STAMPS[action];
        const row = await reload(before.id);
        expect(after.version).toBe(before.version + 1);
        expect(row).toMatchObject({
          status: to,
          version: before.version + 1,
          createdBy: CREATOR_ID,
          updatedBy: MODERATOR_ID,
          [at]: clock.now(),
          [by]: MODERATOR_ID,
        });
        expect((await auditOf(before.id)).slice(events)).toEqual([
          expect.objectContaining({
            action: `testimonial.${to}`,
            entityType: 'testimonial',
            actorType: 'user',
            actorId: MODERATOR_ID,
            metadata: { from, status: to, version: before.version + 1 },
          }),
        ]);
      },
    );

    it.each(MOVES.filter(([, , to]) => to === 'refused'))(
      '%s from %s: refused, nothing written',
      async (action, from) => {
        const before = await inStatus(from);
        const events = (await auditOf(before.id)).length;
        const feed = await feedOf(before.id);

        const error = await refusal(admin().moderate(before.id, action, undefined, MODERATOR));

        expect(error.code).toBe('invalid_transition');
        expect(error.status).toBe(409);
        expect(error.options.extensions).toMatchObject({ currentStatus: from });
        expect(await reload(before.id)).toEqual(before);
        expect(await auditOf(before.id)).toHaveLength(events);
        expect(await feedOf(before.id)).toEqual(feed);
      },
    );

    it.each(['pending', 'approved', 'rejected'] as const)('editing a %s one is allowed and audited', async (status) => {
      const before = await inStatus(status);
      const after = await admin().update(
        before.id,
        { quote: 'Now I can say it in fewer words.', sortOrder: 9 },
        versionEtag(before.version),
        MODERATOR,
      );
      expect(await reload(before.id)).toMatchObject({
        quote: 'Now I can say it in fewer words.',
        sortOrder: 9,
        status,
        version: before.version + 1,
        updatedBy: MODERATOR_ID,
      });
      expect(after.version).toBe(before.version + 1);
      expect((await auditOf(before.id)).at(-1)).toMatchObject({
        action: 'testimonial.updated',
        metadata: { fields: ['quote', 'sortOrder'], status, version: before.version + 1 },
      });
    });

    it('editing a withdrawn one is refused, nothing written', async () => {
      const before = await inStatus('withdrawn');
      const events = (await auditOf(before.id)).length;
      const error = await refusal(admin().update(before.id, { quote: 'Back again.' }, undefined, MODERATOR));
      expect(error.code).toBe('invalid_transition');
      expect(error.detail).toBe('A withdrawn testimonial cannot be edited.');
      expect(await reload(before.id)).toEqual(before);
      expect(await auditOf(before.id)).toHaveLength(events);
    });

    it('an edit that changes nothing writes nothing: same version, no audit record, no feed entry', async () => {
      const before = await inStatus('approved');
      const events = (await auditOf(before.id)).length;
      const feed = await feedOf(before.id);
      const after = await admin().update(
        before.id,
        { quote: QUOTE, firstName: 'Ivette', sortOrder: 3 },
        versionEtag(before.version),
        MODERATOR,
      );
      expect(after.version).toBe(before.version);
      expect(await reload(before.id)).toEqual(before);
      expect(await auditOf(before.id)).toHaveLength(events);
      expect(await feedOf(before.id)).toEqual(feed);
    });

    it('creating stamps the creator and records version 1; a missing id is 404, a stale If-Match 412', async () => {
      const t = await admin().create(entry(), CREATOR);
      expect(await reload(t.id)).toMatchObject({
        status: 'pending',
        version: 1,
        createdBy: CREATOR_ID,
        updatedBy: CREATOR_ID,
      });
      expect(await auditOf(t.id)).toEqual([
        expect.objectContaining({
          action: 'testimonial.created',
          actorId: CREATOR_ID,
          metadata: { source: 'email', status: 'pending', version: 1 },
        }),
      ]);

      const missing = await refusal(
        admin().moderate('00000000-0000-4000-8000-000000000000', 'approve', undefined, MODERATOR),
      );
      expect([missing.code, missing.detail]).toEqual(['not_found', 'No testimonial has this id.']);

      const stale = await refusal(admin().moderate(t.id, 'approve', '"v2"', MODERATOR));
      expect(stale.code).toBe('precondition_failed');
      expect(stale.options.headers).toEqual({ ETag: '"v1"' });
      const staleDelete = await refusal(admin().remove(t.id, '"v7"', MODERATOR));
      expect(staleDelete.code).toBe('precondition_failed');
      expect((await reload(t.id)).version).toBe(1);
    });
  });

  describe('withdrawal', () => {
    it('erases the quote, the name, the rating and the featured flag for good; the consent record stays', async () => {
      const approved = await inStatus('approved');
      await admin().moderate(approved.id, 'withdraw', undefined, MODERATOR);

      const row = await reload(approved.id);
      expect(row).toMatchObject({
        status: 'withdrawn',
        quote: null,
        firstName: null,
        lastInitial: null,
        rating: null,
        featured: false,
        consentGivenAt: new Date('2026-11-01T10:00:00Z'),
        consentTextVersion: '2026-01',
        consentMethod: 'email',
        withdrawnAt: clock.now(),
        withdrawnBy: MODERATOR_ID,
      });
      // Nothing of the words or the name is left in the feed or the audit log either.
      const feed = await feedOf(approved.id);
      expect(feed).toEqual([expect.objectContaining({ op: 'delete', testimonial: null })]);
      const traces = JSON.stringify([feed, await auditOf(approved.id)]);
      expect(traces).not.toContain('Talking it through');
      expect(traces).not.toContain('Ivette');
    });
  });

  describe('the change feed gets exactly the public changes', () => {
    it('follows one testimonial through its life', async () => {
      const t = await admin().create(entry(), CREATOR);
      expect(await opsOf(t.id)).toEqual([]);

      await admin().update(t.id, { quote: 'Still pending, still private.' }, undefined, MODERATOR);
      expect(await opsOf(t.id)).toEqual([]);

      const approved = await admin().moderate(t.id, 'approve', undefined, MODERATOR);
      const [upsert] = await feedOf(t.id);
      expect(upsert).toMatchObject({ op: 'upsert', changedAt: clock.now(), testimonial: feedView(approved) });

      clock.advance(1000);
      const edited = await admin().update(t.id, { sortOrder: 40 }, undefined, MODERATOR);
      expect(await feedOf(t.id)).toEqual([
        upsert,
        expect.objectContaining({ op: 'upsert', changedAt: clock.now(), testimonial: feedView(edited) }),
      ]);

      // Rejection unpublishes it: its earlier upserts (holding its words) leave the feed.
      await admin().moderate(t.id, 'reject', undefined, MODERATOR);
      expect(await feedOf(t.id)).toEqual([expect.objectContaining({ op: 'delete', testimonial: null })]);

      await admin().update(t.id, { rating: 4 }, undefined, MODERATOR);
      expect(await opsOf(t.id)).toEqual(['delete']);

      await admin().moderate(t.id, 'approve', undefined, MODERATOR);
      expect(await opsOf(t.id)).toEqual(['delete', 'upsert']);

      const current = await reload(t.id);
      await admin().remove(t.id, versionEtag(current.version), MODERATOR);
      expect(await opsOf(t.id)).toEqual(['delete', 'delete']);
      expect(await repository().findById(t.id)).toBeNull();
      expect((await auditOf(t.id)).at(-1)).toMatchObject({
        action: 'testimonial.deleted',
        metadata: { status: 'approved', version: current.version },
      });
    });

    it('has nothing about testimonials that never were public', async () => {
      const rejected = await admin().create(entry(), CREATOR);
      await admin().update(rejected.id, { featured: false }, undefined, MODERATOR);
      await admin().moderate(rejected.id, 'reject', undefined, MODERATOR);
      await admin().update(rejected.id, { quote: 'Rejected, edited.' }, undefined, MODERATOR);
      await admin().moderate(rejected.id, 'withdraw', undefined, MODERATOR);
      const deleted = await admin().create(entry(), CREATOR);
      await admin().remove(deleted.id, undefined, MODERATOR);

      expect(await feedOf(rejected.id)).toEqual([]);
      expect(await feedOf(deleted.id)).toEqual([]);
      expect((await auditOf(rejected.id)).map((e) => e.action)).toEqual([
        'testimonial.created',
        'testimonial.updated',
        'testimonial.rejected',
        'testimonial.updated',
        'testimonial.withdrawn',
      ]);
    });
  });

  describe('reorder', () => {
    it('sets each order as a new version with its audit record; only public ones reach the feed', async () => {
      const published = await inStatus('approved', { sortOrder: 1 });
      const pending = await inStatus('pending', { sortOrder: 2 });
      const untouched = await inStatus('approved', { sortOrder: 5 });

      await admin().reorder(
        {
          items: [
            { id: published.id.toUpperCase(), sortOrder: 20 },
            { id: pending.id, sortOrder: 10 },
            { id: untouched.id, sortOrder: 5 },
          ],
        },
        MODERATOR,
      );

      for (const [before, to] of [
        [published, 20],
        [pending, 10],
      ] as const) {
        expect(await reload(before.id)).toMatchObject({
          sortOrder: to,
          version: before.version + 1,
          updatedBy: MODERATOR_ID,
        });
        expect((await auditOf(before.id)).at(-1)).toMatchObject({
          action: 'testimonial.reordered',
          metadata: { from: before.sortOrder, to, status: before.status, version: before.version + 1 },
        });
      }
      expect(await reload(untouched.id)).toEqual(untouched);
      expect((await auditOf(untouched.id)).at(-1)?.action).toBe('testimonial.approved');

      expect(await opsOf(pending.id)).toEqual([]);
      expect(await opsOf(untouched.id)).toEqual(['upsert']);
      expect(await feedOf(published.id)).toEqual([
        expect.objectContaining({ op: 'upsert' }),
        expect.objectContaining({ op: 'upsert', testimonial: feedView(await reload(published.id)) }),
      ]);
    });

    it('is all or nothing: an unknown id changes nothing', async () => {
      const published = await inStatus('approved', { sortOrder: 1 });
      const pending = await inStatus('pending', { sortOrder: 2 });
      const unknown = '00000000-0000-4000-8000-0000000000aa';
      const events = [(await auditOf(published.id)).length, (await auditOf(pending.id)).length];
      const generation = cacheGeneration();

      const error = await refusal(
        admin().reorder(
          {
            items: [
              { id: published.id, sortOrder: 30 },
              { id: unknown, sortOrder: 31 },
              { id: pending.id, sortOrder: 32 },
            ],
          },
          MODERATOR,
        ),
      );

      expect([error.code, error.detail]).toEqual(['not_found', `No testimonial has the id ${unknown}.`]);
      expect(await reload(published.id)).toEqual(published);
      expect(await reload(pending.id)).toEqual(pending);
      expect([(await auditOf(published.id)).length, (await auditOf(pending.id)).length]).toEqual(events);
      expect(await opsOf(published.id)).toEqual(['upsert']);
      expect(cacheGeneration()).toBeGreaterThan(generation);
    });
  });

  describe('a failing step rolls the whole change back', () => {
    /**
     * Makes the next feed append write its entry and then fail, as a lost connection at commit would; returns what
     * the transaction had written by then.
     */
    function failAfterNextAppend(): { feedEntries: number; auditRecords: number } {
      const written = { feedEntries: 0, auditRecords: 0 };
      const repo = repository();
      const append = repo.appendChange.bind(repo);
      jest
        .spyOn(repo, 'appendChange')
        .mockImplementationOnce(async (change: Parameters<typeof append>[0], manager: EntityManager) => {
          await append(change, manager);
          written.feedEntries = await manager.countBy(TestimonialChange, { testimonialId: change.testimonialId });
          written.auditRecords = await manager.countBy(AuditEvent, { entityId: change.testimonialId });
          throw new Error('the disk is full');
        });
      return written;
    }

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('approval: no new version, no audit record, no feed entry; the cache is still cleared', async () => {
      const pending = await inStatus('pending');
      const generation = cacheGeneration();
      const written = failAfterNextAppend();

      await expect(admin().moderate(pending.id, 'approve', undefined, MODERATOR)).rejects.toThrow('the disk is full');

      expect(written).toEqual({ feedEntries: 1, auditRecords: 2 });
      expect(await reload(pending.id)).toEqual(pending);
      expect((await auditOf(pending.id)).map((e) => e.action)).toEqual(['testimonial.created']);
      expect(await feedOf(pending.id)).toEqual([]);
      expect(cacheGeneration()).toBeGreaterThan(generation);
    });

    it('withdrawal: the words come back, the upsert stays, no audit record', async () => {
      const published = await inStatus('approved');
      const feed = await feedOf(published.id);
      const written = failAfterNextAppend();

      await expect(admin().moderate(published.id, 'withdraw', undefined, MODERATOR)).rejects.toThrow(
        'the disk is full',
      );

      // Inside the transaction the upsert had made way for the delete, next to the withdrawal's audit record.
      expect(written).toEqual({ feedEntries: 1, auditRecords: 3 });

      expect(await reload(published.id)).toEqual(published);
      expect((await auditOf(published.id)).at(-1)?.action).toBe('testimonial.approved');
      expect(await feedOf(published.id)).toEqual(feed);
    });

    it('delete: the row stays, with no audit record of its deletion', async () => {
      const published = await inStatus('approved');
      const written = failAfterNextAppend();

      await expect(admin().remove(published.id, undefined, MODERATOR)).rejects.toThrow('the disk is full');

      expect(written).toEqual({ feedEntries: 1, auditRecords: 3 });
      expect(await reload(published.id)).toEqual(published);
      expect((await auditOf(published.id)).at(-1)?.action).toBe('testimonial.approved');
      expect(await opsOf(published.id)).toEqual(['upsert']);
    });
  });

  describe('public submissions', () => {
    it('are stored pending and audited as anonymous, and leave the cached public list alone', async () => {
      const generation = cacheGeneration();
      const t = await app()
        .app.get(TestimonialsService)
        .submit(
          {
            quote: QUOTE,
            firstName: ' Ivette  Maria ',
            lastName: 'brennan',
            consent: true,
            consentTextVersion: '2026-01',
          },
          { actor: { type: 'anonymous', id: null }, requestId: null, clientRequestId: null },
        );
      expect(await reload(t.id)).toMatchObject({
        status: 'pending',
        spam: false,
        firstName: 'Ivette Maria',
        lastInitial: 'B',
        source: 'website',
        consentMethod: 'web-form',
        consentGivenAt: clock.now(),
        version: 1,
        createdBy: null,
      });
      expect(await auditOf(t.id)).toEqual([
        expect.objectContaining({
          action: 'testimonial.submitted',
          actorType: 'anonymous',
          metadata: { spam: false, status: 'pending' },
        }),
      ]);
      expect(await feedOf(t.id)).toEqual([]);
      expect(cacheGeneration()).toBe(generation);
    });
  });

  describeConcurrently('under concurrency (real Postgres: the embedded database is one session)', () => {
    /** A transaction of the test's own, on its own connection, held open until committed. */
    async function openTransaction() {
      const runner = dataSource().createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      return {
        manager: runner.manager,
        commit: async () => {
          await runner.commitTransaction();
          await runner.release();
        },
      };
    }

    /**
     * Resolves once `count` sessions of this (the suite's own) database wait for a lock: on the holder's, or, when
     * several queue for one row, on the one ahead of them.
     */
    async function waiting(count: number): Promise<void> {
      for (let i = 0; i < 5000; i++) {
        const [{ sessions }] = await dataSource().query<{ sessions: number }[]>(
          `SELECT count(*)::int AS sessions FROM pg_stat_activity
            WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0`,
        );
        if (sessions >= count) return;
      }
      throw new Error(`fewer than ${count} sessions ever waited for a lock`);
    }

    it('two moderations with the same If-Match: exactly one wins, the other gets 412', async () => {
      const pending = await inStatus('pending');
      const etag = versionEtag(pending.version);
      // Both read the row only once the holder lets go, so neither can see the other's result before it starts.
      const holder = await openTransaction();
      await repository().findForUpdate(pending.id, holder.manager);
      const results = Promise.allSettled([
        admin().moderate(pending.id, 'approve', etag, MODERATOR),
        admin().moderate(pending.id, 'withdraw', etag, MODERATOR),
      ]);
      await waiting(2);
      await holder.commit();

      const [approve, withdraw] = await results;
      const outcomes = [approve, withdraw].map((r) =>
        r.status === 'fulfilled' ? 'ok' : r.reason instanceof AppException ? r.reason.code : String(r.reason),
      );
      expect(outcomes.sort()).toEqual(['ok', 'precondition_failed']);
      const winner = approve.status === 'fulfilled' ? 'approved' : 'withdrawn';
      expect(await reload(pending.id)).toMatchObject({ status: winner, version: pending.version + 1 });
      expect((await auditOf(pending.id)).map((e) => e.action)).toEqual([
        'testimonial.created',
        `testimonial.${winner}`,
      ]);
      expect(await opsOf(pending.id)).toEqual(winner === 'approved' ? ['upsert'] : []);
    });

    it('a reorder takes its locks in id order, so writers locking the same rows in another order do not deadlock', async () => {
      const [low, high] = [await inStatus('approved'), await inStatus('approved')].sort((a, b) =>
        a.id < b.id ? -1 : 1,
      );
      // Another writer holds the lower id and will want the higher one next.
      const holder = await openTransaction();
      await repository().findManyForUpdate([low.id], holder.manager);
      const reorder = admin().reorder(
        {
          items: [
            { id: high.id, sortOrder: 50 },
            { id: low.id, sortOrder: 51 },
          ],
        },
        MODERATOR,
      );
      await waiting(1);
      // Had the reorder locked the higher id first (the order it was sent in), this would deadlock.
      await repository().findManyForUpdate([high.id], holder.manager);
      await holder.commit();
      await reorder;

      expect((await reload(high.id)).sortOrder).toBe(50);
      expect((await reload(low.id)).sortOrder).toBe(51);
    });

    it('concurrent reorders of the same testimonials in different orders all complete', async () => {
      const rows = [await inStatus('approved'), await inStatus('pending'), await inStatus('approved')];
      const permutations = [
        [0, 1, 2],
        [2, 1, 0],
        [1, 2, 0],
        [0, 2, 1],
      ];
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          permutations.map((order, writer) =>
            admin().reorder(
              { items: order.map((i) => ({ id: rows[i].id, sortOrder: 100 * round + 10 * writer + i })) },
              MODERATOR,
            ),
          ),
        );
      }
      // Every write that changed an order made a version: 1 (or 2 once approved) + one per applied change.
      for (const row of rows) {
        const reordered = (await auditOf(row.id)).filter((e) => e.action === 'testimonial.reordered');
        expect((await reload(row.id)).version).toBe(row.version + reordered.length);
      }
    });
  });
});
