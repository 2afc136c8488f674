import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { MfaChallengeResponse } from './dto/mfa.dto.js';
import { AllowedBeforeEnrolment } from './mfa-enrolment.js';
import type { AuditContext } from '../common/audit/audit-log.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { LoginRateLimit } from '../rate-limit/index.js';
import { mapUser, UserResponse } from '../users/index.js';
import { UsersService } from '../users/index.js';
import { AuthService } from './auth.service.js';
import { isCredentialFailure } from './credential-failure.js';
import { Audit, Authenticated, CurrentPrincipal, Public } from '../common/access/decorators.js';
import {
  ChangePasswordRequest,
  LoginRequest,
  PasswordResetConfirmRequest,
  PasswordResetRequest,
  RefreshTokenRequest,
  UpdateNotificationPreferencesRequest,
} from './dto/auth.requests.js';
import { LoginResponse, mapSession, NotificationPreferencesResponse, SessionResponse } from './dto/auth.responses.js';
import type { Principal } from '../common/access/principal.js';
import { ApiPageResponse, mapPage, type Page, PaginationQueryDto } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { CurrentClient, CurrentSessionId } from './request-session.js';
import { type IssuedTokens, type SessionClient, SessionsService } from './sessions.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { TokenService } from './token.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly passwordReset: PasswordResetService,
  ) {}

  private tokensOf(issued: IssuedTokens): LoginResponse {
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

  /**
   * Exchange email and password for a bearer token (valid `JWT_TTL`, 15 minutes by default) and a refresh token that
   * keeps the session going (`POST /api/v1/auth/refresh`). In Swagger UI, paste `accessToken` into Authorize.
   *
   * Rate limits count failed sign-ins only, never successful ones. An IP address gets `RATE_LIMIT_LOGIN_LIMIT` (5)
   * failures per `RATE_LIMIT_LOGIN_WINDOW_SECONDS` (60), whatever the emails; then it gets 429 until the window
   * ends. An email gets more, `RATE_LIMIT_LOGIN_EMAIL_LIMIT` (20) failures from anywhere; past that, only the
   * addresses that failed on that email get 429 for it. So guesses cannot lock the account's owner out: the right
   * password from an address that has not failed still signs in. Each attempt is held as a failure until it
   * succeeds, so concurrent guesses cannot overrun the budget; `RateLimit-*` headers show the address's failures
   * left should this attempt fail.
   *
   * With a second factor on, the answer is `{ mfaRequired: true, challengeToken }` instead of tokens: send the
   * challenge and a code to `POST /api/v1/auth/login/mfa` within 5 minutes. A user whose role requires a second factor
   * (`MFA_REQUIRED_ROLES`) and has none gets tokens that allow enrolment only (403 `mfa_enrolment_required` elsewhere).
   */
  @Post('login')
  @HttpCode(200)
  @Public()
  @LoginRateLimit({ failedWhen: isCredentialFailure })
  @ApiOperation({ operationId: 'login', summary: 'Sign in as staff' })
  @ApiExtraModels(LoginResponse, MfaChallengeResponse)
  @ApiOkResponse({
    description: 'Tokens; or, for an account with a second factor, `{ mfaRequired: true, challengeToken }`.',
    schema: { oneOf: [{ $ref: getSchemaPath(LoginResponse) }, { $ref: getSchemaPath(MfaChallengeResponse) }] },
  })
  @ApiProblems('validation_failed', 'unauthorized')
  async login(
    @Body() body: LoginRequest,
    @CurrentClient() client: SessionClient,
    @Audit() ctx: AuditContext,
  ): Promise<LoginResponse | MfaChallengeResponse> {
    const outcome = await this.auth.login(body.email, body.password, client, ctx);
    return 'mfaRequired' in outcome ? outcome : this.tokensOf(outcome);
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token: each refresh token works once. One
   * presented a second time was copied, so the whole session ends (both holders must sign in again) and the audit log
   * records `auth.refresh_token_reused`. A refresh token of an ended or expired session, of a deactivated account, or
   * one never issued answers 401.
   */
  @Post('refresh')
  @HttpCode(200)
  @Public()
  @ApiOperation({ operationId: 'refreshSession', summary: 'Get a new token pair with a refresh token' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiProblems('validation_failed', 'unauthorized')
  async refresh(
    @Body() body: RefreshTokenRequest,
    @CurrentClient() client: SessionClient,
    @Audit() ctx: AuditContext,
  ): Promise<LoginResponse> {
    return this.tokensOf(await this.sessions.refresh(body.refreshToken, client, ctx));
  }

  /**
   * Ends the session the refresh token belongs to: its refresh tokens and access tokens stop working at once. Works
   * with an expired access token, so it needs none; an unknown or already ended session is also 204.
   */
  @Post('logout')
  @HttpCode(204)
  @Public()
  @ApiOperation({ operationId: 'logout', summary: 'Sign out (end the session)' })
  @ApiNoContentResponse({ description: 'The session has ended.' })
  @ApiProblems('validation_failed')
  async logout(@Body() body: RefreshTokenRequest, @Audit() ctx: AuditContext): Promise<void> {
    await this.sessions.logout(body.refreshToken, ctx);
  }

  /**
   * Your live sessions, most recently used first: the device (browser and system, from the User-Agent), the network
   * (IPv4 /24 or IPv6 /48, never the address), the sign-in and the last refresh. `current` marks this request's.
   */
  @Get('sessions')
  @Authenticated()
  @AllowedBeforeEnrolment()
  @ApiOperation({ operationId: 'listSessions', summary: 'Your sessions' })
  @ApiPageResponse(SessionResponse)
  @ApiProblems('validation_failed')
  async listSessions(
    @Query() query: PaginationQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentSessionId() current: string | undefined,
  ): Promise<Page<SessionResponse>> {
    return mapPage(await this.sessions.list(principal.id, query), (session) => mapSession(session, current));
  }

  /** Ends one of your sessions (this one included): its tokens stop working at once. 404 for anyone else's. */
  @Delete('sessions/:id')
  @HttpCode(204)
  @Authenticated()
  @AllowedBeforeEnrolment()
  @ApiOperation({ operationId: 'endSession', summary: 'End one of your sessions' })
  @ApiNoContentResponse({ description: 'The session has ended.' })
  @ApiProblems('validation_failed', 'not_found')
  async endSession(
    @UuidParam('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.sessions.end(principal.id, id, ctx);
  }

  /**
   * Reads the account as it is now, not the token's claims; never the password hash. A 401 means the token no
   * longer works: it expired, the password or role changed, or the account was deactivated or deleted.
   */
  @Get('me')
  @Authenticated()
  @AllowedBeforeEnrolment()
  @ApiOperation({ operationId: 'getCurrentUser', summary: 'The signed-in staff member' })
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserResponse> {
    return mapUser(await this.users.get(principal.id));
  }

  /** The email notices you receive (see the README, "Email"). */
  @Get('me/notifications')
  @Authenticated()
  @ApiOperation({ operationId: 'getNotificationPreferences', summary: 'Your email notification preferences' })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  async notifications(@CurrentPrincipal() principal: Principal): Promise<NotificationPreferencesResponse> {
    return this.users.notificationPreferences(principal.id);
  }

  /**
   * Switches email notices on or off; fields left out keep their setting. Switching on a notice your role cannot
   * receive (an editor and contact requests; anyone but an admin and webhook endpoints) is 400 naming the field.
   */
  @Patch('me/notifications')
  @Authenticated()
  @ApiOperation({ operationId: 'updateNotificationPreferences', summary: 'Change your email notification preferences' })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  @ApiProblems('validation_failed')
  async updateNotifications(
    @Body() body: UpdateNotificationPreferencesRequest,
    @CurrentPrincipal() principal: Principal,
    @Audit() ctx: AuditContext,
  ): Promise<NotificationPreferencesResponse> {
    return this.users.updateNotificationPreferences(principal.id, body, ctx);
  }

  /**
   * Ends every session of the user, this one included: sign in again afterwards. Rate limited like sign-in (per
   * IP): a stolen token must not become a way to guess the current password.
   */
  @Post('change-password')
  @HttpCode(204)
  @Authenticated()
  @LoginRateLimit({ failedWhen: isCredentialFailure })
  @AllowedBeforeEnrolment()
  @ApiOperation({ operationId: 'changePassword', summary: 'Change your own password' })
  @ApiNoContentResponse({ description: 'Changed; existing tokens no longer work.' })
  @ApiProblems('validation_failed')
  async changePassword(
    @Body() body: ChangePasswordRequest,
    @CurrentPrincipal() principal: Principal,
    @Audit() ctx: AuditContext,
  ): Promise<void> {
    await this.auth.changePassword(principal.id, body.currentPassword, body.newPassword, ctx);
  }

  /**
   * Emails a link to set a new password (`PASSWORD_RESET_URL?token=…`, single use, valid 30 minutes) to the address,
   * if it belongs to an active account. Always 202, after the same work whether or not it does, so the answer tells
   * nothing about which addresses have accounts. Each request counts against the sign-in limits of the client and of
   * the address (every one sends an email), as a failed sign-in does. Without `SMTP_URL` and `PASSWORD_RESET_URL`
   * nothing is sent.
   */
  @Post('password-reset')
  @HttpCode(202)
  @Public()
  @LoginRateLimit({ failedWhen: isCredentialFailure, countsSuccess: true })
  @ApiOperation({ operationId: 'requestPasswordReset', summary: 'Ask for a password reset link by email' })
  @ApiAcceptedResponse({ description: 'If the address has an active account, a link is on its way.' })
  @ApiProblems('validation_failed')
  async requestPasswordReset(@Body() body: PasswordResetRequest, @Audit() ctx: AuditContext): Promise<void> {
    await this.passwordReset.request(body.email, ctx);
  }

  /**
   * Sets a new password with the token of a reset link (the same policy as everywhere: 12 to 128 characters, not the
   * email address, not a common password) and ends every session of the account. A token used, expired or never
   * issued is 400 naming `token`, and counts as a failed sign-in of the client.
   */
  @Post('password-reset/confirm')
  @HttpCode(204)
  @Public()
  @LoginRateLimit({ failedWhen: isCredentialFailure })
  @ApiOperation({ operationId: 'confirmPasswordReset', summary: 'Set a new password with a reset link' })
  @ApiNoContentResponse({ description: 'The password is set; every session has ended.' })
  @ApiProblems('validation_failed')
  async confirmPasswordReset(@Body() body: PasswordResetConfirmRequest, @Audit() ctx: AuditContext): Promise<void> {
    await this.passwordReset.confirm(body.token, body.password, ctx);
  }
}
