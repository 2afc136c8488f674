import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '../common/access/roles.js';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import type { SortTerm } from '../common/pagination/sort.js';
import type { UserSortField } from './dto/user.requests.js';
import { NOTIFICATION_AUDIENCE, type NotificationKind } from './notification-preferences.js';
import { User } from './user.entity.js';

/** Held while the first admin is created, so that of several instances starting together only one creates it. */
const INITIAL_ADMIN_LOCK_KEY = 7_204_311_003;

/** What a new account is made of: its password already hashed. */
export type NewUser = Pick<User, 'email' | 'displayName' | 'role' | 'passwordHash'>;

/** The fields a change of an account writes. */
export type UserChanges = Partial<
  Pick<
    User,
    | 'displayName'
    | 'role'
    | 'active'
    | 'passwordHash'
    | 'tokenVersion'
    | 'lastLoginAt'
    | 'notificationPreferences'
    | 'totpSecretCipher'
    | 'totpEnabledAt'
    | 'totpLastStep'
  >
>;

/** Someone to email a staff notice to. */
export interface NotificationRecipient {
  id: string;
  email: string;
}

/** Staff accounts (`users`). */
@Injectable()
export class UsersRepository extends AggregateRepository<User> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, User);
  }

  /**
   * One page of accounts with this role and active flag (either may be left out), ordered by `sort` then id; an
   * account that never signed in (null `lastLoginAt`) comes last in either direction. Also how many match in all.
   */
  findPage(
    filter: { role?: Role; active?: boolean },
    sort: readonly SortTerm<UserSortField>[],
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[User[], number]> {
    const order = Object.fromEntries(sort.map((t) => [t.field, { direction: t.direction, nulls: 'LAST' }]));
    return this.manager(manager).findAndCount(User, {
      where: {
        ...(filter.role ? { role: filter.role } : {}),
        ...(filter.active !== undefined ? { active: filter.active } : {}),
      },
      order: { ...order, id: 'ASC' },
      ...window,
    });
  }

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.manager(manager).findOneBy(User, { id });
  }

  /** `email` as stored: trimmed and lower-cased. */
  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    return this.manager(manager).findOneBy(User, { email });
  }

  emailExists(email: string, manager?: EntityManager): Promise<boolean> {
    return this.manager(manager).existsBy(User, { email });
  }

  /** Whether any account exists at all (active or not). */
  async any(manager?: EntityManager): Promise<boolean> {
    return (await this.manager(manager).count(User)) > 0;
  }

  insert(user: NewUser, manager?: EntityManager): Promise<User> {
    const m = this.manager(manager);
    return m.save(m.create(User, user));
  }

  /** Writes the changed fields of a loaded account (and its `updatedAt`); returns it as saved. */
  save(user: User, manager?: EntityManager): Promise<User> {
    return this.manager(manager).save(User, user);
  }

  /** Writes these fields of one account (and its `updatedAt`) without loading it. */
  async update(id: string, changes: UserChanges, manager?: EntityManager): Promise<void> {
    await this.manager(manager).update(User, { id }, changes);
  }

  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(User, { id });
  }

  /** The account, locked until the transaction ends (`SELECT … FOR UPDATE`). */
  findForUpdate(id: string, manager: EntityManager): Promise<User | null> {
    return manager.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Locks every active admin until the transaction ends, in id order (so that two transactions doing this never
   * deadlock): a change that may leave no active admin holds them all, so two such changes run one after the other
   * and the second sees what the first did.
   */
  async lockActiveAdmins(manager: EntityManager): Promise<void> {
    await manager
      .createQueryBuilder(User, 'u')
      .select('u.id')
      .where('u.role = :role AND u.active', { role: 'admin' })
      .orderBy('u.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** How many active admins there are besides `exceptId`. */
  countOtherActiveAdmins(exceptId: string, manager?: EntityManager): Promise<number> {
    return this.manager(manager)
      .createQueryBuilder(User, 'u')
      .where('u.role = :role AND u.active AND u.id <> :id', { role: 'admin', id: exceptId })
      .getCount();
  }

  /**
   * The active accounts that receive `kind`: their role is in its audience and they have not switched it off. By id,
   * so a notice sent in several attempts goes to each recipient in the same order.
   */
  notificationRecipients(kind: NotificationKind, manager?: EntityManager): Promise<NotificationRecipient[]> {
    return this.manager(manager)
      .createQueryBuilder(User, 'u')
      .select(['u.id', 'u.email'])
      .where('u.active AND u.role IN (:...roles)', { roles: NOTIFICATION_AUDIENCE[kind] })
      .andWhere('COALESCE((u.notificationPreferences ->> :kind)::boolean, true)', { kind })
      .orderBy('u.id')
      .getMany();
  }

  /** The ids and encrypted TOTP secrets not under the key with this prefix (for `npm run reencrypt`). */
  findTotpSecretsNotEncryptedWith(
    prefix: string,
    manager?: EntityManager,
  ): Promise<Pick<User, 'id' | 'totpSecretCipher'>[]> {
    return this.manager(manager)
      .createQueryBuilder(User, 'u')
      .select(['u.id', 'u.totpSecretCipher'])
      .where('u.totpSecretCipher IS NOT NULL AND left(u.totpSecretCipher, :n) <> :prefix', {
        n: prefix.length,
        prefix,
      })
      .getMany();
  }

  /** Serializes the creation of the first admin until the transaction ends (a transaction-level advisory lock). */
  async lockInitialAdmin(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [INITIAL_ADMIN_LOCK_KEY]);
  }
}
