import { DiscoveryModule } from '@nestjs/core';
import type { Purge } from '../common/feature/purge.js';
import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { AdminUsersController } from './admin-users.controller.js';
import { demoAdminSeeder } from './demo-admin.seeder.js';
import { ensureInitialAdmin } from './initial-admin.js';
import { USER_PROBLEMS } from './user.problems.js';
import { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { RefreshToken, UserSession } from './user-session.entity.js';
import { UserSessionsRepository } from './user-sessions.repository.js';
import { PasswordResetToken, RecoveryCode } from './user-credentials.entity.js';
import { UserCredentialsRepository } from './user-credentials.repository.js';
import { UsersService } from './users.service.js';
import { UserDeletionObservers } from './user-deletion.js';

/**
 * Sessions are deleted once they have ended or expired, password reset tokens once expired: the audit log keeps what
 * happened to them.
 */
const endedSessions: Purge = {
  name: 'user-sessions',
  async run(manager, { now }) {
    const deleted = await new UserSessionsRepository(manager.connection).purgeEnded(now, manager);
    const resets = await new UserCredentialsRepository(manager.connection).purgeExpiredResetTokens(now, manager);
    return {
      counts: { userSessions: deleted, passwordResetTokens: resets },
      summary: `${deleted} ended or expired ${deleted === 1 ? 'session' : 'sessions'}, ${resets} expired password reset ${resets === 1 ? 'token' : 'tokens'}`,
    };
  },
};

@Feature({
  tag: { name: 'users', description: 'Staff accounts and their roles (admins only).' },
  entities: [User, UserSession, RefreshToken, RecoveryCode, PasswordResetToken],
  purges: [endedSessions],
  seeders: [demoAdminSeeder],
  problems: USER_PROBLEMS,
  databaseSetup: [ensureInitialAdmin],
  imports: [AuditModule, DiscoveryModule],
  controllers: [AdminUsersController],
  providers: [UsersService, UsersRepository, UserSessionsRepository, UserCredentialsRepository, UserDeletionObservers],
  exports: [UsersService, UsersRepository, UserSessionsRepository, UserCredentialsRepository],
})
export class UsersModule {}
