import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, LessThanOrEqual } from 'typeorm';
import { AggregateRepository } from '../persistence/aggregate.repository.js';
import { type PendingRow, pendingRow } from '../persistence/insert-together.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

/** Stored `Idempotency-Key`s and their responses (`idempotency_keys`). */
@Injectable()
export class IdempotencyKeysRepository extends AggregateRepository<IdempotencyKey> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, IdempotencyKey);
  }

  /**
   * Inserts the key with no response yet (`ON CONFLICT DO NOTHING`); false when it exists. A concurrent inserter of
   * the same key makes this wait on the unique index until its transaction ends.
   */
  async claim(
    key: Pick<IdempotencyKey, 'scope' | 'key' | 'requestHash' | 'createdAt' | 'expiresAt'>,
    manager?: EntityManager,
  ): Promise<boolean> {
    const rows = await this.manager(manager).query<unknown[]>(
      `INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body, created_at, expires_at)
       VALUES ($1, $2, $3, 0, 'null', $4, $5) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [key.scope, key.key, key.requestHash, key.createdAt, key.expiresAt],
    );
    return rows.length > 0;
  }

  /**
   * The key with its response as a row, to go first in `insertTogether(…, { unlessFirstExists: true })`: the change
   * it guards is stored only when the key is new, and the key only with that change.
   */
  claimRow(key: IdempotencyKey): PendingRow<IdempotencyKey> {
    return pendingRow(IdempotencyKey, key);
  }

  /** The stored key, which must exist (a claim of it just failed): EntityNotFoundError otherwise. */
  findExisting(scope: string, key: string, manager?: EntityManager): Promise<IdempotencyKey> {
    return this.manager(manager).findOneByOrFail(IdempotencyKey, { scope, key });
  }

  async delete(scope: string, key: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).delete(IdempotencyKey, { scope, key });
  }

  /** Stores the response a claimed key replays. */
  async storeResponse(
    scope: string,
    key: string,
    status: number,
    body: unknown,
    manager?: EntityManager,
  ): Promise<void> {
    await this.manager(manager).update(
      IdempotencyKey,
      { scope, key },
      { responseStatus: status, responseBody: body as object },
    );
  }

  /** Deletes the keys expired at `now`; returns how many. */
  async purgeExpired(now: Date, manager?: EntityManager): Promise<number> {
    const { affected } = await this.manager(manager).delete(IdempotencyKey, { expiresAt: LessThanOrEqual(now) });
    return affected ?? 0;
  }
}
