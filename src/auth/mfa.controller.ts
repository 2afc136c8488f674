import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit, Authenticated, CurrentPrincipal, Public } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import type { AuditContext } from '../common/audit/audit-log.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { LoginResponse } from './dto/auth.responses.js';
import {
  ConfirmTotpRequest,
  DisableTotpRequest,
  MfaLoginRequest,
  RecoveryCodesResponse,
  TotpEnrolmentResponse,
} from './dto/mfa.dto.js';
import { AllowedBeforeEnrolment } from './mfa-enrolment.js';
import { MfaService } from './mfa.service.js';
import { CurrentClient, CurrentSessionId } from './request-session.js';
import { type SessionClient } from './sessions.service.js';
import { TokenService } from './token.service.js';
import { mapUser } from '../users/index.js';
import { LoginRateLimit } from '../rate-limit/index.js';
import { isCredentialFailure } from './credential-failure.js';

/** The second factor: enrolment, sign-in with a code, turning it off. */
@ApiTags('auth')
@Controller('auth')
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly tokens: TokenService,
  ) {}

  /**
   * Starts enrolling an authenticator app (TOTP: SHA-1, 6 digits, 30 seconds): show `otpauthUri` as a QR code, or
   * let the secret be typed in. Nothing changes at sign-in until `POST /api/v1/auth/mfa/totp/confirm` proves the app
   * has it; calling this again replaces a pending secret. 409 when a second factor is already on.
   */
  @Post('mfa/totp')
  @HttpCode(200)
  @Authenticated()
  @AllowedBeforeEnrolment()
  @ApiOperation({ operationId: 'enrolTotp', summary: 'Start enrolling an authenticator app' })
  @ApiOkResponse({ type: TotpEnrolmentResponse })
  @ApiProblems('conflict')
  enrol(@CurrentPrincipal() principal: Principal, @Audit() ctx: AuditContext): Promise<TotpEnrolmentResponse> {
    return this.mfa.enrol(principal.id, ctx);
  }

  /**
   * Turns the second factor on with the current password and a code the app shows, and returns ten recovery codes,
   * shown this once: each signs in once in place of a code. A wrong password or code gets one answer, 400 "password or
   * code is not correct", that does not say which, and counts against the account's sign-in budget. The user's other
   * sessions end; this one stays.
   */
  @Post('mfa/totp/confirm')
  @HttpCode(200)
  @Authenticated()
  @LoginRateLimit({ failedWhen: isCredentialFailure })
  @AllowedBeforeEnrolment()
  @ApiOperation({ operationId: 'confirmTotp', summary: 'Turn the second factor on' })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiProblems('validation_failed', 'conflict', 'rate_limited')
  confirm(
    @Body() body: ConfirmTotpRequest,
    @CurrentPrincipal() principal: Principal,
    @CurrentSessionId() sessionId: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<RecoveryCodesResponse> {
    return this.mfa.confirm(principal.id, body.password, body.code, sessionId, ctx);
  }

  /**
   * Turns the second factor off: needs the password and a current code (a wrong one of either gets one answer, 400
   * "password or code is not correct", that does not say which). Recovery codes stop working; the user's other
   * sessions end, this one stays.
   */
  @Delete('mfa/totp')
  @HttpCode(204)
  @Authenticated()
  @LoginRateLimit({ failedWhen: isCredentialFailure })
  @ApiOperation({ operationId: 'disableTotp', summary: 'Turn the second factor off' })
  @ApiNoContentResponse({ description: 'Turned off.' })
  @ApiProblems('validation_failed', 'conflict', 'rate_limited')
  async disable(
    @Body() body: DisableTotpRequest,
    @CurrentPrincipal() principal: Principal,
    @CurrentSessionId() sessionId: string | undefined,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.mfa.disable(principal.id, body.password, body.code, sessionId, ctx);
  }

  /**
   * The second step of signing in with a second factor: the `challengeToken` that `POST /api/v1/auth/login` answered
   * with (valid 5 minutes) and either the app's current `code` or one `recoveryCode`. A code is accepted once. Wrong
   * codes are limited per client IP like sign-ins (`RATE_LIMIT_LOGIN_LIMIT` per `RATE_LIMIT_LOGIN_WINDOW_SECONDS`),
   * and per account whatever the client: the same per window, and at most 20 a day; then 429 (with Retry-After) until
   * the window ends, or for the daily cap until an admin resets the account's second factor.
   */
  @Post('login/mfa')
  @HttpCode(200)
  @Public()
  @LoginRateLimit({ failedWhen: isCredentialFailure })
  @ApiOperation({ operationId: 'loginMfa', summary: 'Sign in: the second factor' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiProblems('validation_failed', 'unauthorized', 'rate_limited')
  async login(
    @Body() body: MfaLoginRequest,
    @CurrentClient() client: SessionClient,
    @Audit() ctx: AuditContext,
  ): Promise<LoginResponse> {
    const issued = await this.mfa.completeLogin(body.challengeToken, body, client, ctx);
    return {
      accessToken: issued.accessToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSeconds,
      refreshToken: issued.refreshToken,
      refreshTokenExpiresAt: issued.session.expiresAt.toISOString(),
      sessionId: issued.session.id,
      user: mapUser(issued.user),
    };
  }
}
