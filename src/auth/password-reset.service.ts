import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AuditLog, type AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { AppConfig } from '../config/app-config.js';
import { AccountMail, MailDispatcher } from '../mail/index.js';
import {
  hashPassword,
  passwordProblems,
  UserCredentialsRepository,
  UserSessionsRepository,
  UsersRepository,
} from '../users/index.js';
import { credentialFailure } from './credential-failure.js';

/** How long a reset link works. */
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;
const TOKEN_PREFIX = 'wcp_';
const NO_USER = '00000000-0000-0000-0000-000000000000';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const invalidToken = () =>
  credentialFailure(
    validationFailed([{ field: 'token', message: 'token is not valid: it was used, has expired or was never issued' }]),
  );

/**
 * Password reset by email: a single-use link valid 30 minutes, its token stored as a SHA-256 digest and sent through
 * the mail outbox in the same transaction. A request answers the same, after the same work, whether or not the address
 * has an account: for an unknown (or deactivated) one the same rows are written, a token nobody receives and a message
 * with no recipient. Setting the new password ends every session.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger('PasswordReset');

  constructor(
    private readonly users: UsersRepository,
    private readonly credentials: UserCredentialsRepository,
    private readonly sessions: UserSessionsRepository,
    private readonly mail: AccountMail,
    private readonly dispatcher: MailDispatcher,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async request(email: string, ctx: AuditContext): Promise<void> {
    if (!this.config.auth.passwordResetUrl || !this.mail.enabled) {
      // Nothing could reach the person: say so to whoever runs the server, never to the caller.
      this.logger.warn('A password reset was asked for, but no email is sent: set SMTP_URL and PASSWORD_RESET_URL');
      return;
    }
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
    await this.users.transaction(async (manager) => {
      const found = await this.users.findByEmail(email.trim().toLowerCase(), manager);
      const user = found?.active ? found : null;
      // The same statements either way (an id no row has, for no account): see the class comment.
      await this.credentials.useResetTokens(user?.id ?? NO_USER, now, manager);
      await this.credentials.insertResetToken(
        { userId: user?.id ?? null, tokenHash: sha256(token), createdAt: now, expiresAt },
        manager,
      );
      const rows = this.mail.passwordResetRows(user && { userId: user.id, email: user.email }, token, expiresAt);
      await this.mail.enqueue(manager, rows);
      // The event names the account when there is one; never the address asked for.
      await this.audit.record(manager, ctx, {
        action: 'auth.password_reset_requested',
        entityType: 'user',
        entityId: user?.id ?? null,
      });
    });
    this.dispatcher.poke();
  }

  /** Sets the new password with a valid token (400 otherwise) and ends every session of the account. */
  confirm(token: string, password: string, ctx: AuditContext): Promise<void> {
    return this.users.transaction(async (manager) => {
      const now = this.clock.now();
      const stored = await this.credentials.findResetTokenForUpdate(sha256(token), manager);
      if (!stored || stored.userId === null || stored.usedAt || stored.expiresAt <= now) throw invalidToken();
      const user = await this.users.findForUpdate(stored.userId, manager);
      if (!user || !user.active) throw invalidToken();
      const problems = passwordProblems(password, user.email);
      if (problems.length > 0) {
        throw validationFailed(problems.map((p) => ({ field: 'password', message: `password ${p}` })));
      }
      await this.credentials.useResetTokens(user.id, now, manager);
      await this.users.update(
        user.id,
        { passwordHash: await hashPassword(password), tokenVersion: user.tokenVersion + 1 },
        manager,
      );
      const ended = await this.sessions.revokeAllOf(user.id, 'password_reset', now, manager);
      await this.audit.record(
        manager,
        { ...ctx, actor: { type: 'user', id: user.id } },
        { action: 'auth.password_reset', entityType: 'user', entityId: user.id, metadata: { sessionsEnded: ended } },
      );
    });
  }
}
