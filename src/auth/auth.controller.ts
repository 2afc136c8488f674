import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { LoginRateLimit } from '../rate-limit/index.js';
import { mapUser, UserResponse } from '../users/index.js';
import { UsersService } from '../users/index.js';
import { AuthService } from './auth.service.js';
import { isCredentialFailure } from './credential-failure.js';
import { Audit, Authenticated, CurrentPrincipal, Public } from '../common/access/decorators.js';
import { ChangePasswordRequest, LoginRequest, UpdateNotificationPreferencesRequest } from './dto/auth.requests.js';
import { LoginResponse, NotificationPreferencesResponse } from './dto/auth.responses.js';
import type { Principal } from '../common/access/principal.js';
import { TokenService } from './token.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  /**
   * Exchange email and password for a bearer token.
   *
   * Rate limits count failed sign-ins only, never successful ones. An IP address gets `RATE_LIMIT_LOGIN_LIMIT` (5)
   * failures per `RATE_LIMIT_LOGIN_WINDOW_SECONDS` (60), whatever the emails; then it gets 429 until the window
   * ends. An email gets more, `RATE_LIMIT_LOGIN_EMAIL_LIMIT` (20) failures from anywhere; past that, only the
   * addresses that failed on that email get 429 for it. So guesses cannot lock the account's owner out: the right
   * password from an address that has not failed still signs in. Each attempt is held as a failure until it
   * succeeds, so concurrent guesses cannot overrun the budget; `RateLimit-*` headers show the address's failures
   * left should this attempt fail.
   */
  @Post('login')
  @HttpCode(200)
  @Public()
  @LoginRateLimit({ failedWhen: isCredentialFailure })
  @ApiOperation({ operationId: 'login', summary: 'Sign in as staff' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiProblems('validation_failed', 'unauthorized')
  async login(@Body() body: LoginRequest, @Audit() ctx: AuditContext): Promise<LoginResponse> {
    const { user, token } = await this.auth.login(body.email, body.password, ctx);
    return { accessToken: token, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds, user: mapUser(user) };
  }

  /**
   * Reads the account as it is now, not the token's claims; never the password hash. A 401 means the token no
   * longer works: it expired, the password or role changed, or the account was deactivated or deleted.
   */
  @Get('me')
  @Authenticated()
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
}
