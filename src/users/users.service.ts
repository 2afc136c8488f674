import './user.problems.js';
import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditEventsRepository } from '../audit/index.js';
import { AuditLog, type AuditContext, SYSTEM_CONTEXT } from '../common/audit/audit-log.js';
import { Clock, systemClock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { parseSort } from '../common/pagination/sort.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { CreateUserRequest, ListUsersQuery, UpdateUserRequest } from './dto/user.requests.js';
import { USER_SORT_FIELDS } from './dto/user.requests.js';
import {
  effectiveNotifications,
  type NotificationChoices,
  type NotificationKind,
  notificationsNotAllowed,
} from './notification-preferences.js';
import { hashPassword, passwordProblems, verifyPassword } from './password.js';
import { type SessionEnd, UserSessionsRepository } from './user-sessions.repository.js';
import { UserDeletionObservers } from './user-deletion.js';
import type { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

/** Who created an admin outside any request: the first admin, the demo seed or the command line. */
export type SystemAdminVia = 'ADMIN_EMAIL' | 'demo-seed' | 'create-admin';

type SystemAdminInput = Pick<CreateUserRequest, 'email' | 'password' | 'displayName'>;

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditLog,
    private readonly sessions: UserSessionsRepository,
    private readonly clock: Clock,
    private readonly deletionObservers: UserDeletionObservers,
  ) {}

  async list(query: ListUsersQuery): Promise<Page<User>> {
    const sort = parseSort(query.sort, USER_SORT_FIELDS) ?? [];
    const [rows, total] = await this.users.findPage(
      { role: query.role, active: query.active },
      sort,
      pageWindow(query),
    );
    return toPage(rows, total, query);
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    return user;
  }

  create(input: CreateUserRequest, ctx: AuditContext): Promise<User> {
    return this.users.transaction((manager) => this.insert(manager, input, ctx, { role: input.role }));
  }

  /**
   * Creates an admin outside any request (first admin, demo seed, command line), in the caller's transaction, and
   * records it as done by the system; `via` says which of those it was.
   */
  createSystemAdmin(manager: EntityManager, input: SystemAdminInput, via: SystemAdminVia): Promise<User> {
    return this.insert(manager, { ...input, role: 'admin' }, SYSTEM_CONTEXT, { role: 'admin', via });
  }

  /**
   * The configured first admin, when there is no user at all; undefined when there is one. Of several instances
   * starting together, one creates it.
   */
  createInitialAdmin(input: SystemAdminInput): Promise<User | undefined> {
    return this.users.transaction(async (manager) => {
      await this.users.lockInitialAdmin(manager);
      if (await this.users.any(manager)) return undefined;
      return this.createSystemAdmin(manager, input, 'ADMIN_EMAIL');
    });
  }

  update(id: string, changes: UpdateUserRequest, ctx: AuditContext): Promise<User> {
    return this.users.transaction(async (manager) => {
      const user = await this.lockWithAdmins(manager, id);
      const losesAdmin =
        user.role === 'admin' &&
        user.active &&
        ((changes.role !== undefined && changes.role !== 'admin') || changes.active === false);
      if (losesAdmin) await this.assertNotLastAdmin(manager, user.id);

      const fields = Object.keys(changes).filter((k) => changes[k as keyof UpdateUserRequest] !== undefined);
      if (fields.length === 0) return user;
      // A field sent with the value it already has changes nothing, and above all ends no session.
      let passwordChanged = false;
      if (changes.password !== undefined) {
        assertPasswordAcceptable(changes.password, user.email);
        passwordChanged = !(await verifyPassword(user.passwordHash, changes.password));
        if (passwordChanged) user.passwordHash = await hashPassword(changes.password);
      }
      const roleChanged = changes.role !== undefined && changes.role !== user.role;
      const deactivated = changes.active === false && user.active;
      if (changes.displayName !== undefined) user.displayName = changes.displayName;
      if (changes.role !== undefined) user.role = changes.role;
      if (changes.active !== undefined) user.active = changes.active;
      // Anything that changes what a token may do ends the user's existing sessions.
      const ends: SessionEnd | undefined = deactivated
        ? 'deactivated'
        : passwordChanged
          ? 'password_changed'
          : roleChanged
            ? 'role_changed'
            : undefined;
      if (ends) {
        user.tokenVersion += 1;
        await this.sessions.revokeAllOf(user.id, ends, this.clock.now(), manager);
      }
      const saved = await this.users.save(user, manager);
      await this.audit.record(manager, ctx, {
        action: changes.active === false ? 'user.deactivated' : 'user.updated',
        entityType: 'user',
        entityId: user.id,
        metadata: { fields: fields.sort() },
      });
      return saved;
    });
  }

  /** The email notices the user receives (their choices over their role's defaults). */
  async notificationPreferences(id: string): Promise<Record<NotificationKind, boolean>> {
    const user = await this.get(id);
    return effectiveNotifications(user.role, user.notificationPreferences);
  }

  /**
   * Switches notices on or off for the user; a notice the role cannot receive cannot be switched on (400 naming it).
   * Records `user.notifications_updated` with the switches changed (never the user's address).
   */
  updateNotificationPreferences(
    id: string,
    changes: NotificationChoices,
    ctx: AuditContext,
  ): Promise<Record<NotificationKind, boolean>> {
    return this.users.transaction(async (manager) => {
      const user = await this.users.findForUpdate(id, manager);
      if (!user) throw notFound();
      const refused = notificationsNotAllowed(user.role, changes);
      if (refused.length > 0) {
        throw validationFailed(
          refused.map((field) => ({ field, message: `${field} cannot be switched on for the ${user.role} role` })),
        );
      }
      const set = Object.fromEntries(Object.entries(changes).filter(([, on]) => on !== undefined));
      if (Object.keys(set).length > 0) {
        const notificationPreferences = { ...user.notificationPreferences, ...set };
        await this.users.update(user.id, { notificationPreferences }, manager);
        await this.audit.record(manager, ctx, {
          action: 'user.notifications_updated',
          entityType: 'user',
          entityId: user.id,
          metadata: set,
        });
        user.notificationPreferences = notificationPreferences;
      }
      return effectiveNotifications(user.role, user.notificationPreferences);
    });
  }

  /**
   * Deletes the account. What outlives it is reported by the features that keep it (UserDeletionObserver: the API
   * keys it created, which keep working, are listed in the `user.deleted` event and emailed to the admins).
   */
  async remove(id: string, ctx: AuditContext): Promise<void> {
    const afterCommit = await this.users.transaction(async (manager) => {
      const user = await this.lockWithAdmins(manager, id);
      if (user.role === 'admin' && user.active) await this.assertNotLastAdmin(manager, user.id);
      const outcome = await this.deletionObservers.userDeleting(user, manager);
      await this.users.delete(user.id, manager);
      await this.audit.record(manager, ctx, {
        action: 'user.deleted',
        entityType: 'user',
        entityId: user.id,
        ...(Object.keys(outcome.metadata).length > 0 ? { metadata: outcome.metadata } : {}),
      });
      return outcome.afterCommit;
    });
    afterCommit();
  }

  /** Creates the account (policy-checked password, argon2id hash) and records `user.created`. */
  private async insert(
    manager: EntityManager,
    input: CreateUserRequest,
    ctx: AuditContext,
    metadata: Record<string, unknown>,
  ): Promise<User> {
    assertPasswordAcceptable(input.password, input.email);
    const email = input.email.trim().toLowerCase();
    if (await this.users.emailExists(email, manager)) {
      throw new AppException('conflict', 'A user with this email already exists.');
    }
    const user = await this.users.insert(
      { email, displayName: input.displayName, role: input.role, passwordHash: await hashPassword(input.password) },
      manager,
    );
    await this.audit.record(manager, ctx, { action: 'user.created', entityType: 'user', entityId: user.id, metadata });
    return user;
  }

  /**
   * Loads the user while holding row locks on every active admin, so two concurrent requests cannot each
   * remove "another" admin and leave none.
   */
  private async lockWithAdmins(manager: EntityManager, id: string): Promise<User> {
    await this.users.lockActiveAdmins(manager);
    const user = await this.users.findForUpdate(id, manager);
    if (!user) throw notFound();
    return user;
  }

  private async assertNotLastAdmin(manager: EntityManager, exceptId: string): Promise<void> {
    if ((await this.users.countOtherActiveAdmins(exceptId, manager)) === 0) {
      throw new AppException(
        'last_admin',
        'This is the last active admin: it cannot be demoted, deactivated or deleted.',
      );
    }
  }
}

/**
 * The service outside Nest's container (the first admin at boot, the demo seed, the CLI): the same rules, on this
 * connection, recording to the audit log directly.
 */
export function usersServiceOn(dataSource: DataSource): UsersService {
  return new UsersService(
    new UsersRepository(dataSource),
    new AuditEventsRepository(dataSource),
    new UserSessionsRepository(dataSource),
    systemClock,
    new UserDeletionObservers(),
  );
}

function notFound(): AppException {
  return new AppException('not_found', 'No user with this id.');
}

function assertPasswordAcceptable(password: string, email: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) {
    throw validationFailed(problems.map((p) => ({ field: 'password', message: `password ${p}` })));
  }
}
