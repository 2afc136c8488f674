import { Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit, Roles } from '../common/access/decorators.js';
import type { AuditContext } from '../common/audit/audit-log.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { UuidParam } from '../common/validation/decorators.js';
import { MfaService } from './mfa.service.js';
import { SessionsService } from './sessions.service.js';

/** What admins do to another account's sign-in: end its sessions, remove its second factor. */
@ApiTags('users')
@Controller('admin/users')
@Roles('admin')
export class AdminUserSessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly mfa: MfaService,
  ) {}

  /**
   * Ends every session of the user (a lost laptop, a departure): refresh tokens and access tokens stop working at
   * once. The account itself stays as it is. Recorded as `user.sessions_ended`.
   */
  @Delete(':id/sessions')
  @HttpCode(204)
  @ApiOperation({ operationId: 'endUserSessions', summary: "End all of a user's sessions" })
  @ApiNoContentResponse({ description: 'Every session has ended.' })
  @ApiProblems('validation_failed', 'not_found')
  async endAll(@UuidParam('id') id: string, @Audit() ctx: AuditContext): Promise<void> {
    await this.sessions.endAllOf(id, ctx);
  }

  /**
   * Removes the user's second factor and recovery codes (a lost phone and lost codes): they sign in with the password
   * alone, and enrol again (at once, if their role requires one). Recorded as `user.mfa_reset`.
   */
  @Delete(':id/mfa')
  @HttpCode(204)
  @ApiOperation({ operationId: 'resetUserMfa', summary: "Remove a user's second factor" })
  @ApiNoContentResponse({ description: 'The second factor is removed.' })
  @ApiProblems('validation_failed', 'not_found')
  async resetMfa(@UuidParam('id') id: string, @Audit() ctx: AuditContext): Promise<void> {
    await this.mfa.reset(id, ctx);
  }
}
