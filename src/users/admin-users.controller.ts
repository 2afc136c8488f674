import './user.problems.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../common/audit/audit-log.js';
import { Audit, Roles } from '../common/access/decorators.js';
import { Created } from '../common/http/response-headers.js';
import { ApiProblems } from '../common/openapi/api-problems.js';
import { ApiPageResponse, mapPage, type Page } from '../common/pagination/pagination.js';
import { UuidParam } from '../common/validation/decorators.js';
import { CreateUserRequest, ListUsersQuery, UpdateUserRequest } from './dto/user.requests.js';
import { mapUser, UserResponse } from './dto/user.responses.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('admin/users')
@Roles('admin')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  /**
   * Sorted by `email` unless `sort` says otherwise; with `lastLoginAt`, accounts that never signed in come last in
   * either direction. `role` and `active` filter and combine; deactivated accounts are included unless
   * `active=true`. Password hashes are never returned.
   */
  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'List staff accounts' })
  @ApiPageResponse(UserResponse)
  @ApiProblems('validation_failed')
  async list(@Query() query: ListUsersQuery): Promise<Page<UserResponse>> {
    return mapPage(await this.users.list(query), mapUser);
  }

  /**
   * The email is trimmed and lower-cased; one that already exists, in any case, is a 409 `conflict`. The password
   * must be 12 to 128 characters, not the email address (or its part before the @) and not a common password; it
   * is stored only as an argon2id hash and never returned. The creation is recorded in the audit log.
   */
  @Post()
  @ApiOperation({ operationId: 'createUser', summary: 'Create a staff account with a role' })
  @Created(UserResponse, '/api/v1/admin/users/{id}')
  @ApiProblems('validation_failed', 'conflict')
  async create(@Body() body: CreateUserRequest, @Audit() ctx: AuditContext): Promise<UserResponse> {
    return mapUser(await this.users.create(body, ctx));
  }

  /** Deactivated accounts are returned too (`active: false`); `lastLoginAt` is null until the first sign-in. */
  @Get(':id')
  @ApiOperation({ operationId: 'getUser', summary: 'One staff account' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems('validation_failed', 'not_found')
  async get(@UuidParam('id') id: string): Promise<UserResponse> {
    return mapUser(await this.users.get(id));
  }

  /** Change the display name or role, deactivate or reactivate, or reset the password. */
  @Patch(':id')
  @ApiOperation({ operationId: 'updateUser', summary: 'Update a staff account' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems('validation_failed', 'not_found', 'last_admin')
  async update(
    @UuidParam('id') id: string,
    @Body() body: UpdateUserRequest,
    @Audit() ctx: AuditContext,
  ): Promise<UserResponse> {
    return mapUser(await this.users.update(id, body, ctx));
  }

  /**
   * Permanent: the account's tokens stop working at once and its email can be used again. The last active admin
   * cannot be deleted (409 `last_admin`); to block access but keep the account, deactivate it instead. The audit
   * log keeps the account's events and records the deletion.
   *
   * Integration keys it created keep working (keys belong to the clinic). When some still work (not revoked, not
   * expired), the deletion reports them: the `user.deleted` audit event carries `metadata.apiKeysKept`
   * (`{ count, ids }`), and the admins who receive the `apiKeysOfDeletedUser` notice (on by default) are emailed the
   * keys' names and ids, never a secret or a prefix. The answer stays 204 like every delete; to see beforehand which
   * keys an account made, list the API keys (`createdBy`).
   */
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteUser', summary: 'Delete a staff account' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('validation_failed', 'not_found', 'last_admin')
  async remove(@UuidParam('id') id: string, @Audit() ctx: AuditContext): Promise<void> {
    await this.users.remove(id, ctx);
  }
}
