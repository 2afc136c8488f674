import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, LessThanOrEqual, MoreThan, Not } from 'typeorm';
import { AggregateRepository } from '../common/persistence/aggregate.repository.js';
import { RefreshToken, UserSession } from './user-session.entity.js';

export type NewSession = Pick<UserSession, 'userId' | 'device' | 'ipPrefix' | 'createdAt' | 'lastUsedAt' | 'expiresAt'>;

/** Why a session ended (`revokedReason`). */
export type SessionEnd =
  | 'logout'
  | 'ended'
  | 'refresh_reused'
  | 'password_changed'
  | 'role_changed'
  | 'deactivated'
  | 'admin'
  | 'password_reset'
  | 'mfa_changed';

/** Sessions (`user_sessions`) and their refresh tokens, one aggregate. */
@Injectable()
export class UserSessionsRepository extends AggregateRepository<UserSession> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, UserSession);
  }

  insert(session: NewSession, manager?: EntityManager): Promise<UserSession> {
    const m = this.manager(manager);
    return m.save(m.create(UserSession, session));
  }

  async addRefreshToken(sessionId: string, tokenHash: string, createdAt: Date, manager?: EntityManager): Promise<void> {
    await this.manager(manager).insert(RefreshToken, { sessionId, tokenHash, createdAt, usedAt: null });
  }

  /** The refresh token with this digest and its session, both locked until the transaction ends. */
  async findRefreshForUpdate(
    tokenHash: string,
    manager: EntityManager,
  ): Promise<{ token: RefreshToken; session: UserSession } | undefined> {
    const token = await manager.findOne(RefreshToken, { where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
    if (!token) return undefined;
    const session = await manager.findOne(UserSession, {
      where: { id: token.sessionId },
      lock: { mode: 'pessimistic_write' },
    });
    return session ? { token, session } : undefined;
  }

  async markUsed(tokenId: string, at: Date, manager: EntityManager): Promise<void> {
    await manager.update(RefreshToken, { id: tokenId }, { usedAt: at });
  }

  /** Records a use of the session: when, until when it now lasts, and where from. */
  async touch(
    sessionId: string,
    use: Pick<UserSession, 'lastUsedAt' | 'expiresAt' | 'device' | 'ipPrefix'>,
    manager?: EntityManager,
  ): Promise<void> {
    await this.manager(manager).update(UserSession, { id: sessionId }, use);
  }

  /** Ends one session if it is still live; true when it was. */
  async revoke(sessionId: string, reason: SessionEnd, at: Date, manager?: EntityManager): Promise<boolean> {
    const result = await this.manager(manager).update(
      UserSession,
      { id: sessionId, revokedAt: IsNull() },
      { revokedAt: at, revokedReason: reason },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Ends every live session of the user but `keep` (the caller's own, when there is one); how many there were. */
  async revokeOthersOf(
    userId: string,
    keep: string | undefined,
    reason: SessionEnd,
    at: Date,
    manager?: EntityManager,
  ): Promise<number> {
    const result = await this.manager(manager).update(
      UserSession,
      { userId, revokedAt: IsNull(), expiresAt: MoreThan(at), ...(keep === undefined ? {} : { id: Not(keep) }) },
      { revokedAt: at, revokedReason: reason },
    );
    return result.affected ?? 0;
  }

  /** Ends every live session of the user; how many there were. */
  async revokeAllOf(userId: string, reason: SessionEnd, at: Date, manager?: EntityManager): Promise<number> {
    const result = await this.manager(manager).update(
      UserSession,
      { userId, revokedAt: IsNull(), expiresAt: MoreThan(at) },
      { revokedAt: at, revokedReason: reason },
    );
    return result.affected ?? 0;
  }

  /** The session, when it is neither ended nor expired at `now`. */
  findLive(id: string, now: Date, manager?: EntityManager): Promise<UserSession | null> {
    return this.manager(manager).findOneBy(UserSession, { id, revokedAt: IsNull(), expiresAt: MoreThan(now) });
  }

  /** One page of the user's live sessions, most recently used first; and how many there are in all. */
  findLivePage(
    userId: string,
    now: Date,
    window: { skip: number; take: number },
    manager?: EntityManager,
  ): Promise<[UserSession[], number]> {
    return this.manager(manager).findAndCount(UserSession, {
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { lastUsedAt: 'DESC', id: 'ASC' },
      ...window,
    });
  }

  /** Deletes the sessions that ended or expired by `now` (their refresh tokens go with them); how many. */
  async purgeEnded(now: Date, manager?: EntityManager): Promise<number> {
    const m = this.manager(manager);
    const expired = await m.delete(UserSession, { expiresAt: LessThanOrEqual(now) });
    const ended = await m
      .createQueryBuilder()
      .delete()
      .from(UserSession)
      .where('revoked_at IS NOT NULL AND revoked_at <= :now', { now })
      .execute();
    return (expired.affected ?? 0) + (ended.affected ?? 0);
  }
}
