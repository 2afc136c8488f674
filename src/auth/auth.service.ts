import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, type AuditContext } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { AppException } from '../common/errors/app-exception.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from '../users/password.js';
import { User } from '../users/user.entity.js';
import { credentialFailure } from './credential-failure.js';
import { TokenService } from './token.service.js';

const INVALID_LOGIN = 'The email or password is not correct.';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Unknown email, wrong password and deactivated account all answer the same 401 after the same amount
   * of hashing work, so neither the message nor the timing tells which emails have accounts.
   */
  async login(email: string, password: string, ctx: AuditContext): Promise<{ user: User; token: string }> {
    const user = await this.dataSource.getRepository(User).findOneBy({ email: email.trim().toLowerCase() });
    const passwordOk = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);

    if (!user || !passwordOk || !user.active) {
      const reason = !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'inactive';
      await this.audit.record(this.dataSource.manager, ctx, {
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: user?.id ?? null,
        metadata: { reason },
      });
      // Counted against the sign-in budgets of this client (and email) only; a success counts nothing.
      throw credentialFailure(new AppException('unauthorized', INVALID_LOGIN));
    }

    return this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: user.id }, { lastLoginAt: this.clock.now() });
      await this.audit.record(
        manager,
        { ...ctx, actor: { type: 'user', id: user.id } },
        { action: 'auth.login_succeeded', entityType: 'user', entityId: user.id },
      );
      const signedIn = await manager.findOneByOrFail(User, { id: user.id });
      return { user: signedIn, token: await this.tokens.issue(signedIn) };
    });
  }

  /** Needs the current password; every existing token of the user stops working. */
  changePassword(userId: string, current: string, next: string, ctx: AuditContext): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
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
      await manager.update(
        User,
        { id: user.id },
        { passwordHash: await hashPassword(next), tokenVersion: user.tokenVersion + 1 },
      );
      await this.audit.record(manager, ctx, { action: 'auth.password_changed', entityType: 'user', entityId: user.id });
    });
  }
}
