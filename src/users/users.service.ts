import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type AuditContext, recordAuditEvent, SYSTEM_CONTEXT } from '../audit/audit.service.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { parseSort } from '../common/pagination/sort.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { CreateUserRequest, ListUsersQuery, UpdateUserRequest } from './dto/user.requests.js';
import { USER_SORT_FIELDS } from './dto/user.requests.js';
import { hashPassword, passwordProblems } from './password.js';
import { User } from './user.entity.js';

/** Creates a user row (policy-checked password, argon2id hash). Shared by the API, the seed and the CLI. */
export async function insertUser(manager: EntityManager, input: CreateUserRequest): Promise<User> {
  assertPasswordAcceptable(input.password, input.email);
  const email = input.email.trim().toLowerCase();
  if (await manager.existsBy(User, { email })) {
    throw new AppException('conflict', 'A user with this email already exists.');
  }
  const user = manager.create(User, {
    email,
    displayName: input.displayName,
    role: input.role,
    passwordHash: await hashPassword(input.password),
  });
  return manager.save(user);
}

/**
 * Creates an admin outside any request (first admin, demo seed, command line) and records it as done by the
 * system; `via` says which of those it was.
 */
export async function insertSystemAdmin(
  manager: EntityManager,
  input: Pick<CreateUserRequest, 'email' | 'password' | 'displayName'>,
  via: 'ADMIN_EMAIL' | 'demo-seed' | 'create-admin',
): Promise<User> {
  const user = await insertUser(manager, { ...input, role: 'admin' });
  await recordAuditEvent(manager, SYSTEM_CONTEXT, {
    action: 'user.created',
    entityType: 'user',
    entityId: user.id,
    metadata: { role: 'admin', via },
  });
  return user;
}

export function assertPasswordAcceptable(password: string, email: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) {
    throw validationFailed(problems.map((p) => ({ field: 'password', message: `password ${p}` })));
  }
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListUsersQuery): Promise<Page<User>> {
    // Never-signed-in users (null lastLoginAt) sort last either way.
    const order = Object.fromEntries(
      (parseSort(query.sort, USER_SORT_FIELDS) ?? []).map((t) => [t.field, { direction: t.direction, nulls: 'LAST' }]),
    );
    const [rows, total] = await this.dataSource.getRepository(User).findAndCount({
      where: {
        ...(query.role ? { role: query.role } : {}),
        ...(query.active !== undefined ? { active: query.active } : {}),
      },
      order: { ...order, id: 'ASC' },
      ...pageWindow(query),
    });
    return toPage(rows, total, query);
  }

  async get(id: string): Promise<User> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user) throw new AppException('not_found', 'No user with this id.');
    return user;
  }

  create(input: CreateUserRequest, ctx: AuditContext): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const user = await insertUser(manager, input);
      await this.audit.record(manager, ctx, {
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        metadata: { role: user.role },
      });
      return user;
    });
  }

  update(id: string, changes: UpdateUserRequest, ctx: AuditContext): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lockAdmins(manager, id);
      const losesAdmin =
        user.role === 'admin' &&
        user.active &&
        ((changes.role !== undefined && changes.role !== 'admin') || changes.active === false);
      if (losesAdmin) await this.assertNotLastAdmin(manager, user.id);

      const fields = Object.keys(changes).filter((k) => changes[k as keyof UpdateUserRequest] !== undefined);
      if (fields.length === 0) return user;
      if (changes.password !== undefined) {
        assertPasswordAcceptable(changes.password, user.email);
        user.passwordHash = await hashPassword(changes.password);
      }
      if (changes.displayName !== undefined) user.displayName = changes.displayName;
      if (changes.role !== undefined) user.role = changes.role;
      if (changes.active !== undefined) user.active = changes.active;
      // Anything that changes what a token may do ends the user's existing sessions.
      if (changes.password !== undefined || changes.role !== undefined || changes.active === false) {
        user.tokenVersion += 1;
      }
      const saved = await manager.save(user);
      await this.audit.record(manager, ctx, {
        action: changes.active === false ? 'user.deactivated' : 'user.updated',
        entityType: 'user',
        entityId: user.id,
        metadata: { fields: fields.sort() },
      });
      return saved;
    });
  }

  remove(id: string, ctx: AuditContext): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lockAdmins(manager, id);
      if (user.role === 'admin' && user.active) await this.assertNotLastAdmin(manager, user.id);
      await manager.delete(User, { id: user.id });
      await this.audit.record(manager, ctx, { action: 'user.deleted', entityType: 'user', entityId: user.id });
    });
  }

  /**
   * Loads the user while holding row locks on every active admin, so two concurrent requests cannot each
   * remove "another" admin and leave none.
   */
  private async lockAdmins(manager: EntityManager, id: string): Promise<User> {
    await manager
      .getRepository(User)
      .createQueryBuilder('u')
      .select('u.id')
      .where('u.role = :role AND u.active', { role: 'admin' })
      .setLock('pessimistic_write')
      .getMany();
    const user = await manager.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new AppException('not_found', 'No user with this id.');
    return user;
  }

  private async assertNotLastAdmin(manager: EntityManager, exceptId: string): Promise<void> {
    const others = await manager
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.role = :role AND u.active AND u.id <> :id', { role: 'admin', id: exceptId })
      .getCount();
    if (others === 0) {
      throw new AppException(
        'last_admin',
        'This is the last active admin: it cannot be demoted, deactivated or deleted.',
      );
    }
  }
}
