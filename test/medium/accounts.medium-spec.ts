import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiKeysService } from '../../src/api-keys/api-keys.service.js';
import { FEATURE_REGISTRY } from '../../src/app.module.js';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { AccessGuard } from '../../src/auth/access.guard.js';
import { ApiKeyScope } from '../../src/common/access/decorators.js';
import type { Principal } from '../../src/common/access/principal.js';
import type { Role } from '../../src/common/access/roles.js';
import type { AuditContext } from '../../src/common/audit/audit-log.js';
import { ManualClock } from '../../src/common/clock/clock.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import type { PurgeOutcome } from '../../src/common/feature/purge.js';
import { IdempotencyKey } from '../../src/common/idempotency/idempotency-key.entity.js';
import { Idempotency } from '../../src/common/idempotency/idempotency.service.js';
import { Metrics } from '../../src/common/metrics/metrics.js';
import { AppConfig } from '../../src/config/app-config.js';
import { AuditLog } from '../../src/common/audit/audit-log.js';
import { DataCipher } from '../../src/common/crypto/data-cipher.js';
import { AnnouncedEvent } from '../../src/notifications/announced-event.entity.js';
import { WebhookEndpointDisabledListener } from '../../src/notifications/endpoint-disabled.js';
import { OutboxDelivery } from '../../src/notifications/outbox-delivery.entity.js';
import { OutboxRepository } from '../../src/notifications/outbox.repository.js';
import { Outbox } from '../../src/notifications/outbox.service.js';
import { WebhookDispatcher } from '../../src/notifications/webhook-dispatcher.service.js';
import { WebhookEndpointsRepository } from '../../src/notifications/webhook-endpoints.repository.js';
import { WebhookTargets } from '../../src/notifications/webhook-targets.js';
import { hashPassword } from '../../src/users/password.js';
import type { User } from '../../src/users/user.entity.js';
import { UsersRepository } from '../../src/users/users.repository.js';
import { UsersService } from '../../src/users/users.service.js';
import { itConcurrently } from '../setup/test-database.js';
import { APP_BOOT_TIMEOUT_MS, createTestApp, type TestApp } from '../utils/test-app.js';
import { Receiver } from '../utils/webhook-receiver.js';

/**
 * Users, API keys, the webhook outbox and idempotency keys: services and repositories on a real database of their
 * own (the last-admin rule counts every admin, the purges count every row), without HTTP, on a clock moved by hand.
 */

const START = new Date('2026-11-03T09:00:00.000Z');
const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEBHOOK_SECRET = 'medium-webhook-secret-0123456789';

const clock = new ManualClock(START);
const receiver = new Receiver();
let app: TestApp | undefined;
const t = (): TestApp => {
  if (!app) throw new Error('the app is not running');
  return app;
};
const dataSource = () => t().app.get(DataSource);

// One describe around every test: the hooks stay this file's own when a group imports it (test/groups/README.md).
describe('accounts, API keys, the webhook outbox and idempotency keys', () => {
  beforeAll(async () => {
    await receiver.start();
    app = await createTestApp({
      clock,
      isolatedDatabase: true,
      env: {
        NOTIFY_WEBHOOK_URLS: `${receiver.origin}/hooks/medium`,
        NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
        NOTIFY_RETRY_HOURS: '1',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      },
    });
  }, APP_BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await app?.close();
    await receiver.stop();
  });
  beforeEach(() => {
    clock.set(START);
    receiver.reset();
  });

  function contextOf(actorId: string | null): AuditContext {
    return { actor: { type: 'user', id: actorId }, requestId: 'medium-request', clientRequestId: null };
  }

  /** The code of the AppException `work` fails with. */
  async function refusal(work: Promise<unknown>): Promise<string> {
    const error: unknown = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof AppException)) throw new Error(`expected an AppException, got ${String(error)}`);
    return error.code;
  }

  function auditEventsOf(entityId: string): Promise<AuditEvent[]> {
    return dataSource()
      .getRepository(AuditEvent)
      .find({ where: { entityId }, order: { occurredAt: 'ASC' } });
  }

  /** A registered retention purge, run as the retention job runs it: in a transaction of its own. */
  function runPurge(name: string, now: Date): Promise<PurgeOutcome> {
    const purge = FEATURE_REGISTRY.purges.find((p) => p.name === name);
    if (!purge) throw new Error(`no purge named ${name}`);
    return dataSource().transaction((manager) => purge.run(manager, { now, config: t().app.get(AppConfig) }));
  }

  // ---------------------------------------------------------------------------------------------------------

  describe('the last active admin', () => {
    const users = () => t().app.get(UsersService);

    /** A fresh account, straight into the table (no audit event). */
    async function account(role: Role, active = true): Promise<User> {
      const suffix = randomUUID().slice(0, 8);
      const user = await t()
        .app.get(UsersRepository)
        .insert({
          email: `${role}-${suffix}@wellclinic.test`,
          displayName: `${role} ${suffix}`,
          role,
          passwordHash: await hashPassword(`calm-harbor-${suffix}-lantern`),
        });
      if (!active) await t().app.get(UsersRepository).update(user.id, { active: false });
      return { ...user, active };
    }

    const activeAdmins = async () =>
      (await dataSource().query<{ id: string }[]>(`SELECT id FROM users WHERE role = 'admin' AND active`)).map(
        (r) => r.id,
      );
    const stored = (id: string) => t().app.get(UsersRepository).findById(id);

    // Every test counts admins: it starts with no account at all.
    beforeEach(async () => {
      await dataSource().query('DELETE FROM users');
    });

    it('refuses to demote, deactivate or delete it, whoever asks; other accounts do not count', async () => {
      const admin = await account('admin');
      await account('admin', false);
      await account('editor');
      await account('frontdesk');
      const ctx = contextOf(admin.id);

      for (const role of ['editor', 'frontdesk'] as const) {
        expect(await refusal(users().update(admin.id, { role }, ctx))).toBe('last_admin');
      }
      expect(await refusal(users().update(admin.id, { active: false }, ctx))).toBe('last_admin');
      expect(await refusal(users().update(admin.id, { displayName: 'Renamed', active: false }, ctx))).toBe(
        'last_admin',
      );
      expect(await refusal(users().remove(admin.id, ctx))).toBe('last_admin');

      // Nothing changed: not the account, not its sessions, not the audit log.
      expect(await stored(admin.id)).toMatchObject({
        role: 'admin',
        active: true,
        displayName: admin.displayName,
        tokenVersion: 0,
      });
      expect(await auditEventsOf(admin.id)).toEqual([]);
      expect(await activeAdmins()).toEqual([admin.id]);
    });

    it('lets the last admin change what does not take its admin rights away', async () => {
      const admin = await account('admin');
      const ctx = contextOf(admin.id);

      expect(
        await users().update(admin.id, { role: 'admin', active: true, displayName: 'Still Admin' }, ctx),
        // The role it already has changes nothing: its sessions go on (issue 20).
      ).toMatchObject({ role: 'admin', active: true, displayName: 'Still Admin', tokenVersion: 0 });
      expect((await auditEventsOf(admin.id)).map((e) => [e.action, e.metadata])).toEqual([
        ['user.updated', { fields: ['active', 'displayName', 'role'] }],
      ]);
    });

    it.each([
      ['demoting', (id: string, ctx: AuditContext) => users().update(id, { role: 'editor' }, ctx), 'user.updated'],
      [
        'deactivating',
        (id: string, ctx: AuditContext) => users().update(id, { active: false }, ctx),
        'user.deactivated',
      ],
      ['deleting', (id: string, ctx: AuditContext) => users().remove(id, ctx), 'user.deleted'],
    ] as const)('allows %s an admin while another admin is active, once', async (_case, change, action) => {
      const first = await account('admin');
      const second = await account('admin');

      await change(first.id, contextOf(second.id));
      expect(await activeAdmins()).toEqual([second.id]);
      expect((await auditEventsOf(first.id)).map((e) => [e.action, e.actorId])).toEqual([[action, second.id]]);

      // The second is now the last one, also for itself.
      expect(await refusal(change(second.id, contextOf(second.id)))).toBe('last_admin');
      expect(await activeAdmins()).toEqual([second.id]);
    });

    it('counts a reactivated admin again', async () => {
      const first = await account('admin');
      const second = await account('admin', false);
      const ctx = contextOf(first.id);

      expect(await refusal(users().update(first.id, { role: 'editor' }, ctx))).toBe('last_admin');
      await users().update(second.id, { active: true }, ctx);
      await users().update(first.id, { role: 'editor' }, ctx);
      expect(await activeAdmins()).toEqual([second.id]);
    });

    /**
     * Holds every admin row locked (as a transaction of another request would) while both changes start, so both
     * are inside their transactions, waiting, when the rows are released: they really run at the same time.
     */
    async function concurrently<T>(changes: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
      const blocker = dataSource().createQueryRunner();
      await blocker.connect();
      await blocker.startTransaction();
      try {
        await blocker.query(`SELECT id FROM users WHERE role = 'admin' FOR UPDATE`);
        const settled = Promise.allSettled(changes.map((change) => change()));
        await waitForLockWaiters(changes.length);
        await blocker.rollbackTransaction();
        return await settled;
      } finally {
        if (blocker.isTransactionActive) await blocker.rollbackTransaction();
        await blocker.release();
      }
    }

    async function waitForLockWaiters(count: number): Promise<void> {
      for (let tries = 0; tries < 500; tries += 1) {
        const [{ n }] = await dataSource().query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (n >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`fewer than ${count} transactions waited for the admins' rows`);
    }

    itConcurrently.each([
      ['demote each other', { role: 'editor' }, { role: 'editor' }],
      ['deactivate each other', { active: false }, { active: false }],
      ['one demotes, the other deactivates', { role: 'frontdesk' }, { active: false }],
    ] as const)('two admins who %s at the same time: exactly one succeeds', async (_case, toFirst, toSecond) => {
      const first = await account('admin');
      const second = await account('admin');

      const results = await concurrently([
        () => users().update(first.id, toFirst, contextOf(second.id)),
        () => users().update(second.id, toSecond, contextOf(first.id)),
      ]);

      const refused = results.filter((r) => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0].reason).toBeInstanceOf(AppException);
      expect((refused[0].reason as AppException).code).toBe('last_admin');
      expect(await activeAdmins()).toHaveLength(1);
    });

    itConcurrently('two admins who delete each other at the same time: exactly one is deleted', async () => {
      const first = await account('admin');
      const second = await account('admin');

      const results = await concurrently([
        () => users().remove(first.id, contextOf(second.id)),
        () => users().remove(second.id, contextOf(first.id)),
      ]);

      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const survivors = await activeAdmins();
      expect(survivors).toHaveLength(1);
      expect([first.id, second.id]).toContain(survivors[0]);
    });
  });

  // ---------------------------------------------------------------------------------------------------------

  describe('API keys', () => {
    const keys = () => t().app.get(ApiKeysService);
    /** The admin creating the keys: a real account, whose row a key's insert share-locks. */
    let admin: AuditContext;
    beforeAll(async () => {
      const suffix = randomUUID().slice(0, 8);
      const user = await t()
        .app.get(UsersRepository)
        .insert({
          email: `keys-admin-${suffix}@wellclinic.test`,
          displayName: `keys admin ${suffix}`,
          role: 'admin',
          passwordHash: await hashPassword(`calm-harbor-${suffix}-lantern`),
        });
      admin = contextOf(user.id);
    });

    it('creates nothing for an account deleted since its token was checked (401)', async () => {
      const gone = contextOf(randomUUID());
      expect(await refusal(keys().create({ name: 'orphan', scopes: ['site'] }, gone))).toBe('unauthorized');
      const orphans = await t()
        .app.get(DataSource)
        .query<{ n: number }[]>('SELECT count(*)::int AS n FROM api_keys WHERE created_by = $1', [gone.actor.id]);
      expect(orphans[0].n).toBe(0);
    });

    class Routes {
      @ApiKeyScope('testimonials:read')
      testimonials(): void {}

      @ApiKeyScope('site')
      site(): void {}
    }

    /** The access guard's answer for a request to this route with this X-API-Key: the principal it sets, or its refusal. */
    async function guard(route: 'testimonials' | 'site', secret?: string): Promise<Principal | string> {
      const request = { headers: secret === undefined ? {} : { 'x-api-key': secret } } as FastifyRequest;
      const context = new ExecutionContextHost([request, {}], Routes, Routes.prototype[route]);
      try {
        expect(await t().app.get(AccessGuard).canActivate(context)).toBe(true);
        return request.principal!;
      } catch (error) {
        if (error instanceof AppException) return `${error.status} ${error.detail}`;
        throw error;
      }
    }

    const UNAUTHORIZED = '401 A valid X-API-Key header is required.';
    const lastUsedAt = async (id: string) => (await keys().get(id)).lastUsedAt;

    it('lets a key through only to routes of its scopes, and records only the use it was allowed', async () => {
      const { key, secret } = await keys().create({ name: 'widget', scopes: ['testimonials:read'] }, admin);

      expect(await guard('site', secret)).toBe('403 This API key lacks the site scope.');
      expect(await lastUsedAt(key.id)).toBeNull();

      expect(await guard('testimonials', secret)).toEqual({
        kind: 'apiKey',
        id: key.id,
        name: 'widget',
        scopes: ['testimonials:read'],
      });
      expect(await lastUsedAt(key.id)).toEqual(START);

      // Written at most once a minute.
      clock.advance(59 * SECOND);
      await guard('testimonials', secret);
      expect(await lastUsedAt(key.id)).toEqual(START);
      clock.advance(SECOND);
      await guard('testimonials', secret);
      expect(await lastUsedAt(key.id)).toEqual(clock.now());
    });

    it('refuses a missing, malformed or unknown secret', async () => {
      expect(await guard('testimonials')).toBe(UNAUTHORIZED);
      expect(await guard('testimonials', 'not-a-key')).toBe(UNAUTHORIZED);
      expect(await guard('testimonials', `wck_${'x'.repeat(43)}`)).toBe(UNAUTHORIZED);
    });

    it('stops a key at once when it is revoked; revoking again changes nothing', async () => {
      const { key, secret } = await keys().create({ name: 'partner', scopes: ['testimonials:read'] }, admin);
      expect(await guard('testimonials', secret)).toMatchObject({ kind: 'apiKey', id: key.id });

      clock.advance(HOUR);
      await keys().revoke(key.id, admin);
      expect(await guard('testimonials', secret)).toBe(UNAUTHORIZED);
      expect(await keys().authenticate(secret)).toBeUndefined();
      expect((await keys().get(key.id)).revokedAt).toEqual(clock.now());

      clock.advance(HOUR);
      await keys().revoke(key.id, admin);
      expect((await keys().get(key.id)).revokedAt).toEqual(new Date(START.getTime() + HOUR));
      expect((await auditEventsOf(key.id)).map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked']);
    });

    it('refuses to revoke a key that does not exist', async () => {
      expect(await refusal(keys().revoke(randomUUID(), admin))).toBe('not_found');
    });

    it('stops a key at the instant it expires, by the app clock', async () => {
      const expiresAt = new Date(START.getTime() + DAY);
      const { secret } = await keys().create(
        { name: 'temporary', scopes: ['site'], expiresAt: expiresAt.toISOString() },
        admin,
      );
      clock.set(new Date(expiresAt.getTime() - 1));
      expect(await keys().authenticate(secret)).toBeDefined();
      clock.set(expiresAt);
      expect(await keys().authenticate(secret)).toBeUndefined();
    });

    it('refuses an expiry that is not in the future', async () => {
      const input = { name: 'late', scopes: ['site' as const], expiresAt: START.toISOString() };
      expect(await refusal(keys().create(input, admin))).toBe('validation_failed');
    });
  });

  // ---------------------------------------------------------------------------------------------------------

  describe('the webhook outbox', () => {
    const EVENT = 'contact_request.created';
    const outbox = () => t().app.get(Outbox);
    const deliveriesOf = (entityId: string) => dataSource().getRepository(OutboxDelivery).findBy({ entityId });
    const row = (id: string) => dataSource().getRepository(OutboxDelivery).findOneByOrFail({ id });

    /** Announces the event, and (unless told not to) fans it out into its deliveries as the dispatcher does first. */
    async function enqueue(manager: EntityManager, entityId: string): Promise<void> {
      await outbox().enqueue(manager, { event: EVENT, entityId, payload: { event: EVENT, id: entityId } });
    }
    const fanOut = () => t().app.get(OutboxRepository).fanOut(100);
    const none = { fannedOut: 0, claimed: 0, delivered: 0, retried: 0, failed: 0 };

    /** A dispatcher of the app's outbox and configuration whose jitter is always half the ceiling. */
    const dispatcher = () =>
      new WebhookDispatcher(
        t().app.get(OutboxRepository),
        t().app.get(WebhookEndpointsRepository),
        t().app.get(WebhookTargets),
        t().app.get(DataCipher),
        t().app.get(AuditLog),
        t().app.get(WebhookEndpointDisabledListener),
        t().app.get(AppConfig),
        clock,
        () => 0.5,
        new Metrics({ processMetrics: false }),
      );

    beforeEach(async () => {
      await dataSource().query('DELETE FROM outbox_deliveries');
      await dataSource().query('DELETE FROM outbox_events');
    });

    it('announces one event in the caller’s transaction, fanned out into one pending delivery per endpoint, due then', async () => {
      const entityId = randomUUID();
      await dataSource().transaction((manager) => enqueue(manager, entityId));
      expect(await dataSource().getRepository(AnnouncedEvent).findBy({ entityId })).toEqual([
        expect.objectContaining({ event: EVENT, payload: { event: EVENT, id: entityId }, createdAt: START }),
      ]);
      expect(await deliveriesOf(entityId)).toEqual([]);

      clock.advance(SECOND);
      expect(await fanOut()).toEqual({ events: 1, deliveries: 1 });
      expect(await dataSource().getRepository(AnnouncedEvent).findBy({ entityId })).toEqual([]);
      expect(await deliveriesOf(entityId)).toEqual([
        expect.objectContaining({
          event: EVENT,
          url: `${receiver.origin}/hooks/medium`,
          endpointId: expect.any(String),
          payload: { event: EVENT, id: entityId },
          status: 'pending',
          attempts: 0,
          nextAttemptAt: START,
          giveUpAt: new Date(START.getTime() + HOUR),
          createdAt: START,
          lockedUntil: null,
        }),
      ]);
    });

    it('leaves nothing when the transaction that enqueued rolls back', async () => {
      const entityId = randomUUID();
      await expect(
        dataSource().transaction(async (manager) => {
          await enqueue(manager, entityId);
          throw new Error('a later step failed');
        }),
      ).rejects.toThrow('a later step failed');

      expect(await deliveriesOf(entityId)).toEqual([]);
      expect(await dispatcher().runOnce()).toEqual(none);
      expect(receiver.requests).toHaveLength(0);
    });

    it('retries with doubling delays on the app clock, never past giveUpAt, then gives up', async () => {
      receiver.fallback = 503;
      const entityId = randomUUID();
      await dataSource().transaction((manager) => enqueue(manager, entityId));
      await fanOut();
      const [delivery] = await deliveriesOf(entityId);
      const run = dispatcher();

      // Half of each ceiling (30 s, 1 min, 2 min, … up to 1 h), after each failed attempt; the eighth would land
      // past giveUpAt (1 h), so the last attempt is made at that instant.
      const attemptsAt = [0, 15, 45, 105, 225, 465, 945, 1905, 3600].map((s) => new Date(START.getTime() + s * SECOND));
      for (const [i, at] of attemptsAt.entries()) {
        const attempt = i + 1;
        // Due at that instant, not a millisecond before.
        clock.set(new Date(at.getTime() - 1));
        expect(await run.runOnce()).toEqual(none);
        clock.set(at);
        const last = attempt === attemptsAt.length;
        expect(await run.runOnce()).toEqual({ ...none, claimed: 1, retried: last ? 0 : 1, failed: last ? 1 : 0 });
        expect(await row(delivery.id)).toMatchObject({
          status: last ? 'failed' : 'pending',
          attempts: attempt,
          lastStatus: 503,
          lastError: 'HTTP 503',
          lastAttemptAt: at,
          lockedUntil: null,
          deliveredAt: null,
          ...(last ? {} : { nextAttemptAt: attemptsAt[attempt] }),
        });
      }
      expect(receiver.requests).toHaveLength(attemptsAt.length);

      // Failed is final.
      clock.advance(DAY);
      expect(await run.runOnce()).toEqual(none);
      expect(receiver.requests).toHaveLength(attemptsAt.length);
    });

    it('delivers on a retry and stops there', async () => {
      receiver.answer(500);
      const entityId = randomUUID();
      await dataSource().transaction((manager) => enqueue(manager, entityId));
      await fanOut();
      const [delivery] = await deliveriesOf(entityId);
      const run = dispatcher();

      expect(await run.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
      clock.set(new Date(START.getTime() + 15 * SECOND));
      expect(await run.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(await row(delivery.id)).toMatchObject({ status: 'delivered', attempts: 2, deliveredAt: clock.now() });
      clock.advance(DAY);
      expect(await run.runOnce()).toMatchObject({ claimed: 0 });
    });

    it('does not let an attempt that outlived its lease overwrite the newer attempt', async () => {
      const entityId = randomUUID();
      await dataSource().transaction((manager) => enqueue(manager, entityId));
      await fanOut();
      const repository = t().app.get(OutboxRepository);

      const [stale] = await repository.claimDue(START, new Date(START.getTime() + SECOND), 10);
      expect(await repository.claimDue(START, new Date(START.getTime() + SECOND), 10)).toEqual([]);
      const later = new Date(START.getTime() + SECOND);
      const [fresh] = await repository.claimDue(later, new Date(later.getTime() + SECOND), 10);
      expect([stale.attempts, fresh.attempts]).toEqual([1, 2]);

      const outcome = {
        status: 'delivered' as const,
        deliveredAt: later,
        lastStatus: 200,
        lastError: null,
        lastDurationMs: 5,
        url: stale.url,
      };
      expect(await repository.recordOutcome(stale.id, stale.attempts, outcome)).toBe(false);
      expect(await row(stale.id)).toMatchObject({ status: 'pending', attempts: 2 });
      expect(await repository.recordOutcome(fresh.id, fresh.attempts, outcome)).toBe(true);
      expect(await row(stale.id)).toMatchObject({ status: 'delivered', attempts: 2, lockedUntil: null });
    });

    it('records a run of outcomes in one statement, each fenced by its attempt number', async () => {
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      await dataSource().transaction(async (manager) => {
        for (const id of ids) await enqueue(manager, id);
      });
      await fanOut();
      const repository = t().app.get(OutboxRepository);
      // Due, and still inside their retry window (NOTIFY_RETRY_HOURS 1 here): a claim never takes one past it.
      const at = new Date(START.getTime() + 30 * 60 * SECOND);
      const claimed = await repository.claimDue(at, new Date(at.getTime() + SECOND), 10);
      const mine = ids.map((id) => claimed.find((d) => d.entityId === id)!);
      expect(mine.every(Boolean)).toBe(true);
      const [delivered, retried, stale] = mine;
      const retryAt = new Date(at.getTime() + 30 * SECOND);
      const sent = { lastStatus: 200, lastError: null, lastDurationMs: 7, url: delivered.url };

      const recorded = await repository.recordOutcomes([
        { ...sent, id: delivered.id, attempts: delivered.attempts, status: 'delivered', deliveredAt: at },
        {
          ...sent,
          id: retried.id,
          attempts: retried.attempts,
          lastStatus: 503,
          lastError: 'HTTP 503',
          nextAttemptAt: retryAt,
        },
        // Claimed again since: its fence no longer matches.
        { ...sent, id: stale.id, attempts: stale.attempts - 1, status: 'delivered', deliveredAt: at },
      ]);
      expect(recorded).toEqual(new Set([delivered.id, retried.id]));
      expect(await row(delivered.id)).toMatchObject({
        status: 'delivered',
        deliveredAt: at,
        lastStatus: 200,
        lockedUntil: null,
      });
      expect(await row(retried.id)).toMatchObject({
        status: 'pending',
        nextAttemptAt: retryAt,
        lastStatus: 503,
        lastError: 'HTTP 503',
        deliveredAt: null,
        lockedUntil: null,
      });
      expect(await row(stale.id)).toMatchObject({ status: 'pending', lastStatus: null });
      expect((await row(stale.id)).lockedUntil).not.toBeNull();
      expect(await repository.recordOutcomes([])).toEqual(new Set());
    });

    it('purges finished deliveries created before the retention cutoff, and keeps pending ones', async () => {
      const retentionDays = t().app.get(AppConfig).contactRequests.retentionDays;
      const now = new Date(START.getTime() + (retentionDays + 1) * DAY);
      const cutoff = new Date(now.getTime() - retentionDays * DAY);
      const at = async (created: Date, status: OutboxDelivery['status']) => {
        clock.set(created);
        const entityId = randomUUID();
        await dataSource().transaction((manager) => enqueue(manager, entityId));
        await fanOut();
        await dataSource().getRepository(OutboxDelivery).update({ entityId }, { status });
        return entityId;
      };
      const before = new Date(cutoff.getTime() - 1);
      const gone = [await at(before, 'delivered'), await at(START, 'failed')];
      const kept = [await at(before, 'pending'), await at(cutoff, 'delivered'), await at(cutoff, 'failed')];

      expect(await runPurge('notification-deliveries', now)).toEqual({
        counts: { notificationDeliveries: 2, cutoff: cutoff.toISOString() },
        summary: `2 webhook deliveries finished before ${cutoff.toISOString()}`,
      });
      for (const entityId of gone) expect(await deliveriesOf(entityId)).toEqual([]);
      for (const entityId of kept) expect(await deliveriesOf(entityId)).toHaveLength(1);

      expect(await runPurge('notification-deliveries', now)).toEqual({
        counts: { notificationDeliveries: 0, cutoff: cutoff.toISOString() },
        summary: `0 webhook deliveries finished before ${cutoff.toISOString()}`,
      });
    });
  });

  // ---------------------------------------------------------------------------------------------------------

  describe('idempotency keys', () => {
    const SCOPE = 'medium.create';
    const CLIENT = 'ip:203.0.113.7';
    const idempotency = () => t().app.get(Idempotency);
    let runs = 0;

    /** A create that counts how often it really ran. */
    const create = (key: string, body: object) =>
      idempotency().run(SCOPE, CLIENT, key, body, () => {
        runs += 1;
        return Promise.resolve({ status: 201, body: { run: runs } });
      });
    const storedKeys = () => dataSource().getRepository(IdempotencyKey).countBy({ scope: SCOPE });

    beforeEach(async () => {
      runs = 0;
      await dataSource().query('DELETE FROM idempotency_keys');
    });

    it('replays within 24 hours, refuses another body, and runs afresh once the key has expired', async () => {
      expect(await create('k1', { a: 1 })).toEqual({ status: 201, body: { run: 1 }, replayed: false });

      clock.set(new Date(START.getTime() + DAY - 1));
      expect(await create('k1', { a: 1 })).toEqual({ status: 201, body: { run: 1 }, replayed: true });
      expect(await refusal(create('k1', { a: 2 }))).toBe('unprocessable_entity');

      clock.set(new Date(START.getTime() + DAY));
      expect(await create('k1', { a: 2 })).toEqual({ status: 201, body: { run: 2 }, replayed: false });
      expect(await storedKeys()).toBe(1);
    });

    it('purges the keys expired at the purge instant, and only those', async () => {
      await create('early', { a: 1 });
      clock.set(new Date(START.getTime() + 1));
      await create('later', { a: 1 });

      expect(await runPurge('idempotency-keys', new Date(START.getTime() + DAY - 1))).toEqual({
        counts: { idempotencyKeys: 0 },
        summary: '0 expired idempotency keys',
      });
      expect(await runPurge('idempotency-keys', new Date(START.getTime() + DAY))).toEqual({
        counts: { idempotencyKeys: 1 },
        summary: '1 expired idempotency key',
      });
      expect(await storedKeys()).toBe(1);

      // The surviving key still replays; the purged one runs afresh.
      clock.set(new Date(START.getTime() + DAY));
      expect(await create('later', { a: 1 })).toMatchObject({ replayed: true });
      expect(await create('early', { a: 9 })).toMatchObject({ replayed: false, body: { run: 3 } });
    });

    it('keeps nothing when the work rolls back', async () => {
      await expect(
        idempotency().run(SCOPE, CLIENT, 'failing', { a: 1 }, () => Promise.reject(new Error('work failed'))),
      ).rejects.toThrow('work failed');
      expect(await storedKeys()).toBe(0);
      expect(await create('failing', { a: 2 })).toMatchObject({ replayed: false });
    });
  });
});
