import { ApiKeysModule } from '../api-keys/index.js';
import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { UsersModule } from '../users/index.js';
import { AccessGuard } from './access.guard.js';
import { AdminUserSessionsController } from './admin-user-sessions.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SessionsService } from './sessions.service.js';
import { TokenService } from './token.service.js';

/** Sign-in, tokens, and the access guard every route goes through (registered, in order, by AppModule). */
@Feature({
  tag: { name: 'auth', description: 'Staff sign-in and the signed-in account.' },
  imports: [AuditModule, UsersModule, ApiKeysModule],
  controllers: [AuthController, AdminUserSessionsController],
  providers: [AuthService, TokenService, SessionsService, AccessGuard],
  exports: [AccessGuard, TokenService],
})
export class AuthModule {}
