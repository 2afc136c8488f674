import { Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit, Roles } from '../common/access/decorators.js';
import type { AuditContext } from '../common/audit/audit-log.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { UuidParam } from '../common/validation/decorators.js';
import { SessionsService } from './sessions.service.js';

/** What admins do to another account's sign-in: end its sessions. */
@ApiTags('users')
@Controller('admin/users')
@Roles('admin')
export class AdminUserSessionsController {
  constructor(private readonly sessions: SessionsService) {}

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
}
