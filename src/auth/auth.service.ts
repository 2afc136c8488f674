import { Injectable } from '@nestjs/common';
import { AuditLog, type AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from '../users/index.js';
import { UserSessionsRepository, UsersRepository } from '../users/index.js';
import { credentialFailure } from './credential-failure.js';
import { MfaService } from './mfa.service.js';
import { type IssuedTokens, type SessionClient, SessionsService } from './sessions.service.js';

/** A sign-in's first step: tokens, or a challenge to answer with the second factor. */
export type LoginOutcome = IssuedTokens | { mfaRequired: true; challengeToken: string };

/** Counted against the sign-in budgets of this client (and email) only; a success counts nothing. */
const invalidLogin = () => credentialFailure(new AppException('unauthorized', 'The email or password is not correct.'));

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly mfa: MfaService,
    private readonly userSessions: UserSessionsRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Unknown email, wrong password and deactivated account all answer the same 401 after the same amount
   * of hashing work, so neither the message nor the timing tells which emails have accounts.
   */
  async login(email: string, password: string, client: SessionClient, ctx: AuditContext): Promise<LoginOutcome> {
    const user = await this.users.findByEmail(email.trim().toLowerCase());
    const passwordOk = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);

    if (!user || !passwordOk || !user.active) {
      const reason = !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'inactive';
      await this.users.transaction((manager) =>
        this.audit.record(manager, ctx, {
          action: 'auth.login_failed',
          entityType: 'user',
          entityId: user?.id ?? null,
          metadata: { reason },
        }),
      );
      throw invalidLogin();
    }

    // The password is right; with a second factor on, the sign-in is not done yet.
    if (user.totpEnabledAt) return { mfaRequired: true, challengeToken: await this.mfa.challenge(user) };

    return this.users.transaction(async (manager) => {
      await this.users.update(user.id, { lastLoginAt: this.clock.now() }, manager);
      await this.audit.record(
        manager,
        { ...ctx, actor: { type: 'user', id: user.id } },
        { action: 'auth.login_succeeded', entityType: 'user', entityId: user.id },
      );
      const signedIn = await this.users.findById(user.id, manager);
      // Deleted since its password was checked: as for an unknown email.
      if (!signedIn) throw invalidLogin();
      return this.sessions.start(signedIn, client, manager);
    });
  }

  /** Needs the current password; every existing token of the user stops working. */
  changePassword(userId: string, current: string, next: string, ctx: AuditContext): Promise<void> {
    return this.users.transaction(async (manager) => {
      const user = await this.users.findForUpdate(userId, manager);
      if (!user) throw new AppException('unauthorized', 'A valid bearer token is required.');
      if (!(await verifyPassword(user.passwordHash, current))) {
        throw credentialFailure(
          validationFailed([{ field: 'currentPassword', message: 'currentPassword is not correct' }]),
        );
      }
      const problems = passwordProblems(next, user.email);
      if (next === current) problems.push('must differ from the current password');
      if (problems.length)
        throw validationFailed(problems.map((p) => ({ field: 'newPassword', message: `newPassword ${p}` })));
      await this.users.update(
        user.id,
        { passwordHash: await hashPassword(next), tokenVersion: user.tokenVersion + 1 },
        manager,
      );
      await this.userSessions.revokeAllOf(user.id, 'password_changed', this.clock.now(), manager);
      await this.audit.record(manager, ctx, { action: 'auth.password_changed', entityType: 'user', entityId: user.id });
    });
  }
}
