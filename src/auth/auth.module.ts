import { ApiKeysModule } from '../api-keys/index.js';
import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { UsersModule } from '../users/index.js';
import { AccessGuard } from './access.guard.js';
import { AdminUserSessionsController } from './admin-user-sessions.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SessionsService } from './sessions.service.js';
import { AUTH_PROBLEMS } from './auth.problems.js';
import { MfaController } from './mfa.controller.js';
import { MfaService } from './mfa.service.js';
import { DataCipherModule } from '../common/crypto/data-cipher.module.js';
import { RateLimitModule } from '../rate-limit/index.js';
import { MailModule } from '../mail/index.js';
import { PasswordResetService } from './password-reset.service.js';
import { TokenService } from './token.service.js';

/** Sign-in, tokens, and the access guard every route goes through (registered, in order, by AppModule). */
@Feature({
  tag: { name: 'auth', description: 'Staff sign-in and the signed-in account.' },
  problems: AUTH_PROBLEMS,
  imports: [DataCipherModule, RateLimitModule, MailModule, AuditModule, UsersModule, ApiKeysModule],
  controllers: [AuthController, MfaController, AdminUserSessionsController],
  providers: [AuthService, TokenService, SessionsService, MfaService, PasswordResetService, AccessGuard],
  exports: [AccessGuard, TokenService],
})
export class AuthModule {}
