import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, LessThanOrEqual } from 'typeorm';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import { PasswordResetToken, RecoveryCode } from './user-credentials.entity.js';

/** What proves who someone is besides the password: recovery codes and password reset tokens, by their digests. */
@Injectable()
export class UserCredentialsRepository extends AggregateRepository<RecoveryCode> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, RecoveryCode);
  }

  /** The user's recovery codes become these (the earlier ones stop working). */
  async replaceRecoveryCodes(userId: string, hashes: readonly string[], manager: EntityManager): Promise<void> {
    await manager.delete(RecoveryCode, { userId });
    await manager.insert(
      RecoveryCode,
      hashes.map((codeHash) => ({ userId, codeHash, usedAt: null })),
    );
  }

  async deleteRecoveryCodes(userId: string, manager: EntityManager): Promise<void> {
    await manager.delete(RecoveryCode, { userId });
  }

  /** Marks the unused code with this digest used; false when the user has no such unused code. */
  async useRecoveryCode(userId: string, codeHash: string, at: Date, manager: EntityManager): Promise<boolean> {
    const result = await manager.update(RecoveryCode, { userId, codeHash, usedAt: IsNull() }, { usedAt: at });
    return (result.affected ?? 0) > 0;
  }

  unusedRecoveryCodes(userId: string, manager?: EntityManager): Promise<number> {
    return this.manager(manager).countBy(RecoveryCode, { userId, usedAt: IsNull() });
  }

  async insertResetToken(
    token: Pick<PasswordResetToken, 'userId' | 'tokenHash' | 'createdAt' | 'expiresAt'>,
    manager: EntityManager,
  ): Promise<void> {
    await manager.insert(PasswordResetToken, { ...token, usedAt: null });
  }

  /** The reset token with this digest, locked until the transaction ends. */
  findResetTokenForUpdate(tokenHash: string, manager: EntityManager): Promise<PasswordResetToken | null> {
    return manager.findOne(PasswordResetToken, { where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  /** Every unused reset token of the user stops working (one was used, or a newer one was sent). */
  async useResetTokens(userId: string, at: Date, manager: EntityManager): Promise<void> {
    await manager.update(PasswordResetToken, { userId, usedAt: IsNull() }, { usedAt: at });
  }

  /** Deletes the reset tokens expired by `now`, used or not; how many. */
  async purgeExpiredResetTokens(now: Date, manager?: EntityManager): Promise<number> {
    const result = await this.manager(manager).delete(PasswordResetToken, { expiresAt: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }
}
