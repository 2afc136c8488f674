import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, MoreThan } from 'typeorm';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import { ApiKey } from './api-key.entity.js';

/** What a new key is made of: the hash of its secret, never the secret. */
export type NewApiKey = Pick<ApiKey, 'name' | 'prefix' | 'secretHash' | 'scopes' | 'createdBy' | 'expiresAt'>;

/** Integration keys (`api_keys`). */
@Injectable()
export class ApiKeysRepository extends AggregateRepository<ApiKey> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, ApiKey);
  }

  /** One page of keys, newest first (ties by id), and how many there are in all. */
  findPage(window: { skip: number; take: number }, manager?: EntityManager): Promise<[ApiKey[], number]> {
    return this.manager(manager).findAndCount(ApiKey, {
      relations: { creator: true },
      order: { createdAt: 'DESC', id: 'ASC' },
      ...window,
    });
  }

  /** The key with its creator's account (null once deleted). */
  findById(id: string, manager?: EntityManager): Promise<ApiKey | null> {
    return this.manager(manager).findOne(ApiKey, { where: { id }, relations: { creator: true } });
  }

  /** The key, locked until the transaction ends (`SELECT … FOR UPDATE`). */
  findForUpdate(id: string, manager: EntityManager): Promise<ApiKey | null> {
    return manager.findOne(ApiKey, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The unrevoked key whose secret has this hash (expired or not). */
  findUnrevokedBySecretHash(secretHash: string, manager?: EntityManager): Promise<ApiKey | null> {
    return this.manager(manager).findOneBy(ApiKey, { secretHash, revokedAt: IsNull() });
  }

  /** The keys this account created that work at `now` (not revoked, not expired), oldest first, locked. */
  findActiveCreatedBy(userId: string, now: Date, manager: EntityManager): Promise<ApiKey[]> {
    return manager.find(ApiKey, {
      where: [
        { createdBy: userId, revokedAt: IsNull(), expiresAt: IsNull() },
        { createdBy: userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      ],
      order: { createdAt: 'ASC', id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * Share-locks the creator's account row until the transaction ends; false when the account is gone. A deletion of
   * that account (which locks the row for update, then lists the keys it leaves working) is thereby ordered with the
   * key's insert: it either sees the new key or the insert sees no account.
   */
  async lockCreator(userId: string, manager: EntityManager): Promise<boolean> {
    const rows = await manager.query<unknown[]>('SELECT 1 FROM users WHERE id = $1 FOR SHARE', [userId]);
    return rows.length > 0;
  }

  insert(key: NewApiKey, manager?: EntityManager): Promise<ApiKey> {
    const m = this.manager(manager);
    return m.save(m.create(ApiKey, key));
  }

  async markRevoked(id: string, at: Date, manager?: EntityManager): Promise<void> {
    await this.manager(manager).update(ApiKey, { id }, { revokedAt: at });
  }

  async markUsed(id: string, at: Date, manager?: EntityManager): Promise<void> {
    await this.manager(manager).update(ApiKey, { id }, { lastUsedAt: at });
  }
}
