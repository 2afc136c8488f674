import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditLog, type AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { pageWindow, toPage, type Page } from '../common/pagination/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { type User, type UserSession, UserSessionsRepository, UsersRepository } from '../users/index.js';
import { TokenService } from './token.service.js';

/** What the request tells about the client: shown in the sessions list, never more precise than this. */
export interface SessionClient {
  device: string;
  ipPrefix: string | null;
}

/** What a sign-in or a refresh hands out. */
export interface IssuedTokens {
  user: User;
  accessToken: string;
  refreshToken: string;
  session: UserSession;
}

const REFRESH_PREFIX = 'wcr_';

/** The digest a refresh token is stored and found by. */
export const refreshTokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const invalidRefresh = () => new AppException('unauthorized', 'The refresh token is not valid.');

/**
 * Sessions: one per sign-in, with short access tokens (JWT_TTL) and an opaque refresh token that is rotated on every
 * use. A refresh token presented a second time was copied: the whole session ends (and the event is audited), so the
 * thief and the owner both have to sign in again, and the owner notices.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: UserSessionsRepository,
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Starts a session for a user who just proved who they are, in the caller's transaction. */
  async start(user: User, client: SessionClient, manager: EntityManager): Promise<IssuedTokens> {
    const now = this.clock.now();
    const session = await this.sessions.insert(
      {
        userId: user.id,
        device: client.device,
        ipPrefix: client.ipPrefix,
        createdAt: now,
        lastUsedAt: now,
        expiresAt: this.expiryFrom(now, now),
      },
      manager,
    );
    const refreshToken = await this.newRefreshToken(session.id, now, manager);
    return { user, session, refreshToken, accessToken: await this.tokens.issue(user, session.id) };
  }

  /** A new pair for a valid, unused refresh token; 401 for anything else (a reused one also ends its session). */
  async refresh(token: string, client: SessionClient, ctx: AuditContext): Promise<IssuedTokens> {
    const outcome = await this.sessions.transaction(async (manager) => {
      const found = token.startsWith(REFRESH_PREFIX)
        ? await this.sessions.findRefreshForUpdate(refreshTokenHash(token), manager)
        : undefined;
      if (!found) return undefined;
      const { token: stored, session } = found;
      const now = this.clock.now();
      const actor = { ...ctx, actor: { type: 'user' as const, id: session.userId } };
      if (session.revokedAt || session.expiresAt <= now) return undefined;
      if (stored.usedAt) {
        await this.sessions.revoke(session.id, 'refresh_reused', now, manager);
        await this.audit.record(manager, actor, {
          action: 'auth.refresh_token_reused',
          entityType: 'user',
          entityId: session.userId,
          metadata: { sessionId: session.id },
        });
        return 'reused' as const;
      }
      const user = await this.users.findById(session.userId, manager);
      if (!user || !user.active) return undefined;
      await this.sessions.markUsed(stored.id, now, manager);
      const use = { lastUsedAt: now, expiresAt: this.expiryFrom(session.createdAt, now), ...client };
      await this.sessions.touch(session.id, use, manager);
      Object.assign(session, use);
      const refreshToken = await this.newRefreshToken(session.id, now, manager);
      return { user, session, refreshToken, accessToken: await this.tokens.issue(user, session.id) };
    });
    if (outcome === undefined || outcome === 'reused') throw invalidRefresh();
    return outcome;
  }

  /** Ends the session of this refresh token, used or not; an unknown token changes nothing (sign-out is idempotent). */
  logout(token: string, ctx: AuditContext): Promise<void> {
    return this.sessions.transaction(async (manager) => {
      const found = token.startsWith(REFRESH_PREFIX)
        ? await this.sessions.findRefreshForUpdate(refreshTokenHash(token), manager)
        : undefined;
      if (!found) return;
      const { session } = found;
      if (await this.sessions.revoke(session.id, 'logout', this.clock.now(), manager)) {
        await this.audit.record(
          manager,
          { ...ctx, actor: { type: 'user', id: session.userId } },
          { action: 'auth.logout', entityType: 'user', entityId: session.userId, metadata: { sessionId: session.id } },
        );
      }
    });
  }

  /** The user's live sessions, most recently used first. */
  async list(userId: string, query: { page: number; pageSize: number }): Promise<Page<UserSession>> {
    const [rows, total] = await this.sessions.findLivePage(userId, this.clock.now(), pageWindow(query));
    return toPage(rows, total, query);
  }

  /** Ends one of the user's own sessions; 404 for a session that is not theirs or no longer live. */
  end(userId: string, sessionId: string, ctx: AuditContext): Promise<void> {
    return this.sessions.transaction(async (manager) => {
      const now = this.clock.now();
      const session = await this.sessions.findLive(sessionId, now, manager);
      if (!session || session.userId !== userId) throw new AppException('not_found', 'No live session with this id.');
      await this.sessions.revoke(session.id, 'ended', now, manager);
      await this.audit.record(manager, ctx, {
        action: 'auth.session_ended',
        entityType: 'user',
        entityId: userId,
        metadata: { sessionId },
      });
    });
  }

  /**
   * An admin ends every session of a user: refresh tokens stop working, and so do access tokens at once (the token
   * version moves on, so tokens of no session end too). 404 for an unknown user.
   */
  endAllOf(userId: string, ctx: AuditContext): Promise<void> {
    return this.users.transaction(async (manager) => {
      const user = await this.users.findForUpdate(userId, manager);
      if (!user) throw new AppException('not_found', 'No user with this id.');
      const ended = await this.sessions.revokeAllOf(user.id, 'admin', this.clock.now(), manager);
      await this.users.update(user.id, { tokenVersion: user.tokenVersion + 1 }, manager);
      await this.audit.record(manager, ctx, {
        action: 'user.sessions_ended',
        entityType: 'user',
        entityId: user.id,
        metadata: { sessions: ended },
      });
    });
  }

  /** Whether an access token's session is still live (checked on every request). */
  async isLive(sessionId: string): Promise<boolean> {
    return (await this.sessions.findLive(sessionId, this.clock.now())) !== null;
  }

  private async newRefreshToken(sessionId: string, now: Date, manager: EntityManager): Promise<string> {
    const token = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.sessions.addRefreshToken(sessionId, refreshTokenHash(token), now, manager);
    return token;
  }

  /** REFRESH_TOKEN_TTL from now, but never past SESSION_MAX_AGE after the sign-in. */
  private expiryFrom(startedAt: Date, now: Date): Date {
    const { refreshTtlSeconds, sessionMaxAgeSeconds } = this.config.auth;
    return new Date(
      Math.min(now.getTime() + refreshTtlSeconds * 1000, startedAt.getTime() + sessionMaxAgeSeconds * 1000),
    );
  }
}
